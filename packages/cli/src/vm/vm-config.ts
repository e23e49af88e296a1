import {
  InputError,
  PCI_ROOT_BUS_ID,
  PropertyValueError,
  PciTopology,
  decideConfig,
  describePciPath,
  formatPciAddress,
  parseGuestProperties,
  placementOf,
  type IntelIommuProps,
  type PciBridgeType,
  type PciPlacement,
  type ResolvedQemu,
} from '@hiodkit/core';
import type { Outcome } from '@hiodkit/core';
import { stringProp, type DeviceOption } from './device-option.js';
import { jsonPropertiesText } from './intel-iommu-props.js';
import { BRIDGE_DRIVERS, type VmDescription } from './vm-description.js';

/** A vfio-pci device of the VM, placed in the guest's PCI tree. */
export interface VfioPassthrough {
  readonly option: DeviceOption;
  /** the host device, dddd:bb:dd.f */
  readonly host: string;
  readonly backend: 'iommufd' | 'legacy';
  readonly placement: PciPlacement;
  /** e.g. "00:1c.0 pcie-root-port → 01:00.0" */
  readonly path: string;
  /** QEMU picks the slot (no addr=): the address shown is the model's pick, the check does not depend on it */
  readonly addrAuto: boolean;
}

/** A refusal QEMU prints before any device is attached, with the option it is located at. */
export interface StartRefusal {
  readonly option: DeviceOption | undefined;
  readonly message: string;
  readonly hints: string;
}

export type VmIommu =
  | { readonly kind: 'none' }
  | { readonly kind: 'intel-iommu'; readonly option: DeviceOption; readonly props: IntelIommuProps; readonly decided: Outcome };

export interface VmConfig {
  readonly iommu: VmIommu;
  readonly devices: readonly VfioPassthrough[];
  readonly notes: readonly string[];
}

/** A StartRefusal as an error, so that parsing stops where QEMU would. */
export class VmStartError extends Error {
  override readonly name = 'VmStartError';
  constructor(readonly refusal: StartRefusal) {
    super(refusal.message);
  }
}

// ioh3420 is QEMU's other PCIe root port: the same requester-ID behaviour as pcie-root-port
const BRIDGE_ALIASES: Readonly<Record<string, PciBridgeType>> = { ioh3420: 'pcie-root-port' };

function bridgeType(driver: string): PciBridgeType | undefined {
  if ((BRIDGE_DRIVERS as readonly string[]).includes(driver)) return driver as PciBridgeType;
  return BRIDGE_ALIASES[driver];
}

/**
 * set_pci_devfn() (hw/core/qdev-properties-system.c): "SS.F" or "SS" in hex (sscanf %x, so a 0x
 * prefix is allowed), slot ≤ 31, function ≤ 7; a JSON integer is the devfn itself.
 */
export function parseAddr(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255) return value;
  if (typeof value === 'string') {
    const m = /^(?:0[xX])?([0-9a-fA-F]+)(?:\.(?:0[xX])?([0-9a-fA-F]+))?$/.exec(value);
    if (m) {
      const slot = Number.parseInt(m[1] as string, 16);
      const fn = m[2] === undefined ? 0 : Number.parseInt(m[2], 16);
      if (slot <= 31 && fn <= 7) return (slot << 3) | fn;
    }
  }
  throw new InputError(`${where} addr`, `${JSON.stringify(value)} is not a PCI address (slot[.function] in hex, slot ≤ 1f, function ≤ 7)`);
}

