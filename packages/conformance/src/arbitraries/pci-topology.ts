import fc from 'fast-check';
import {
  PCI_BRIDGE_SECONDARY_BUS,
  pciDevfn,
  pciTopologyFromSpec,
  placementOf,
  type PciBridgeType,
  type PciDeviceSpec,
  type PciPlacement,
  type PciTopology,
  type PciTopologyDeviceType,
  type PciTopologySpec,
} from '@hiodkit/core';

/** At most this many bridges between a device and the root bus. */
export const PCI_TOPOLOGY_MAX_DEPTH = 4;
/** At most this many bridges in a topology. */
export const PCI_TOPOLOGY_MAX_BRIDGES = 8;

/** A generated q35 topology and the passthrough device chosen in it. */
export interface PciTopologySample {
  /** the topology's plain-data form: every endpoint and every empty bridge; other bridges are implied by paths */
  readonly spec: PciTopologySpec;
  /** pciTopologyFromSpec(spec) */
  readonly topology: PciTopology;
  /** the chosen endpoint's id */
  readonly deviceId: string;
  /** placementOf(topology, deviceId) */
  readonly placement: PciPlacement;
}

/** What a bus is, for which devices may go on it and where. */
type BusContext = 'root' | 'port' | 'switch' | 'conventional';

interface NodeDraft {
  readonly type: PciTopologyDeviceType;
  readonly devfn: number;
  readonly children: readonly NodeDraft[];
}

function secondaryContext(type: PciBridgeType): BusContext {
  if (type === 'x3130-upstream') return 'switch';
  if (type === 'pcie-root-port' || type === 'xio3130-downstream') return 'port';
  return PCI_BRIDGE_SECONDARY_BUS[type] === 'pci' ? 'conventional' : 'port';
}

/** The devices each bus may hold, weighted; the weights keep aliased and non-aliased endpoints near even. */
const CHOICES: Readonly<Record<BusContext, readonly (readonly [PciTopologyDeviceType, number])[]>> = {
  root: [
    ['endpoint', 2],
    ['pcie-root-port', 5],
    ['pcie-pci-bridge', 1],
    ['pci-bridge', 1],
    ['i82801b11-bridge', 1],
  ],
  port: [
    ['endpoint', 5],
    ['x3130-upstream', 2],
    ['pcie-pci-bridge', 2],
    ['pci-bridge', 1],
    ['i82801b11-bridge', 1],
  ],
  switch: [['xio3130-downstream', 1]],
  conventional: [
    ['endpoint', 6],
    ['pci-bridge', 2],
    ['pcie-pci-bridge', 1],
    ['i82801b11-bridge', 1],
  ],
};

/** Devfns a bus hands out: a port's link reaches slot 0 only (a multi-function device at most). */
function devfnArb(context: BusContext): fc.Arbitrary<number> {
  switch (context) {
    case 'root':
      return fc.tuple(fc.integer({ min: 1, max: 0x1e }), fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 7 }) })).map(([s, f]) => pciDevfn(s, f));
    case 'port':
      return fc.integer({ min: 0, max: 1 });
    case 'switch':
      return fc.integer({ min: 0, max: 3 }).map((s) => pciDevfn(s, 0));
    case 'conventional':
      return fc.integer({ min: 1, max: 0x1f }).map((s) => pciDevfn(s, 0));
  }
}

const SIZES: Readonly<Record<BusContext, { minLength: number; maxLength: number }>> = {
  root: { minLength: 1, maxLength: 3 },
  port: { minLength: 0, maxLength: 2 },
  switch: { minLength: 1, maxLength: 2 },
  conventional: { minLength: 0, maxLength: 2 },
};

/** Whether a device of this type fits `depth` bridges down, its own bus and any bus a switch needs below it. */
function fits(type: PciTopologyDeviceType, depth: number): boolean {
  if (type === 'endpoint') return true;
  // An x3130-upstream's bus must hold an xio3130-downstream, one level further down.
  return depth + (type === 'x3130-upstream' ? 2 : 1) <= PCI_TOPOLOGY_MAX_DEPTH;
}

const busArbs = new Map<string, fc.Arbitrary<readonly NodeDraft[]>>();

/** The devices on a bus `depth` bridges below the root bus, at distinct devfns. */
function busArb(context: BusContext, depth: number): fc.Arbitrary<readonly NodeDraft[]> {
  const key = `${context}/${depth}`;
  const cached = busArbs.get(key);
  if (cached !== undefined) return cached;
  const choices = CHOICES[context]
    .filter(([type]) => fits(type, depth))
    .map(([type, weight]) => ({
      weight,
      arbitrary:
        type === 'endpoint'
          ? fc.constant({ type, children: [] as readonly NodeDraft[] })
          : busArb(secondaryContext(type), depth + 1).map((children) => ({ type, children })),
    }));
  const arb = fc
    .uniqueArray(fc.record({ devfn: devfnArb(context), node: fc.oneof(...choices) }), { ...SIZES[context], selector: (entry) => entry.devfn })
    .map((entries) => entries.map(({ devfn, node }): NodeDraft => ({ ...node, devfn })));
  busArbs.set(key, arb);
  return arb;
}

function bridgeCount(nodes: readonly NodeDraft[]): number {
  return nodes.reduce((n, node) => n + (node.type === 'endpoint' ? 0 : 1 + bridgeCount(node.children)), 0);
}

/** The minimal plain-data form of a tree: endpoints `ep<n>` and empty bridges `spare<n>`, in tree order. */
function specOf(root: readonly NodeDraft[]): PciTopologySpec {
  const devices: PciDeviceSpec[] = [];
  const hex2 = (n: number) => n.toString(16).padStart(2, '0');
  const walk = (nodes: readonly NodeDraft[], prefix: readonly string[]): void => {
    for (const node of nodes) {
      const text = `${node.type === 'endpoint' ? '' : `${node.type}@`}${hex2(node.devfn >> 3)}.${node.devfn & 7}`;
      const at = [...prefix, text];
      if (node.type === 'endpoint') devices.push({ id: `ep${devices.length}`, at });
      else if (node.children.length === 0) devices.push({ id: `spare${devices.length}`, at });
      else walk(node.children, at);
    }
  };
  walk(root, []);
  return { devices };
}

/**
 * Random q35 topologies that QEMU's placement rules allow (at most PCI_TOPOLOGY_MAX_DEPTH bridges deep,
 * a handful of bridges) with one endpoint chosen; about half the chosen endpoints sit behind a
 * conventional bus and so have an aliased requester ID.
 */
export const pciTopologySampleArb = (): fc.Arbitrary<PciTopologySample> =>
  busArb('root', 0)
    .filter((root) => bridgeCount(root) <= PCI_TOPOLOGY_MAX_BRIDGES)
    .map(specOf)
    .filter((spec) => spec.devices.some((d) => d.id.startsWith('ep')))
    .chain((spec) => {
      const endpoints = spec.devices.filter((d) => d.id.startsWith('ep')).map((d) => d.id);
      return fc.constantFrom(...endpoints).map((deviceId): PciTopologySample => {
        const topology = pciTopologyFromSpec(spec);
        return { spec, topology, deviceId, placement: placementOf(topology, deviceId) };
      });
    });

/** Placements of devices in real topologies: bus numbers as firmware assigns them, and only bus chains QEMU can build. */
export const topologyPlacementArb = (): fc.Arbitrary<PciPlacement> => pciTopologySampleArb().map((sample) => sample.placement);
