import { describe, expect, it } from 'vitest';
import {
  InputError,
  PCI_BRIDGE_SECONDARY_BUS,
  PCI_ROOT_BUS_ID,
  PciTopology,
  describePciPath,
  isRequesterIdAliased,
  pciDevfn,
  pciTopologyFromSpec,
  pciTopologyToSpec,
  placementOf,
  type PciBridgeType,
  type PciTopologySpec,
} from '@hiodkit/core';
import { inputErrorFrom } from './fixtures.js';

const spec = (...devices: [id: string, ...at: string[]][]): PciTopologySpec => ({ devices: devices.map(([id, ...at]) => ({ id, at })) });
const build = (...devices: [id: string, ...at: string[]][]) => pciTopologyFromSpec(spec(...devices));

/** The same question answered from the bridge types alone, independently of upstreamBuses. */
function behindConventionalBridge(topology: PciTopology, id: string): boolean {
  let device = topology.device(id);
  const conventional: PciBridgeType[] = ['pcie-pci-bridge', 'pci-bridge', 'i82801b11-bridge'];
  while (device !== undefined && device.busId !== PCI_ROOT_BUS_ID) {
    const bridge = topology.device(device.busId);
    if (bridge !== undefined && conventional.includes(bridge.type as PciBridgeType)) return true;
    device = bridge;
  }
  return false;
}

describe('devices that do not alias', () => {
  it('a device on the root bus has no upstream buses', () => {
    const t = build(['nic', '03.0'], ['gpu', '1b.2']);
    expect(placementOf(t, 'nic')).toEqual({ bus: 0, devfn: pciDevfn(3, 0), upstreamBuses: [] });
    expect(placementOf(t, 'gpu')).toEqual({ bus: 0, devfn: pciDevfn(0x1b, 2), upstreamBuses: [] });
    expect(isRequesterIdAliased(placementOf(t, 'nic'))).toBe(false);
    expect(describePciPath(t, 'gpu')).toBe('00:1b.2');
  });

  it('behind a pcie-root-port the bus is PCIe', () => {
    const t = build(['gpu', 'pcie-root-port@1c.0', '00.0'], ['gpu-audio', 'pcie-root-port@1c.0', '00.1']);
    expect(placementOf(t, 'gpu')).toEqual({ bus: 1, devfn: 0, upstreamBuses: ['pcie'] });
    expect(placementOf(t, 'gpu-audio')).toEqual({ bus: 1, devfn: 1, upstreamBuses: ['pcie'] });
    expect(isRequesterIdAliased(placementOf(t, 'gpu'))).toBe(false);
    expect(describePciPath(t, 'gpu-audio')).toBe('00:1c.0 pcie-root-port → 01:00.1');
  });

  it('behind a switch (x3130-upstream, xio3130-downstream) every bus is PCIe', () => {
    const t = build(['nvme', 'pcie-root-port@02.0', 'x3130-upstream@00.0', 'xio3130-downstream@01.0', '00.0']);
    const placement = placementOf(t, 'nvme');
    expect(placement).toEqual({ bus: 3, devfn: 0, upstreamBuses: ['pcie', 'pcie', 'pcie'] });
    expect(isRequesterIdAliased(placement)).toBe(false);
    expect(describePciPath(t, 'nvme')).toBe('00:02.0 pcie-root-port → 01:00.0 x3130-upstream → 02:01.0 xio3130-downstream → 03:00.0');
  });

  it('a switch below a switch stays PCIe', () => {
    const t = build(['ep', 'pcie-root-port@02.0', 'x3130-upstream@00.0', 'xio3130-downstream@00.0', 'x3130-upstream@00.0', 'xio3130-downstream@03.0', '00.0']);
    expect(placementOf(t, 'ep').upstreamBuses).toEqual(['pcie', 'pcie', 'pcie', 'pcie', 'pcie']);
  });
});

