import { InputError, describeValue, fieldPath } from './input-error.js';
import { formatPciAddress, type PciAddress, type PciBusKind, type PciPlacement } from './pci.js';

/*
 * A q35 guest's PCI tree, enough to derive a PciPlacement from where a device really sits.
 * QEMU itself accepts nearly any device on any bus (docs/pcie.txt §2); this model enforces the
 * docs/pcie.txt placement rules listed at #checkPlug so that every topology it builds is a sane one.
 * Not modelled: pxb-pcie extra root buses, q35's built-in functions (mch 00.0, ICH9 at 1f.x), ARI.
 */

/** QEMU's name for q35's root bus, the PCIe root complex; it is bus 0 and carries the IOMMU ops. */
export const PCI_ROOT_BUS_ID = 'pcie.0';

/** The bridges the model knows, by QEMU device type name. */
export type PciBridgeType =
  | 'pcie-root-port'
  | 'x3130-upstream'
  | 'xio3130-downstream'
  | 'pcie-pci-bridge'
  | 'pci-bridge'
  | 'i82801b11-bridge';

/** What a topology device is: one of the bridges, or an endpoint function (any non-bridge device). */
export type PciTopologyDeviceType = PciBridgeType | 'endpoint';

/** pci_bus_is_express() of the secondary bus each bridge creates. */
export const PCI_BRIDGE_SECONDARY_BUS: Readonly<Record<PciBridgeType, PciBusKind>> = Object.freeze({
  'pcie-root-port': 'pcie',
  'x3130-upstream': 'pcie',
  'xio3130-downstream': 'pcie',
  'pcie-pci-bridge': 'pci',
  'pci-bridge': 'pci',
  'i82801b11-bridge': 'pci',
});

export const PCI_BRIDGE_TYPES: readonly PciBridgeType[] = Object.freeze(Object.keys(PCI_BRIDGE_SECONDARY_BUS) as PciBridgeType[]);

export function isPciBridgeType(value: unknown): value is PciBridgeType {
  return typeof value === 'string' && Object.hasOwn(PCI_BRIDGE_SECONDARY_BUS, value);
}

/** One device to plug, as `-device <type>,id=<id>,bus=<bus>,addr=<devfn>` would. */
export interface PciPlug {
  /** the device's id: what placementOf and describePciPath take, and the bus= name of its secondary bus */
  readonly id: string;
  /** a bridge's QEMU type, or 'endpoint' */
  readonly type: PciTopologyDeviceType;
  /** the bus it plugs into: PCI_ROOT_BUS_ID, or the id of the bridge whose secondary bus it is */
  readonly bus: string;
  /** slot << 3 | function on that bus (pciDevfn) */
  readonly devfn: number;
}

/** A device of a topology, with the bus number firmware gave its bus. */
export interface PciTopologyDevice extends PciAddress {
  readonly id: string;
  readonly type: PciTopologyDeviceType;
  /** the id of the bus it sits on (PCI_ROOT_BUS_ID or its parent bridge's id) */
  readonly busId: string;
  /** the number of the bus it creates; bridges only */
  readonly secondaryBus?: number;
}

/** A bus of a topology. */
export interface PciTopologyBus {
  /** the bus number firmware assigned */
  readonly number: number;
  readonly kind: PciBusKind;
  /** PCI_ROOT_BUS_ID, or the id of the bridge that creates it */
  readonly id: string;
}

/** The plugs kept, in the order given; everything else is derived from them. */
type Plugs = readonly PciPlug[];

/** QEMU's id_wellformed(): a letter, then letters, digits, '-', '.', '_'. */
const WELL_FORMED_ID = /^[A-Za-z][A-Za-z0-9._-]*$/;
/** The ids pciTopologyFromSpec gives implied bridges: their canonical path, which no well-formed id can equal. */
const ANY_ID = /^.+$/s;

/** PciTopology's plug with the id rule given; set by the class, so the relaxed rule stays out of the public API. */
let plugWithRule: (topology: PciTopology, device: PciPlug, path: string, idRule: RegExp) => PciTopology;

let empty: PciTopology | undefined;

/** An immutable q35 PCI topology: start from PciTopology.EMPTY and plug() devices in, parents first. */
export class PciTopology {
  /**
   * Only the root bus pcie.0, with nothing on it. A getter, not a static field: tsc's ES2022 emit
   * runs a static field that constructs the class before the alias its static block needs is bound.
   */
  static get EMPTY(): PciTopology {
    empty ??= new PciTopology([]);
    return empty;
  }

