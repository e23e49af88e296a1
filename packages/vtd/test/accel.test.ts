import { describe, expect, it } from 'vitest';
import { Errp, hostIommuTypeRegistry, type HostIommuDevice, type ProfileId, type VIommuState } from '@hiodkit/core';
import { hostPasidBits, vtdCheckHiodAccel, vtdPlugin } from '@hiodkit/vtd';
import { CAP_FS1GP, ecapPasidBits, guest, hostDevice, verdict } from './fixtures.js';

const UNCONDITIONAL = 'host IOMMU is incompatible with guest first stage translation';
const FS1GP = 'First stage 1GB large page is unsupported by host IOMMU';
const IOMMUFD_X = 'Need IOMMUFD backend when x-flts=on';
const IOMMUFD_FSTS = 'Need IOMMUFD backend when fsts=on';
const BRIDGE_X = 'Host device downstream to a PCI bridge is unsupported when x-flts=on';
const BRIDGE_FSTS = 'Host device downstream to a PCI bridge is unsupported when fsts=on';
const TYPE_0 = 'Incompatible host platform IOMMU type 0';
const TYPE_2 = 'Incompatible host platform IOMMU type 2';
const ACCEPT = 'accept';

const PROFILES = ['seed', 'bridge', 'relaxed', 'fsts', 'pasid'] as const;

const check = (profile: ProfileId, s: VIommuState, hiod: HostIommuDevice): string => verdict(vtdPlugin(profile).check(s, hiod));

// a guest asking for more PASID bits than the host's PSS gives (host: 10 bits)
const PASID_GUEST = guest({ pasidBits: 20 });
const PASID_SMALL_HOST = { ecapReg: ecapPasidBits(10), maxPasidLog2: 10 } as const;
const PASID_MSG = 'PASID bits size 20 > host IOMMU PASID bits size 10';

/** [scenario, guest, device, verdict per profile: seed, bridge, relaxed, fsts, pasid] */
const SCENARIOS: readonly (readonly [string, VIommuState, HostIommuDevice, readonly [string, string, string, string, string]])[] = [
  ['a good device on the root bus', guest(), hostDevice(), [UNCONDITIONAL, UNCONDITIONAL, ACCEPT, ACCEPT, ACCEPT]],
  ['a good device behind PCIe root ports only', guest(), hostDevice({ upstreamBuses: ['pcie', 'pcie'] }), [UNCONDITIONAL, UNCONDITIONAL, ACCEPT, ACCEPT, ACCEPT]],
  [
    'a legacy VFIO device (type 0)',
    guest(),
    hostDevice({ qomType: 'host-iommu-device-legacy-vfio', type: 0 }),
    [IOMMUFD_X, IOMMUFD_X, IOMMUFD_X, IOMMUFD_FSTS, IOMMUFD_FSTS],
  ],
  ['an SMMUv3 host (type 2)', guest(), hostDevice({ type: 2 }), [TYPE_2, TYPE_2, TYPE_2, TYPE_2, TYPE_2]],
  ['a host without FS1GP', guest(), hostDevice({ capReg: 0n }), [FS1GP, FS1GP, FS1GP, FS1GP, FS1GP]],
  ['a host without FS1GP, guest fs1gp=off', guest({ fs1gp: false }), hostDevice({ capReg: 0n }), [UNCONDITIONAL, UNCONDITIONAL, ACCEPT, ACCEPT, ACCEPT]],
  ['behind a PCIe-to-PCI bridge', guest(), hostDevice({ upstreamBuses: ['pci'] }), [UNCONDITIONAL, BRIDGE_X, BRIDGE_X, BRIDGE_FSTS, BRIDGE_FSTS]],
  ['behind a PCI bridge under a root port', guest(), hostDevice({ upstreamBuses: ['pci', 'pcie'] }), [UNCONDITIONAL, BRIDGE_X, BRIDGE_X, BRIDGE_FSTS, BRIDGE_FSTS]],
  ['under a conventional bus further up', guest(), hostDevice({ upstreamBuses: ['pcie', 'pci'] }), [UNCONDITIONAL, BRIDGE_X, BRIDGE_X, BRIDGE_FSTS, BRIDGE_FSTS]],
  ['guest pasid-bits above the host PSS', PASID_GUEST, hostDevice(PASID_SMALL_HOST), [UNCONDITIONAL, UNCONDITIONAL, ACCEPT, ACCEPT, PASID_MSG]],
  ['the SPR errata flag set', guest(), hostDevice({ flags: 1 }), [UNCONDITIONAL, UNCONDITIONAL, ACCEPT, ACCEPT, ACCEPT]],
  ['every hw_caps bit set', guest(), hostDevice({ hwCaps: 0xffffffffffffffffn }), [UNCONDITIONAL, UNCONDITIONAL, ACCEPT, ACCEPT, ACCEPT]],
];