describe('devices that alias', () => {
  it('behind a pcie-pci-bridge under a pcie-root-port', () => {
    const t = build(['nic', 'pcie-root-port@1c.0', 'pcie-pci-bridge@00.0', '01.0']);
    const placement = placementOf(t, 'nic');
    expect(placement).toEqual({ bus: 2, devfn: pciDevfn(1, 0), upstreamBuses: ['pci', 'pcie'] });
    expect(isRequesterIdAliased(placement)).toBe(true);
    expect(describePciPath(t, 'nic')).toBe('00:1c.0 pcie-root-port → 01:00.0 pcie-pci-bridge → 02:01.0');
  });

  it('behind a pcie-pci-bridge on the root bus', () => {
    const t = build(['nic', 'pcie-pci-bridge@05.0', '01.0']);
    expect(placementOf(t, 'nic').upstreamBuses).toEqual(['pci']);
  });

  it('behind a pci-bridge on the root bus', () => {
    const t = build(['nic', 'pci-bridge@06.0', '02.0']);
    expect(placementOf(t, 'nic')).toEqual({ bus: 1, devfn: pciDevfn(2, 0), upstreamBuses: ['pci'] });
    expect(isRequesterIdAliased(placementOf(t, 'nic'))).toBe(true);
  });

  it('behind an i82801b11-bridge (DMI-to-PCI)', () => {
    const t = build(['nic', 'i82801b11-bridge@1e.0', '03.0']);
    expect(placementOf(t, 'nic').upstreamBuses).toEqual(['pci']);
    expect(describePciPath(t, 'nic')).toBe('00:1e.0 i82801b11-bridge → 01:03.0');
  });

  it('behind nested PCI bridges: i82801b11-bridge → pci-bridge → pci-bridge', () => {
    const t = build(['nic', 'i82801b11-bridge@1e.0', 'pci-bridge@01.0', 'pci-bridge@02.0', '03.0']);
    expect(placementOf(t, 'nic')).toEqual({ bus: 3, devfn: pciDevfn(3, 0), upstreamBuses: ['pci', 'pci', 'pci'] });
    expect(describePciPath(t, 'nic')).toBe('00:1e.0 i82801b11-bridge → 01:01.0 pci-bridge → 02:02.0 pci-bridge → 03:03.0');
  });

  it('behind a pci-bridge below a switch: conventional at the bottom, PCIe above', () => {
    const t = build(['nic', 'pcie-root-port@02.0', 'x3130-upstream@00.0', 'xio3130-downstream@00.0', 'pcie-pci-bridge@00.0', 'pci-bridge@04.0', '01.0']);
    expect(placementOf(t, 'nic').upstreamBuses).toEqual(['pci', 'pci', 'pcie', 'pcie', 'pcie']);
  });

  it('a bridge device itself is placed like an endpoint: the pcie-pci-bridge on a root port does not alias', () => {
    const t = build(['nic', 'pcie-root-port@1c.0', 'pcie-pci-bridge@00.0', '01.0']);
    expect(placementOf(t, 'pcie-root-port@1c.0/pcie-pci-bridge@00.0')).toEqual({ bus: 1, devfn: 0, upstreamBuses: ['pcie'] });
  });
});

describe('a conventional bus above a PCIe bus cannot be built', () => {
  it.each<[string, string[], string]>([
    ['a pcie-root-port behind a pci-bridge', ['pci-bridge@01.0', 'pcie-root-port@02.0'], 'a pcie-root-port plugs only into the root bus pcie.0'],
    ['a pcie-root-port behind a pcie-root-port', ['pcie-root-port@01.0', 'pcie-root-port@00.0'], 'a pcie-root-port plugs only into the root bus pcie.0'],
    ['an x3130-upstream behind a pcie-pci-bridge', ['pcie-pci-bridge@01.0', 'x3130-upstream@02.0'], 'an x3130-upstream plugs only into a pcie-root-port or an xio3130-downstream'],
    ['an x3130-upstream behind an i82801b11-bridge', ['i82801b11-bridge@1e.0', 'x3130-upstream@02.0'], 'an x3130-upstream plugs only into a pcie-root-port or an xio3130-downstream'],
    ['an xio3130-downstream behind a pci-bridge', ['pci-bridge@01.0', 'xio3130-downstream@02.0'], 'an xio3130-downstream plugs only into an x3130-upstream'],
  ])('%s', (_name, at, reason) => {
    const error = inputErrorFrom(() => pciTopologyFromSpec({ devices: [{ id: 'ep', at: [...at, '00.0'] }] }));
    expect(error.path).toBe('devices[0].at[1]');
    expect(error.reason).toContain(JSON.stringify(at[1]));
    expect(error.reason).toContain(reason);
  });
});

