/** A device's place on the guest PCI bus: the key QEMU's vtd_host_iommu_dev table uses. */
export interface PciAddress {
  /** PCIBus, identified by bus number */
  readonly bus: number;
  /** devfn: slot << 3 | function */
  readonly devfn: number;
}

/** pci_bus_is_express() of one bus: PCI Express, or conventional PCI. */
export type PciBusKind = 'pcie' | 'pci';

/** Where a passthrough device sits in the guest. */
export interface PciPlacement extends PciAddress {
  /**
   * The buses between the device and the root bus, the device's own bus first; empty on the root
   * bus. pci_device_get_iommu_bus_devfn() walks exactly these, and any conventional one aliases.
   */
  readonly upstreamBuses: readonly PciBusKind[];
}

export function pciDevfn(slot: number, fn: number): number {
  if (!Number.isInteger(slot) || slot < 0 || slot > 31) throw new RangeError(`PCI slot ${slot} is outside 0..31`);
  if (!Number.isInteger(fn) || fn < 0 || fn > 7) throw new RangeError(`PCI function ${fn} is outside 0..7`);
  return (slot << 3) | fn;
}

/** `bb:ss.f`, as QEMU prints a guest address. */
export function formatPciAddress(address: PciAddress): string {
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `${hex(address.bus, 2)}:${hex(address.devfn >> 3, 2)}.${address.devfn & 7}`;
}

export function samePciAddress(a: PciAddress, b: PciAddress): boolean {
  return a.bus === b.bus && a.devfn === b.devfn;
}

/** The requester ID is aliased iff a conventional PCI bus lies between the device and the IOMMU. */
export function isRequesterIdAliased(placement: Pick<PciPlacement, 'upstreamBuses'>): boolean {
  return placement.upstreamBuses.includes('pci');
}