  /** Devices in the order firmware enumerates them: depth-first, each bus in devfn order. */
  readonly devices: readonly PciTopologyDevice[];
  /** Buses indexed by bus number; buses[0] is the root bus. */
  readonly buses: readonly PciTopologyBus[];
  readonly #plugs: Plugs;
  readonly #byId: ReadonlyMap<string, PciTopologyDevice>;

  private constructor(plugs: Plugs) {
    this.#plugs = plugs;
    const children = new Map<string, PciPlug[]>();
    for (const plug of plugs) {
      const list = children.get(plug.bus) ?? [];
      list.push(plug);
      children.set(plug.bus, list);
    }
    const devices: PciTopologyDevice[] = [];
    const buses: PciTopologyBus[] = [Object.freeze({ number: 0, kind: 'pcie', id: PCI_ROOT_BUS_ID })];
    // SeaBIOS and OVMF number buses the same way: preorder, the next free number for each bridge found in devfn order.
    const enumerate = (busId: string, number: number): void => {
      const onBus = [...(children.get(busId) ?? [])].sort((a, b) => a.devfn - b.devfn);
      for (const plug of onBus) {
        if (plug.type === 'endpoint') {
          devices.push(Object.freeze({ id: plug.id, type: plug.type, busId, bus: number, devfn: plug.devfn }));
          continue;
        }
        const secondaryBus = buses.length;
        buses.push(Object.freeze({ number: secondaryBus, kind: PCI_BRIDGE_SECONDARY_BUS[plug.type], id: plug.id }));
        devices.push(Object.freeze({ id: plug.id, type: plug.type, busId, bus: number, devfn: plug.devfn, secondaryBus }));
        enumerate(plug.id, secondaryBus);
      }
    };
    enumerate(PCI_ROOT_BUS_ID, 0);
    this.devices = Object.freeze(devices);
    this.buses = Object.freeze(buses);
    this.#byId = new Map(devices.map((d) => [d.id, d]));
  }

  /** The device with this id, or undefined. */
  device(id: string): PciTopologyDevice | undefined {
    return this.#byId.get(id);
  }

  /** The bus with this id (PCI_ROOT_BUS_ID or a bridge's id), or undefined. */
  bus(id: string): PciTopologyBus | undefined {
    if (id === PCI_ROOT_BUS_ID) return this.buses[0];
    const bridge = this.#byId.get(id);
    return bridge?.secondaryBus === undefined ? undefined : this.buses[bridge.secondaryBus];
  }

  /**
   * A new topology with the device plugged in; throws InputError(path, reason) if QEMU's placement
   * rules (see #checkPlug) refuse it. `path` names the offending input in the error; the id by default.
   */
  plug(device: PciPlug, path: string = String(device.id)): PciTopology {
    return this.#plug(device, path, WELL_FORMED_ID);
  }

  static {
    plugWithRule = (topology, device, path, idRule) => topology.#plug(device, path, idRule);
  }