/** vfio-pci's host=: [domain:]bus:slot.function in hex, written as the kernel names it. */
function hostBdf(device: DeviceOption): string {
  const host = stringProp(device, 'host');
  const sysfsdev = stringProp(device, 'sysfsdev');
  const text = host ?? (sysfsdev === undefined ? undefined : sysfsdev.replace(/\/+$/, '').split('/').at(-1));
  if (text === undefined) throw new InputError(device.where, `-device ${device.driver} names no host= (or sysfsdev=): hiodkit cannot tell which host device it is`);
  const m = /^(?:([0-9a-fA-F]{1,8}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\.([0-7])$/.exec(text);
  if (!m) throw new InputError(`${device.where} host`, `${JSON.stringify(text)} is not a PCI address ([domain:]bus:slot.function)`);
  const hex = (s: string | undefined, w: number) => Number.parseInt(s ?? '0', 16).toString(16).padStart(w, '0');
  return `${hex(m[1], 4)}:${hex(m[2], 2)}:${hex(m[3], 2)}.${m[4]}`;
}

interface Placed {
  topology: PciTopology;
  /** topology id → the option that plugged it */
  byId: Map<string, DeviceOption>;
  /** every -device read so far, plugged or not */
  seen: DeviceOption[];
}

function freeDevfn(topology: PciTopology, busId: string): number {
  const bus = topology.bus(busId);
  const taken = new Set(topology.devices.filter((d) => d.busId === busId).map((d) => d.devfn));
  // do_pci_register_device(): the first free slot at function 0 from devfn_min; q35's own devices are not modelled, so the pick is shown as auto
  for (let devfn = 0; devfn < 256; devfn += 8) if (!taken.has(devfn)) return devfn;
  throw new InputError(busId, `PCI: no slot/function available on ${bus === undefined ? busId : busId}, all in use or reserved`);
}

/** Plugs one device into the tree; QEMU's slot-in-use refusal keeps its words (hw/pci/pci.c do_pci_register_device). */
function plug(placed: Placed, device: DeviceOption, type: PciBridgeType | 'endpoint', autoId: () => string): { id: string; auto: boolean } {
  const busId = stringProp(device, 'bus') ?? PCI_ROOT_BUS_ID;
  if (busId !== PCI_ROOT_BUS_ID && placed.topology.bus(busId) === undefined) {
    const creator = placed.seen.find((d) => d.id === busId);
    if (creator !== undefined) throw new InputError(device.where, `bus ${JSON.stringify(busId)} belongs to -device ${creator.driver}, which hiodkit's PCI model does not represent (it models ${BRIDGE_DRIVERS.join(', ')}, ioh3420)`);
    throw new InputError(device.where, `bus ${JSON.stringify(busId)} is not defined before this device (QEMU creates devices in command-line order; the buses are ${placed.topology.buses.map((b) => b.id).join(', ')})`);
  }
  const addr = device.props.get('addr');
  const devfn = addr === undefined ? freeDevfn(placed.topology, busId) : parseAddr(addr, device.where);
  const taken = placed.topology.devices.find((d) => d.busId === busId && d.devfn === devfn);
  if (taken !== undefined) {
    const other = placed.byId.get(taken.id);
    const message = `PCI: slot ${devfn >> 3} function ${devfn & 7} not available for ${device.driver}, in use by ${other?.driver ?? taken.type},id=${other?.id ?? '(null)'}`;
    throw new VmStartError({ option: device, message, hints: '' });
  }
  const id = device.id ?? autoId();
  placed.topology = placed.topology.plug({ id, type, bus: busId, devfn }, device.where);
  placed.byId.set(id, device);
  return { id, auto: addr === undefined };
}

/** The intel-iommu properties: the machine's defaults, then each -global intel-iommu, then the -device's own. */
function intelIommuProps(vm: VmDescription, option: DeviceOption, resolved: ResolvedQemu): IntelIommuProps {
  const opts = { properties: resolved.properties };
  let props = resolved.defaults;
  for (const g of vm.globals) props = parseGuestProperties(`${g.property}=${g.value.replace(/,/g, ',,')}`, resolved.profile, { ...opts, defaults: props });
  const text = option.form === 'json' ? jsonPropertiesText(option, resolved.properties) : option.text;
  try {
    return parseGuestProperties(text, resolved.profile, { ...opts, defaults: props });
  } catch (e) {
    // a value QEMU's setter refuses keeps its words; a name the release lacks is located at the option
    if (e instanceof InputError && !(e instanceof PropertyValueError)) throw new InputError(`${option.where} ${e.path}`, e.reason);
    throw e;
  }
}

/**
 * Resolves a VM description for a QEMU release: its intel-iommu (at most one), the vfio-pci
 * devices in order with their backend and guest placement. Throws VmStartError where QEMU itself
 * would refuse to start, InputError where the input cannot be modelled.
 */
export function resolveVmConfig(vm: VmDescription, resolved: ResolvedQemu): VmConfig {
  const notes: string[] = [];
  const iommus = vm.devices.filter((d) => d.driver === 'intel-iommu');
  const second = iommus[1];
  // pc_machine_device_pre_plug_cb(): one x86 vIOMMU per machine
  if (second !== undefined) throw new VmStartError({ option: second, message: 'QEMU does not support multiple vIOMMUs for x86 yet.', hints: '' });
  const iommufds = new Set(vm.objects.filter((o) => o.driver === 'iommufd' && o.id !== undefined).map((o) => o.id as string));
  const placed: Placed = { topology: PciTopology.EMPTY, byId: new Map(), seen: [] };
  let n = 0;
  const autoId = () => {
    while (vm.devices.some((d) => d.id === `hiodkit-auto-${n}`)) n++;
    return `hiodkit-auto-${n++}`;
  };
  const pending: (Omit<VfioPassthrough, 'placement' | 'path'> & { id: string })[] = [];
  const seenHosts = new Map<string, DeviceOption>();
  let iommuSeen = false;
  const ignored = new Map<string, number>();
  for (const device of vm.devices) {
    placed.seen.push(device);
    if (device.driver === 'intel-iommu') {
      iommuSeen = true;
      continue;
    }
    const bridge = bridgeType(device.driver);
    if (bridge !== undefined) {
      plug(placed, device, bridge, autoId);
      continue;
    }
    if (device.driver !== 'vfio-pci') {
      // another device takes a slot only where it names one on a bus the model knows
      const bus = device.props.get('bus');
      const onKnownBus = bus === undefined ? false : bus === PCI_ROOT_BUS_ID || (typeof bus === 'string' && placed.topology.bus(bus) !== undefined);
      if (onKnownBus && device.props.has('addr')) plug(placed, device, 'endpoint', autoId);
      else ignored.set(device.driver, (ignored.get(device.driver) ?? 0) + 1);
      continue;
    }
    const host = hostBdf(device);
    const earlier = seenHosts.get(host);
    if (earlier !== undefined) throw new InputError(device.where, `host device ${host} is passed through twice (also at ${earlier.where}); VFIO opens a device once`);
    seenHosts.set(host, device);
    const iommufd = stringProp(device, 'iommufd');
    if (iommufd !== undefined && !iommufds.has(iommufd)) {
      throw new InputError(`${device.where} iommufd`, `no -object iommufd,id=${iommufd} on the command line (iommufd objects: ${[...iommufds].join(', ') || 'none'})`);
    }
    if (iommus.length > 0 && !iommuSeen) notes.push(`${device.where}: this vfio-pci comes before -device intel-iommu; whether QEMU accepts that order is not modelled`);
    const { id, auto } = plug(placed, device, 'endpoint', autoId);
    pending.push({ option: device, host, backend: iommufd === undefined ? 'legacy' : 'iommufd', id, addrAuto: auto });
  }
  // bus numbers come from the whole tree (firmware numbers buses depth-first), so placements are read at the end
  const devices: VfioPassthrough[] = pending.map(({ id, ...d }) => ({ ...d, placement: placementOf(placed.topology, id), path: describePciPath(placed.topology, id) }));
  if (ignored.size > 0) {
    const list = [...ignored].map(([driver, n]) => (n === 1 ? driver : `${driver} (${n})`)).join(', ');
    notes.push(`not read: -device ${list}; they take no slot the model knows of, and are not on a vfio-pci device's path`);
  }
  const option = iommus[0];
  if (option === undefined) return { iommu: { kind: 'none' }, devices, notes };
  const props = intelIommuProps(vm, option, resolved);
  return { iommu: { kind: 'intel-iommu', option, props, decided: decideConfig(props, resolved.profile) }, devices, notes };
}

/** The q35 machine type of the VM, which intel-iommu needs (qemu-options.hx: "only supported by -machine q35"). */
export function vmMachineType(vm: VmDescription): { type: string; note?: string } {
  if (vm.machine === undefined) throw new InputError(vm.source, 'no -machine: QEMU starts x86 as pc (i440fx) then, and intel-iommu is only supported by -machine q35');
  const { where } = vm.machine;
  // Proxmox's kvm names its own revisions of a machine type pc-q35-X.Y+pveN
  const pve = /^(pc-q35-\d+\.\d+)\+pve\d+$/.exec(vm.machine.type);
  const type = pve ? (pve[1] as string) : vm.machine.type;
  if (type !== 'q35' && !/^pc-q35-\d+\.\d+$/.test(type)) throw new InputError(`${where} machine`, `${JSON.stringify(type)} is not a q35 machine type; intel-iommu is only supported by -machine q35`);
  return pve ? { type, note: `${where}: Proxmox's machine type ${vm.machine.type} is taken as ${type}, whose intel-iommu defaults it keeps (Proxmox's own compat changes are not modelled)` } : { type };
}

/** `bb:ss.f`, or `auto (bb:ss.f)` where QEMU picks the slot. */
export function describeGuestAddress(d: VfioPassthrough): string {
  return d.addrAuto ? `auto, the model's pick ${formatPciAddress(d.placement)}` : formatPciAddress(d.placement);
}
