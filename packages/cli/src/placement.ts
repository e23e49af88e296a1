import { InputError, describePciPath, pciTopologyFromSpec, placementOf, type PciPlacement } from '@hiodkit/core';

/** Where a device goes when the host file does not say: slot 2 of the root bus. */
export const DEFAULT_AT: readonly string[] = ['02.0'];
/** --behind-pci-bridge: behind a PCIe-to-PCI bridge under a root port, as QEMU users usually build it. */
export const BEHIND_PCI_BRIDGE_AT: readonly string[] = ['pcie-root-port@1c.0', 'pcie-pci-bridge@00.0', '01.0'];

export interface GuestPlacement {
  readonly placement: PciPlacement;
  /** e.g. "00:1c.0 pcie-root-port → 01:00.0 pcie-pci-bridge → 02:01.0" */
  readonly description: string;
  readonly at: readonly string[];
}

/** Places the passthrough device at a QEMU-style path (bridges `type@ss.f`, then the device's `ss.f`). */
export function placeAt(at: readonly string[], path: string): GuestPlacement {
  try {
    const topology = pciTopologyFromSpec({ devices: [{ id: 'hostdev', at }] });
    return { placement: placementOf(topology, 'hostdev'), description: describePciPath(topology, 'hostdev'), at };
  } catch (e) {
    // the topology is built from a one-device spec: report the element as the host file has it
    if (e instanceof InputError) throw new InputError(e.path.replace(/^devices\[0\]\.at/, `${path}.at`), e.reason);
    throw e;
  }
}