describe('vtd_check_hiod_accel per profile (BEHAVIOUR §attach.iommufd to §attach.first-stage-accept)', () => {
  it.each(SCENARIOS.flatMap(([label, s, hiod, verdicts]) => PROFILES.map((p, i) => [label, p, s, hiod, verdicts[i] as string] as const)))(
    '%s at %s',
    (_label, profile, s, hiod, expected) => {
      expect(check(profile, s, hiod)).toBe(expected);
    },
  );

  it('the accel function alone follows the QEMU convention', () => {
    const errp = new Errp();
    expect(vtdCheckHiodAccel('relaxed')(guest(), hostDevice(), errp)).toBe(true);
    expect(errp.error).toBeNull();
    const errp2 = new Errp();
    expect(vtdCheckHiodAccel('seed')(guest(), hostDevice(), errp2)).toBe(false);
    expect(errp2.error).toEqual({ message: UNCONDITIONAL, hints: [] });
    expect(vtdCheckHiodAccel()(guest(), hostDevice(), new Errp())).toBe(false);
  });
});

describe('host platform IOMMU type (C %d of a u32)', () => {
  it.each([
    [0, 'Incompatible host platform IOMMU type 0'],
    [2, 'Incompatible host platform IOMMU type 2'],
    [3, 'Incompatible host platform IOMMU type 3'],
    [4, 'Incompatible host platform IOMMU type 4'],
    [2147483647, 'Incompatible host platform IOMMU type 2147483647'],
    [2147483648, 'Incompatible host platform IOMMU type -2147483648'],
    [4294967295, 'Incompatible host platform IOMMU type -1'],
  ])('type %i: %s', (type, message) => {
    for (const profile of PROFILES) expect(check(profile, guest(), hostDevice({ type }))).toBe(message);
  });

  it('type 1 (INTEL_VTD) passes the type check', () => {
    expect(check('seed', guest(), hostDevice({ type: 1 }))).toBe(UNCONDITIONAL);
    expect(check('relaxed', guest(), hostDevice({ type: 1 }))).toBe(ACCEPT);
  });
});

describe('cap_reg FS1GP as a u64 (bit 56)', () => {
  it.each([
    ['bits 55, 56, 57 set', 0x0380000000000000n, true],
    ['bits 55 and 57 set, 56 clear', 0x0280000000000000n, false],
    ['only bit 56', 0x0100000000000000n, true],
    ['only bit 63', 0x8000000000000000n, false],
    ['zero', 0n, false],
    ['2^64-1', 0xffffffffffffffffn, true],
    ['0x00ffffffffffffff (a JS number rounds it up to 2^56)', 0x00ffffffffffffffn, false],
    ['0x01ffffffffffffff (a JS number rounds it up to 2^57)', 0x01ffffffffffffffn, true],
    ['everything but bit 56', 0xfeffffffffffffffn, false],
  ])('%s: FS1GP %s', (_label, capReg, present) => {
    expect(check('seed', guest(), hostDevice({ capReg }))).toBe(present ? UNCONDITIONAL : FS1GP);
    expect(check('relaxed', guest(), hostDevice({ capReg }))).toBe(present ? ACCEPT : FS1GP);
  });

  it('the rounding cases really are ones a JS number gets wrong', () => {
    // bit 56 of the nearest double differs from bit 56 of the exact value
    expect(Number(0x00ffffffffffffffn)).toBe(2 ** 56);
    expect(Number(0x01ffffffffffffffn)).toBe(2 ** 57);
  });

  it('guest fs1gp=off skips the FS1GP check for any cap_reg', () => {
    for (const capReg of [0n, 0x0280000000000000n, 0x00ffffffffffffffn]) {
      expect(check('relaxed', guest({ fs1gp: false }), hostDevice({ capReg }))).toBe(ACCEPT);
    }
  });
});

describe('QOM types and the IOMMUFD check', () => {
  it('a registered subtype of host-iommu-device-iommufd passes it', () => {
    const registry = hostIommuTypeRegistry().register({ name: 'host-iommu-device-iommufd-vdpa', parent: 'host-iommu-device-iommufd' });
    const vdpa = hostDevice({ registry, qomType: 'host-iommu-device-iommufd-vdpa' });
    expect(check('seed', guest(), vdpa)).toBe(UNCONDITIONAL);
    expect(check('relaxed', guest(), vdpa)).toBe(ACCEPT);
    expect(check('pasid', guest(), vdpa)).toBe(ACCEPT);
  });

  it('a registered type outside the iommufd branch fails it, even reporting type 1', () => {
    const registry = hostIommuTypeRegistry().register({ name: 'host-iommu-device-custom', parent: 'host-iommu-device' });
    const custom = hostDevice({ registry, qomType: 'host-iommu-device-custom', type: 1 });
    expect(check('seed', guest(), custom)).toBe(IOMMUFD_X);
    expect(check('relaxed', guest(), custom)).toBe(IOMMUFD_X);
    expect(check('fsts', guest(), custom)).toBe(IOMMUFD_FSTS);
  });

  it('legacy-vfio reporting type 1 still fails the IOMMUFD check', () => {
    expect(check('relaxed', guest(), hostDevice({ qomType: 'host-iommu-device-legacy-vfio', type: 1 }))).toBe(IOMMUFD_X);
  });
});