describe('bus numbering: depth-first, in devfn order, root = 0', () => {
  const entries: [id: string, ...at: string[]][] = [
    ['late', 'pcie-root-port@1c.0', '00.0'],
    ['deep', 'pcie-root-port@02.0', 'x3130-upstream@00.0', 'xio3130-downstream@01.0', '00.0'],
    ['shallow', 'pcie-root-port@02.0', 'x3130-upstream@00.0', 'xio3130-downstream@00.0', '00.0'],
    ['legacy', 'i82801b11-bridge@1e.0', 'pci-bridge@01.0', '01.0'],
    ['empty', 'pcie-root-port@02.1'],
  ];

  it('numbers every bridge in firmware order, whatever order the spec lists them in', () => {
    const expected = {
      // 02.0 rp → 1, its upstream → 2, downstream 00.0 → 3, downstream 01.0 → 4, then 02.1 rp → 5, 1c.0 rp → 6, 1e.0 dmi → 7, its pci-bridge → 8
      shallow: 3,
      deep: 4,
      late: 6,
      legacy: 8,
    };
    for (const order of [entries, [...entries].reverse()]) {
      const t = build(...order);
      for (const [id, bus] of Object.entries(expected)) expect(placementOf(t, id).bus, id).toBe(bus);
      expect(t.device('empty')).toMatchObject({ bus: 0, devfn: pciDevfn(2, 1), secondaryBus: 5 });
      expect(t.buses.map((b) => b.number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(t.buses.map((b) => b.kind)).toEqual(['pcie', 'pcie', 'pcie', 'pcie', 'pcie', 'pcie', 'pcie', 'pci', 'pci']);
    }
  });

  it('lists devices in enumeration order', () => {
    const t = build(['b', 'pcie-root-port@03.0', '00.0'], ['a', '01.0'], ['c', 'pcie-root-port@02.0', '00.0']);
    expect(t.devices.map((d) => `${d.bus}:${d.devfn}`)).toEqual(['0:8', '0:16', '1:0', '0:24', '2:0']);
    expect(placementOf(t, 'c').bus).toBe(1);
    expect(placementOf(t, 'b').bus).toBe(2);
  });

  it('an empty bridge still takes a bus number', () => {
    const t = build(['spare', 'pci-bridge@01.0'], ['nic', 'pcie-root-port@02.0', '00.0']);
    expect(placementOf(t, 'nic').bus).toBe(2);
    expect(t.bus('spare')).toEqual({ number: 1, kind: 'pci', id: 'spare' });
  });
});

describe('placement rules give InputError naming the path element', () => {
  const cases: [name: string, devices: [id: string, ...at: string[]][], path: string, reason: string][] = [
    ['x3130-upstream on the root bus', [['ep', 'x3130-upstream@01.0']], 'devices[0].at[0]', 'an x3130-upstream plugs only into a pcie-root-port or an xio3130-downstream, not into the root bus pcie.0'],
    ['xio3130-downstream on a root port', [['ep', 'pcie-root-port@01.0', 'xio3130-downstream@00.0']], 'devices[0].at[1]', 'an xio3130-downstream plugs only into an x3130-upstream'],
    ['xio3130-downstream on the root bus', [['ep', 'xio3130-downstream@01.0']], 'devices[0].at[0]', 'not into the root bus pcie.0'],
    ['an endpoint on a switch internal bus', [['ep', 'pcie-root-port@01.0', 'x3130-upstream@00.0', '02.0']], 'devices[0].at[2]', 'holds only xio3130-downstream ports, not an endpoint'],
    ['slot 1 behind a root port', [['ep', 'pcie-root-port@01.0', '01.0']], 'devices[0].at[1]', 'only slot 0 is valid there, not slot 01'],
    ['slot 3 behind a downstream port', [['ep', 'pcie-root-port@01.0', 'x3130-upstream@00.0', 'xio3130-downstream@00.0', 'pci-bridge@03.0']], 'devices[0].at[3]', 'only slot 0 is valid there, not slot 03'],
    ['a devfn used twice', [['a', '04.0'], ['b', '04.0']], 'devices[1].at[0]', 'slot 04.0 there already holds an endpoint "a" (devices[0])'],
    ['an endpoint where a bridge is', [['a', 'pci-bridge@04.0', '01.0'], ['b', '04.0']], 'devices[1].at[0]', 'already holds a pci-bridge "pci-bridge@04.0"'],
    ['a bridge of another type at the same devfn', [['a', 'pci-bridge@04.0', '01.0'], ['b', 'pcie-pci-bridge@04.0', '01.0']], 'devices[1].at[0]', 'already holds a pci-bridge'],
    ['a path through an endpoint', [['a', '04.0'], ['b', 'pci-bridge@04.0', '01.0']], 'devices[1].at[0]', 'already holds an endpoint "a"'],
    ['slot 20', [['a', '20.0']], 'devices[0].at[0]', 'slot 20 is outside 00..1f'],
    ['function 8', [['a', '1f.8']], 'devices[0].at[0]', 'function 8 is outside 0..7'],
    ['an unknown bridge', [['a', 'ioh3420@01.0', '00.0']], 'devices[0].at[0]', 'unknown bridge type "ioh3420"'],
    ['an endpoint in the middle', [['a', '01.0', '00.0']], 'devices[0].at[0]', '"01.0" is not a bridge'],
    ['a malformed element', [['a', 'pci-bridge:01.0']], 'devices[0].at[0]', 'is not a path element'],
    ['a duplicate id', [['a', '01.0'], ['a', '02.0']], 'devices[1].id', 'already used by devices[0]'],
    ['the root bus id', [['pcie.0', '01.0']], 'devices[0].id', 'already the root bus'],
    ['an ill-formed id', [['1st', '01.0']], 'devices[0].id', 'is not well formed'],
  ];

  it.each(cases)('%s', (_name, devices, path, reason) => {
    const error = inputErrorFrom(() => build(...devices));
    expect(error.path).toBe(path);
    expect(error.reason).toContain(reason);
  });

  it('the plain data itself is checked', () => {
    expect(inputErrorFrom(() => pciTopologyFromSpec(null)).path).toBe('');
    expect(inputErrorFrom(() => pciTopologyFromSpec({ devices: {} })).path).toBe('devices');
    expect(inputErrorFrom(() => pciTopologyFromSpec({ devices: [], buses: [] })).path).toBe('buses');
    expect(inputErrorFrom(() => pciTopologyFromSpec({ devices: [{ id: 'a', at: [] }] })).path).toBe('devices[0].at');
    expect(inputErrorFrom(() => pciTopologyFromSpec({ devices: [{ id: 'a', at: ['01.0'], type: 'x' }] })).path).toBe('devices[0].type');
    expect(inputErrorFrom(() => pciTopologyFromSpec({ devices: [{ id: 'a', at: [1] }] })).path).toBe('devices[0].at[0]');
    expect(inputErrorFrom(() => pciTopologyFromSpec({ devices: [{ id: 'a', at: ['20.0'] }] }, 'guest.pci')).path).toBe('guest.pci.devices[0].at[0]');
  });

  it('plug() names the path it is given', () => {
    const t = PciTopology.EMPTY.plug({ id: 'rp', type: 'pcie-root-port', bus: PCI_ROOT_BUS_ID, devfn: pciDevfn(1, 0) });
    const slot = inputErrorFrom(() => t.plug({ id: 'nic', type: 'endpoint', bus: 'rp', devfn: pciDevfn(2, 0) }, 'guest.nic'));
    expect(slot.path).toBe('guest.nic');
    expect(slot.reason).toBe('the secondary bus of pcie-root-port "rp" links to one device: only slot 0 is valid there, not slot 02');
    expect(inputErrorFrom(() => t.plug({ id: 'nic', type: 'endpoint', bus: 'rp', devfn: 256 })).reason).toContain('devfn the number 256 is outside 0..255');
    expect(inputErrorFrom(() => t.plug({ id: 'nic', type: 'endpoint', bus: 'rp2', devfn: 0 })).reason).toBe('there is no bus "rp2" (buses: pcie.0, rp)');
    expect(inputErrorFrom(() => t.plug({ id: 'rp', type: 'endpoint', bus: 'rp', devfn: 0 })).reason).toContain('already in use');
    const withNic = t.plug({ id: 'nic', type: 'endpoint', bus: 'rp', devfn: 0 });
    expect(inputErrorFrom(() => withNic.plug({ id: 'x', type: 'endpoint', bus: 'nic', devfn: 0 })).reason).toContain('is an endpoint');
  });

  it('a PCI domain has 256 bus numbers', () => {
    let t = PciTopology.EMPTY.plug({ id: 'dmi', type: 'i82801b11-bridge', bus: PCI_ROOT_BUS_ID, devfn: pciDevfn(0x1e, 0) });
    let parent = 'dmi';
    for (let i = 0; i < 254; i++) {
      t = t.plug({ id: `b${i}`, type: 'pci-bridge', bus: parent, devfn: pciDevfn(1, 0) });
      parent = `b${i}`;
    }
    expect(t.buses).toHaveLength(256);
    expect(inputErrorFrom(() => t.plug({ id: 'last', type: 'pci-bridge', bus: parent, devfn: pciDevfn(1, 0) })).reason).toContain('no bus number left');
    expect(placementOf(t.plug({ id: 'ep', type: 'endpoint', bus: parent, devfn: 0 }), 'ep').bus).toBe(255);
  });

  it('placementOf an unknown id is an InputError', () => {
    const error = inputErrorFrom(() => placementOf(build(['a', '01.0']), 'b'));
    expect(error).toBeInstanceOf(InputError);
    expect(error.path).toBe('deviceId');
    expect(error.reason).toBe('no device "b" in the topology (devices: "a")');
  });
});

describe('the plain-data form', () => {
  it('a bridge entry names the bridge wherever paths imply it, before or after the entry', () => {
    const t = build(['nic', 'pcie-root-port@1c.0', 'pcie-pci-bridge@00.0', '01.0'], ['bridge', 'pcie-root-port@1c.0', 'pcie-pci-bridge@00.0'], ['rp', 'pcie-root-port@1C.0']);
    expect(t.device('nic')?.busId).toBe('bridge');
    expect(t.device('bridge')?.busId).toBe('rp');
    expect(t.devices.map((d) => d.id)).toEqual(['rp', 'bridge', 'nic']);
  });

  it('round-trips through JSON', () => {
    const t = build(
      ['nic', 'pcie-root-port@1c.0', 'pcie-pci-bridge@00.0', '01.0'],
      ['named', 'pcie-root-port@02.0', 'x3130-upstream@00.0'],
      ['down', 'pcie-root-port@02.0', 'x3130-upstream@00.0', 'xio3130-downstream@03.0'],
      ['lpc', '1f.0'],
    );
    const json: unknown = JSON.parse(JSON.stringify(pciTopologyToSpec(t)));
    const again = pciTopologyFromSpec(json);
    expect(again.devices).toEqual(t.devices);
    expect(again.buses).toEqual(t.buses);
    expect(pciTopologyToSpec(again)).toEqual(json);
  });

  it('plug() and the spec build the same topology', () => {
    const plugged = PciTopology.EMPTY.plug({ id: 'rp', type: 'pcie-root-port', bus: PCI_ROOT_BUS_ID, devfn: pciDevfn(0x1c, 0) })
      .plug({ id: 'br', type: 'pcie-pci-bridge', bus: 'rp', devfn: 0 })
      .plug({ id: 'nic', type: 'endpoint', bus: 'br', devfn: pciDevfn(1, 0) });
    const fromSpec = pciTopologyFromSpec(pciTopologyToSpec(plugged));
    expect(fromSpec.devices).toEqual(plugged.devices);
    expect(pciTopologyToSpec(plugged)).toEqual(spec(['rp', 'pcie-root-port@1c.0'], ['br', 'pcie-root-port@1c.0', 'pcie-pci-bridge@00.0'], ['nic', 'pcie-root-port@1c.0', 'pcie-pci-bridge@00.0', '01.0']));
  });

  it('topologies are immutable: plug() returns a new one', () => {
    const one = PciTopology.EMPTY.plug({ id: 'a', type: 'endpoint', bus: PCI_ROOT_BUS_ID, devfn: 8 });
    one.plug({ id: 'b', type: 'endpoint', bus: PCI_ROOT_BUS_ID, devfn: 16 });
    expect(PciTopology.EMPTY.devices).toEqual([]);
    expect(one.devices.map((d) => d.id)).toEqual(['a']);
    expect(Object.isFrozen(one.devices)).toBe(true);
    expect(Object.isFrozen(one.devices[0])).toBe(true);
    expect(Object.isFrozen(placementOf(one, 'a').upstreamBuses)).toBe(true);
  });
});

describe('placementOf agrees with isRequesterIdAliased', () => {
  const t = build(
    ['root-ep', '03.0'],
    ['rp-ep', 'pcie-root-port@1c.0', '00.0'],
    ['sw-ep', 'pcie-root-port@1c.1', 'x3130-upstream@00.0', 'xio3130-downstream@00.0', '00.0'],
    ['ppb-ep', 'pcie-root-port@1c.2', 'pcie-pci-bridge@00.0', '01.0'],
    ['ppb-root-ep', 'pcie-pci-bridge@04.0', '02.0'],
    ['pb-ep', 'pci-bridge@05.0', '01.0'],
    ['dmi-ep', 'i82801b11-bridge@1e.0', '01.0'],
    ['nested-ep', 'i82801b11-bridge@1e.0', 'pci-bridge@02.0', 'pci-bridge@03.0', '04.0'],
    ['sw-ppb-ep', 'pcie-root-port@1c.1', 'x3130-upstream@00.0', 'xio3130-downstream@01.0', 'pcie-pci-bridge@00.0', '01.0'],
  );

  it.each(t.devices.map((d) => [d.id, d.type] as const))('%s (%s)', (id) => {
    const placement = placementOf(t, id);
    expect(isRequesterIdAliased(placement)).toBe(behindConventionalBridge(t, id));
    expect(placement.upstreamBuses).toHaveLength(describePciPath(t, id).split(' → ').length - 1);
    expect(t.device(id)).toMatchObject({ bus: placement.bus, devfn: placement.devfn });
  });

  it('the bridge kinds match QEMU: PCIe ports give PCIe buses, the rest conventional ones', () => {
    expect(PCI_BRIDGE_SECONDARY_BUS).toEqual({
      'pcie-root-port': 'pcie',
      'x3130-upstream': 'pcie',
      'xio3130-downstream': 'pcie',
      'pcie-pci-bridge': 'pci',
      'pci-bridge': 'pci',
      'i82801b11-bridge': 'pci',
    });
  });
});