  #plug(device: PciPlug, path: string, idRule: RegExp): PciTopology {
    const reason = this.#checkPlug(device, idRule);
    if (reason !== undefined) throw new InputError(path, reason);
    return new PciTopology(Object.freeze([...this.#plugs, Object.freeze({ id: device.id, type: device.type, bus: device.bus, devfn: device.devfn })]));
  }

  /** Why `device` cannot be plugged in, or undefined if it can. */
  #checkPlug(device: PciPlug, idRule: RegExp): string | undefined {
    const { id, type, bus, devfn } = device;
    if (typeof id !== 'string' || !idRule.test(id)) return `the id ${quote(id)} is not well formed (a letter, then letters, digits, '-', '.', '_')`;
    if (id === PCI_ROOT_BUS_ID || this.#byId.has(id)) return `the id ${JSON.stringify(id)} is already in use`;
    if (type !== 'endpoint' && !isPciBridgeType(type)) return `unknown device type ${describeValue(type)} (expected 'endpoint' or one of ${PCI_BRIDGE_TYPES.join(', ')})`;
    if (!Number.isInteger(devfn) || devfn < 0 || devfn > 255) return `devfn ${describeValue(devfn)} is outside 0..255`;
    const parent = bus === PCI_ROOT_BUS_ID ? undefined : this.#byId.get(bus);
    if (bus !== PCI_ROOT_BUS_ID) {
      if (parent === undefined) return `there is no bus ${quote(bus)} (buses: ${this.buses.map((b) => b.id).join(', ')})`;
      if (parent.type === 'endpoint') return `${JSON.stringify(bus)} is an endpoint, which has no secondary bus to plug into`;
    }
    const parentType = parent?.type as PciBridgeType | undefined;
    const onBus = `the ${describeBusOf(parentType, bus)}`;
    if (type === 'pcie-root-port' && parentType !== undefined) {
      return `a pcie-root-port plugs only into the root bus ${PCI_ROOT_BUS_ID}, not into ${onBus}`;
    }
    if (type === 'x3130-upstream' && parentType !== 'pcie-root-port' && parentType !== 'xio3130-downstream') {
      return `an x3130-upstream plugs only into a pcie-root-port or an xio3130-downstream, not into ${onBus}`;
    }
    if (type === 'xio3130-downstream' && parentType !== 'x3130-upstream') {
      return `an xio3130-downstream plugs only into an x3130-upstream, not into ${onBus}`;
    }
    // A switch's internal bus is its link to the downstream ports: nothing else belongs there.
    if (parentType === 'x3130-upstream' && type !== 'xio3130-downstream') {
      return `${onBus} holds only xio3130-downstream ports, not ${describeType(type)}`;
    }
    // A port's link reaches one device at slot 0; QEMU only warns ("parent device only allows plugging into slot 0"), the model refuses.
    if ((parentType === 'pcie-root-port' || parentType === 'xio3130-downstream') && devfn >> 3 !== 0) {
      return `${onBus} links to one device: only slot 0 is valid there, not slot ${hex2(devfn >> 3)}`;
    }
    const taken = this.#plugs.find((p) => p.bus === bus && p.devfn === devfn);
    if (taken !== undefined) return `slot ${slotFn(devfn)} of ${onBus} is already taken by ${describeType(taken.type)} ${JSON.stringify(taken.id)}`;
    if (type !== 'endpoint' && this.buses.length >= 256) return 'no bus number left: a PCI domain has 256 buses';
    return undefined;
  }
}

/** A string as JSON, anything else as describeValue words. */
function quote(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : describeValue(value);
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** `ss.f`, as QEMU's addr= property and this module's spec paths write a devfn. */
function slotFn(devfn: number): string {
  return `${hex2(devfn >> 3)}.${devfn & 7}`;
}

function describeType(type: PciTopologyDeviceType): string {
  return type === 'endpoint' ? 'an endpoint' : type === 'x3130-upstream' || type === 'xio3130-downstream' || type === 'i82801b11-bridge' ? `an ${type}` : `a ${type}`;
}

function describeBusOf(parentType: PciBridgeType | undefined, busId: string): string {
  if (parentType === undefined) return `root bus ${PCI_ROOT_BUS_ID}`;
  const what = parentType === 'x3130-upstream' ? 'internal bus' : 'secondary bus';
  return `${what} of ${parentType} ${JSON.stringify(busId)}`;
}

function deviceOrThrow(topology: PciTopology, deviceId: string): PciTopologyDevice {
  const device = topology.device(deviceId);
  if (device === undefined) {
    const known = topology.devices.map((d) => JSON.stringify(d.id)).join(', ');
    throw new InputError('deviceId', `no device ${JSON.stringify(deviceId)} in the topology (devices: ${known === '' ? 'none' : known})`);
  }
  return device;
}

/** The bridges from the root bus down to the device, outermost first. */
function bridgesAbove(topology: PciTopology, device: PciTopologyDevice): PciTopologyDevice[] {
  const chain: PciTopologyDevice[] = [];
  for (let busId = device.busId; busId !== PCI_ROOT_BUS_ID; ) {
    const bridge = topology.device(busId);
    if (bridge === undefined) throw new Error(`pci-topology: bus ${busId} has no bridge`);
    chain.unshift(bridge);
    busId = bridge.busId;
  }
  return chain;
}

/** Where the device sits, as the host-device check sees it: its address and the buses up to (not including) the root bus. */
export function placementOf(topology: PciTopology, deviceId: string): PciPlacement {
  const device = deviceOrThrow(topology, deviceId);
  // pci_device_get_iommu_bus_devfn() starts at the device's own bus and climbs to the bus with the IOMMU ops.
  const upstreamBuses = bridgesAbove(topology, device)
    .reverse()
    .map((bridge) => PCI_BRIDGE_SECONDARY_BUS[bridge.type as PciBridgeType]);
  return Object.freeze({ bus: device.bus, devfn: device.devfn, upstreamBuses: Object.freeze(upstreamBuses) });
}

/** The path from the root bus for humans: `00:1c.0 pcie-root-port → 01:00.0 pcie-pci-bridge → 02:01.0`. */
export function describePciPath(topology: PciTopology, deviceId: string): string {
  const device = deviceOrThrow(topology, deviceId);
  const step = (d: PciTopologyDevice) => (d.type === 'endpoint' ? formatPciAddress(d) : `${formatPciAddress(d)} ${d.type}`);
  return [...bridgesAbove(topology, device), device].map(step).join(' → ');
}

/**
 * The plain-data (JSON) form of a topology. Example, a NIC behind a PCIe-to-PCI bridge and an empty root port:
 * `{ "devices": [ { "id": "nic", "at": ["pcie-root-port@1c.0", "pcie-pci-bridge@00.0", "01.0"] },
 *                 { "id": "spare", "at": ["pcie-root-port@1c.1"] } ] }`
 */
export interface PciTopologySpec {
  /** every named device; the bridges on their paths are created once and shared by every path through them */
  readonly devices: readonly PciDeviceSpec[];
}

/** One named device of a PciTopologySpec. */
export interface PciDeviceSpec {
  /** the device's id (QEMU id rules: a letter, then letters, digits, '-', '.', '_'); unique */
  readonly id: string;
  /** from the root bus down: each element but the last is a bridge `type@ss.f`; the last is the device, `ss.f` for an endpoint or `type@ss.f` for a bridge */
  readonly at: readonly string[];
}

/** One parsed path element. */
interface PathElement {
  readonly type: PciTopologyDeviceType;
  readonly devfn: number;
}

const ELEMENT = /^(?:([^@]*)@)?([0-9A-Fa-f]{1,2})\.([0-9])$/;

function parseElement(text: unknown, path: string): PathElement {
  if (typeof text !== 'string') throw new InputError(path, `expected a path element such as "pcie-root-port@1c.0" or "01.0", got ${describeValue(text)}`);
  const match = ELEMENT.exec(text);
  if (match === null) throw new InputError(path, `${JSON.stringify(text)} is not a path element: expected "type@ss.f" for a bridge or "ss.f" for an endpoint (slot 00..1f in hex, function 0..7)`);
  const [, type, slotText = '', fnText = ''] = match;
  const slot = Number.parseInt(slotText, 16);
  const fn = Number(fnText);
  if (slot > 0x1f) throw new InputError(path, `${JSON.stringify(text)}: slot ${slotText} is outside 00..1f`);
  if (fn > 7) throw new InputError(path, `${JSON.stringify(text)}: function ${fnText} is outside 0..7`);
  if (type === undefined) return { type: 'endpoint', devfn: (slot << 3) | fn };
  if (!isPciBridgeType(type)) throw new InputError(path, `${JSON.stringify(text)}: unknown bridge type ${JSON.stringify(type)} (bridges: ${PCI_BRIDGE_TYPES.join(', ')})`);
  return { type, devfn: (slot << 3) | fn };
}

/** The canonical text of a path element, which also keys implied bridges. */
function elementText(element: PathElement): string {
  return element.type === 'endpoint' ? slotFn(element.devfn) : `${element.type}@${slotFn(element.devfn)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, keys: readonly string[], path: string): void {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) throw new InputError(fieldPath(path, key), `unknown field (expected ${keys.join(', ')})`);
  }
}

/**
 * Builds a topology from its plain-data form (checked: this is the entry point for untrusted JSON).
 * A bridge met only on paths gets its path (`pcie-root-port@1c.0/pcie-pci-bridge@00.0`) as its id;
 * a device entry whose last element is that bridge names it instead. Errors: InputError whose path
 * names the offending field, e.g. `devices[2].at[1]`.
 */
export function pciTopologyFromSpec(spec: unknown, path = ''): PciTopology {
  if (!isRecord(spec)) throw new InputError(path, `expected a topology {"devices": [...]}, got ${describeValue(spec)}`);
  onlyKeys(spec, ['devices'], path);
  const devicesPath = fieldPath(path, 'devices');
  const { devices } = spec;
  if (!Array.isArray(devices)) throw new InputError(devicesPath, `expected an array of {"id", "at"}, got ${describeValue(devices)}`);

  const entries = devices.map((entry: unknown, i) => {
    const entryPath = fieldPath(devicesPath, i);
    if (!isRecord(entry)) throw new InputError(entryPath, `expected {"id", "at"}, got ${describeValue(entry)}`);
    onlyKeys(entry, ['id', 'at'], entryPath);
    const { id, at } = entry;
    if (typeof id !== 'string' || !WELL_FORMED_ID.test(id)) {
      throw new InputError(fieldPath(entryPath, 'id'), `the id ${quote(id)} is not well formed (a letter, then letters, digits, '-', '.', '_')`);
    }
    const atPath = fieldPath(entryPath, 'at');
    if (!Array.isArray(at) || at.length === 0) throw new InputError(atPath, `expected a non-empty array of path elements, got ${describeValue(at)}`);
    const elements = at.map((text: unknown, j) => parseElement(text, fieldPath(atPath, j)));
    elements.slice(0, -1).forEach((element, j) => {
      if (element.type === 'endpoint') {
        throw new InputError(fieldPath(atPath, j), `${JSON.stringify(at[j])} is not a bridge: every element but the last must be "type@ss.f"`);
      }
    });
    return { id, entryPath, atPath, elements, key: elements.map(elementText).join('/') };
  });

  // Entries naming a bridge give that bridge its id wherever it is implied, before or after them.
  const ids = new Map<string, string>();
  const named = new Map<string, string>();
  for (const { id, entryPath, elements, key } of entries) {
    const earlier = ids.get(id);
    if (earlier !== undefined || id === PCI_ROOT_BUS_ID) {
      throw new InputError(fieldPath(entryPath, 'id'), `the id ${JSON.stringify(id)} is already ${earlier === undefined ? 'the root bus' : `used by ${earlier}`}`);
    }
    ids.set(id, entryPath);
    const last = elements.at(-1);
    if (last !== undefined && last.type !== 'endpoint') named.set(key, id);
  }

  let topology = PciTopology.EMPTY;
  for (const { id, atPath, elements } of entries) {
    let busId = PCI_ROOT_BUS_ID;
    let key = '';
    elements.forEach((element, j) => {
      const elementPath = fieldPath(atPath, j);
      const isLast = j === elements.length - 1;
      key = key === '' ? elementText(element) : `${key}/${elementText(element)}`;
      const wantedId = isLast ? id : (named.get(key) ?? key);
      const existing = topology.devices.find((d) => d.busId === busId && d.devfn === element.devfn);
      if (existing !== undefined) {
        if (existing.type !== element.type || (isLast && existing.id !== id)) {
          const from = ids.get(existing.id);
          const what = `${describeType(existing.type)} ${JSON.stringify(existing.id)}${from === undefined ? '' : ` (${from})`}`;
          throw new InputError(elementPath, `${JSON.stringify(elementText(element))}: slot ${slotFn(element.devfn)} there already holds ${what}`);
        }
        busId = existing.id;
        return;
      }
      try {
        topology = plugWithRule(topology, { id: wantedId, type: element.type, bus: busId, devfn: element.devfn }, elementPath, ANY_ID);
      } catch (error) {
        if (error instanceof InputError) throw new InputError(elementPath, `${JSON.stringify(elementText(element))}: ${error.reason}`);
        throw error;
      }
      busId = wantedId;
    });
  }
  return topology;
}

/**
 * The plain-data form of a topology: every endpoint, and every bridge whose id is its own rather than
 * implied by a path; pciTopologyFromSpec of it gives back the same devices, ids and bus numbers.
 */
export function pciTopologyToSpec(topology: PciTopology): PciTopologySpec {
  const pathOf = (device: PciTopologyDevice): string[] =>
    [...bridgesAbove(topology, device), device].map((d) => elementText({ type: d.type, devfn: d.devfn }));
  const devices = topology.devices
    .filter((d) => d.type === 'endpoint' || WELL_FORMED_ID.test(d.id))
    .map((d) => ({ id: d.id, at: pathOf(d) }));
  return { devices };
}
