import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PCI_BRIDGE_SECONDARY_BUS,
  PCI_ROOT_BUS_ID,
  isRequesterIdAliased,
  pciTopologyFromSpec,
  placementOf,
  type PciBridgeType,
  type PciTopology,
  type PciTopologyDevice,
} from '@hiodkit/core';
import {
  PCI_TOPOLOGY_MAX_BRIDGES,
  PCI_TOPOLOGY_MAX_DEPTH,
  pciTopologySampleArb,
  topologyPlacementArb,
} from '../src/arbitraries/pci-topology.js';

const SEED = 20_260_106;
const samples = fc.sample(pciTopologySampleArb(), { seed: SEED, numRuns: 500 });

/** The rules a q35 topology obeys, checked here without the model's own plug checks. */
function ruleProblems(topology: PciTopology): string[] {
  const problems: string[] = [];
  const byId = new Map(topology.devices.map((d) => [d.id, d]));
  const parentType = (d: PciTopologyDevice) => (d.busId === PCI_ROOT_BUS_ID ? 'root' : byId.get(d.busId)?.type);
  const seen = new Set<string>();
  for (const d of topology.devices) {
    const parent = parentType(d);
    const where = `${d.id} (${d.type}) on ${d.busId}`;
    if (parent === undefined || parent === 'endpoint') problems.push(`${where}: no such bridge`);
    if (d.type === 'pcie-root-port' && parent !== 'root') problems.push(`${where}: root port off the root bus`);
    if (d.type === 'x3130-upstream' && parent !== 'pcie-root-port' && parent !== 'xio3130-downstream') problems.push(`${where}: upstream port not on a port`);
    if ((d.type === 'xio3130-downstream') !== (parent === 'x3130-upstream')) problems.push(`${where}: downstream port and switch bus mismatch`);
    if ((parent === 'pcie-root-port' || parent === 'xio3130-downstream') && d.devfn >> 3 !== 0) problems.push(`${where}: not slot 0 behind a port`);
    if (!Number.isInteger(d.devfn) || d.devfn < 0 || d.devfn > 255) problems.push(`${where}: devfn ${d.devfn}`);
    const key = `${d.busId}/${d.devfn}`;
    if (seen.has(key)) problems.push(`${where}: devfn ${d.devfn} used twice`);
    seen.add(key);
  }
  return problems;
}

/** Bus numbers firmware would give: preorder over bridges, each bus's devices in devfn order. */
function firmwareBusNumbers(topology: PciTopology): Map<string, number> {
  const numbers = new Map<string, number>([[PCI_ROOT_BUS_ID, 0]]);
  const visit = (busId: string) => {
    const onBus = topology.devices.filter((d) => d.busId === busId).sort((a, b) => a.devfn - b.devfn);
    for (const d of onBus) {
      if (d.type === 'endpoint') continue;
      numbers.set(d.id, numbers.size);
      visit(d.id);
    }
  };
  visit(PCI_ROOT_BUS_ID);
  return numbers;
}

function bridgesAbove(topology: PciTopology, id: string): PciBridgeType[] {
  const chain: PciBridgeType[] = [];
  for (let d = topology.device(id); d !== undefined && d.busId !== PCI_ROOT_BUS_ID; ) {
    d = topology.device(d.busId);
    if (d !== undefined) chain.push(d.type as PciBridgeType);
  }
  return chain;
}

describe('pciTopologySampleArb', () => {
  it('gives both aliased and non-aliased placements, each at least 20% of the time', () => {
    const aliased = samples.filter((s) => isRequesterIdAliased(s.placement)).length / samples.length;
    expect(aliased).toBeGreaterThanOrEqual(0.2);
    expect(1 - aliased).toBeGreaterThanOrEqual(0.2);
  });

  it('every generated topology obeys the placement rules', () => {
    for (const { topology } of samples) expect(ruleProblems(topology)).toEqual([]);
  });

  it('every generated spec is plain JSON that builds the same topology', () => {
    for (const { spec, topology } of samples) {
      const again = pciTopologyFromSpec(JSON.parse(JSON.stringify(spec)));
      expect(again.devices).toEqual(topology.devices);
      expect(again.buses).toEqual(topology.buses);
    }
  });

  it('stays small: at most 4 bridges deep and a handful of bridges', () => {
    for (const { topology } of samples) {
      const bridges = topology.devices.filter((d) => d.type !== 'endpoint');
      expect(bridges.length).toBeLessThanOrEqual(PCI_TOPOLOGY_MAX_BRIDGES);
      for (const d of topology.devices) expect(bridgesAbove(topology, d.id).length).toBeLessThanOrEqual(PCI_TOPOLOGY_MAX_DEPTH);
    }
    expect(PCI_TOPOLOGY_MAX_DEPTH).toBe(4);
    expect(Math.max(...samples.map((s) => s.placement.upstreamBuses.length))).toBe(4);
  });

  it('numbers buses as firmware does', () => {
    for (const { topology } of samples) {
      const numbers = firmwareBusNumbers(topology);
      for (const d of topology.devices) expect(d.bus).toBe(numbers.get(d.busId));
      expect(topology.buses.map((b) => b.number)).toEqual(topology.buses.map((_, i) => i));
    }
  });

  it('chooses an endpoint and places it as placementOf does, aliased exactly when a conventional bridge is above it', () => {
    for (const { topology, deviceId, placement } of samples) {
      expect(topology.device(deviceId)?.type).toBe('endpoint');
      expect(placement).toEqual(placementOf(topology, deviceId));
      const above = bridgesAbove(topology, deviceId);
      expect(placement.upstreamBuses).toEqual(above.map((t) => PCI_BRIDGE_SECONDARY_BUS[t]));
      expect(isRequesterIdAliased(placement)).toBe(above.some((t) => PCI_BRIDGE_SECONDARY_BUS[t] === 'pci'));
      // QEMU's rules put every conventional bus below every PCIe one.
      expect(placement.upstreamBuses.join(' ')).toMatch(/^(pci ?)*(pcie ?)*$/);
    }
  });

  it('covers every bridge type, the root bus, and both PCIe port kinds above an aliased device', () => {
    const types = new Set(samples.flatMap((s) => s.topology.devices.map((d) => d.type)));
    expect([...types].sort()).toEqual(['endpoint', 'i82801b11-bridge', 'pci-bridge', 'pcie-pci-bridge', 'pcie-root-port', 'x3130-upstream', 'xio3130-downstream']);
    expect(samples.some((s) => s.placement.upstreamBuses.length === 0)).toBe(true);
    expect(samples.some((s) => s.placement.upstreamBuses.join() === 'pci,pcie,pcie,pcie')).toBe(true);
  });

  it('topologyPlacementArb gives the same placements', () => {
    const placements = fc.sample(topologyPlacementArb(), { seed: SEED, numRuns: 500 });
    expect(placements).toEqual(samples.map((s) => s.placement));
  });
});