describe('the PASID check (pasid profile)', () => {
  it('hostPasidBits is ecap PSS + 1', () => {
    expect(hostPasidBits(0n)).toBe(1);
    expect(hostPasidBits(19n << 35n)).toBe(20);
    expect(hostPasidBits(31n << 35n)).toBe(32);
    expect(hostPasidBits(0xffffffffffffffffn)).toBe(32);
    expect(hostPasidBits(~(0x1fn << 35n) & 0xffffffffffffffffn)).toBe(1);
  });

  it.each([
    ['guest 20, host 20 bits: equal passes', 20, 20, 20, ACCEPT],
    ['guest 20, host 19 bits', 20, 19, 19, 'PASID bits size 20 > host IOMMU PASID bits size 19'],
    ['guest 20, host 5 bits', 20, 5, 20, 'PASID bits size 20 > host IOMMU PASID bits size 5'],
    ['guest 20, host 1 bit (PSS 0)', 20, 1, 20, 'PASID bits size 20 > host IOMMU PASID bits size 1'],
    ['the host width is PSS+1, not max_pasid_log2', 20, 20, 5, ACCEPT],
    ['no PASID on the device (max_pasid_log2 0): skipped', 20, 5, 0, ACCEPT],
    ['guest pasid-bits 0', 0, 1, 20, ACCEPT],
    ['guest 16, host 32 bits', 16, 32, 20, ACCEPT],
  ])('%s', (_label, guestBits, hostBits, maxPasidLog2, expected) => {
    expect(check('pasid', guest({ pasidBits: guestBits }), hostDevice({ ecapReg: ecapPasidBits(hostBits), maxPasidLog2 }))).toBe(expected);
  });

  it('only the pasid profile has it', () => {
    for (const profile of ['relaxed', 'fsts'] as const) {
      expect(check(profile, PASID_GUEST, hostDevice(PASID_SMALL_HOST))).toBe(ACCEPT);
    }
  });
});

describe('order: first failure wins (steps 7-10 and the later checks)', () => {
  // [label, profile, device options, guest, expected]
  it.each<[string, ProfileId, Parameters<typeof hostDevice>[0], VIommuState, string]>([
    ['7 (IOMMUFD) before 8 (type) at seed', 'seed', { qomType: 'host-iommu-device-legacy-vfio', type: 0 }, guest(), IOMMUFD_X],
    ['7 before 8 at fsts', 'fsts', { qomType: 'host-iommu-device-legacy-vfio', type: 3 }, guest(), IOMMUFD_FSTS],
    ['7 before 9 (FS1GP)', 'relaxed', { qomType: 'host-iommu-device-legacy-vfio', capReg: 0n }, guest(), IOMMUFD_X],
    ['8 (type) before 9 (FS1GP) at seed', 'seed', { type: 2, capReg: 0n }, guest(), TYPE_2],
    ['8 before 9 at pasid', 'pasid', { type: 0, capReg: 0n }, guest(), TYPE_0],
    ['9 (FS1GP) before 10 (unconditional) at seed', 'seed', { capReg: 0x0280000000000000n }, guest(), FS1GP],
    ['9 before the bridge check at bridge', 'bridge', { capReg: 0n, upstreamBuses: ['pci'] }, guest(), FS1GP],
    ['the bridge check before 10 at bridge', 'bridge', { upstreamBuses: ['pci'] }, guest(), BRIDGE_X],
    ['9 before the bridge check at relaxed', 'relaxed', { capReg: 0n, upstreamBuses: ['pci'] }, guest(), FS1GP],
    ['8 before the bridge check at fsts', 'fsts', { type: 2, upstreamBuses: ['pci'] }, guest(), TYPE_2],
    ['9 before the PASID check at pasid', 'pasid', { ...PASID_SMALL_HOST, capReg: 0n }, PASID_GUEST, FS1GP],
    ['the PASID check before the bridge check at pasid', 'pasid', { ...PASID_SMALL_HOST, upstreamBuses: ['pci'] }, PASID_GUEST, PASID_MSG],
    ['7 before everything at pasid', 'pasid', { ...PASID_SMALL_HOST, qomType: 'host-iommu-device-legacy-vfio', type: 0, capReg: 0n, upstreamBuses: ['pci'] }, PASID_GUEST, IOMMUFD_FSTS],
  ])('%s', (_label, profile, options, s, expected) => {
    expect(check(profile, s, hostDevice(options))).toBe(expected);
  });

  it('5 (aw-bits) before 7 (IOMMUFD): the attach path runs first', () => {
    const legacyNarrow = hostDevice({ qomType: 'host-iommu-device-legacy-vfio', type: 0, awBits: 39 });
    for (const profile of PROFILES) expect(check(profile, guest(), legacyNarrow)).toBe('aw-bits 48 > host aw-bits 39');
  });
});

it('the FS1GP constant used by these tests is bit 56', () => {
  expect(CAP_FS1GP).toBe(1n << 56n);
});
