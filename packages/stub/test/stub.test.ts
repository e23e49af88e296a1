import { describe, expect, it } from 'vitest';
import { Errp, PROFILES as ALL_PROFILES, PluginRegistry, hintText, renderUserVisible, selectChecker, type HostIommuDevice, type Outcome, type VIommuState } from '@hiodkit/core';
import { STUB_PLUGINS, stubPlugin, vtdCheckHiodAccelStub } from '@hiodkit/stub';
import { VTD_PLUGINS } from '@hiodkit/vtd';
import { guest, hostDevice } from './fixtures.js';

const PROFILES = ['seed', 'bridge', 'relaxed', 'fsts', 'pasid'] as const;
const PRE_ACCEL = ALL_PROFILES.filter((p) => !(PROFILES as readonly string[]).includes(p));
const STUB_ERROR = { message: 'host IOMMU cannot be checked!', hints: ['CONFIG_VTD_ACCEL is not enabled'] };

function rejection(outcome: Outcome) {
  if (outcome.ok) throw new Error('expected a rejection');
  return outcome.error;
}

describe('vtd_check_hiod_accel stub (BEHAVIOUR §attach.accel-stub)', () => {
  it('sets the message and the hint, and returns false', () => {
    const errp = new Errp();
    expect(vtdCheckHiodAccelStub(guest(), hostDevice(), errp)).toBe(false);
    expect(errp.error).toEqual(STUB_ERROR);
  });

  it('the hint text has no trailing newline', () => {
    const errp = new Errp();
    vtdCheckHiodAccelStub(guest(), hostDevice(), errp);
    expect(hintText(errp.error ?? { message: '', hints: [] })).toBe('CONFIG_VTD_ACCEL is not enabled');
  });
});

describe('STUB_PLUGINS', () => {
  it('has one plugin per profile with CONFIG_VTD_ACCEL: from the seed on', () => {
    expect(Object.keys(STUB_PLUGINS).sort()).toEqual([...PROFILES].sort());
  });

  it.each(PRE_ACCEL)('%s predates the stub: stubPlugin refuses it', (profile) => {
    expect(() => stubPlugin(profile)).toThrow(`profile ${profile} predates CONFIG_VTD_ACCEL and its stub (added by the seed, cca621c7)`);
  });

  it.each(PROFILES)('%s declares its profile and CONFIG_VTD_ACCEL=n', (profile) => {
    expect(STUB_PLUGINS[profile].implements).toEqual({ profile, kconfig: { VTD_ACCEL: false } });
    expect(stubPlugin(profile).implements).toEqual({ profile, kconfig: { VTD_ACCEL: false } });
  });

  it('stub and accel plugins can share one registry (distinct names)', () => {
    const registry = new PluginRegistry([...Object.values(VTD_PLUGINS), ...Object.values(STUB_PLUGINS)]);
    expect(registry.names()).toHaveLength(14);
  });

  it.each(PROFILES)('%s: with x-flts off a good device is accepted by the stub and by the accel checker', (profile) => {
    const s = guest({ flts: false });
    expect(stubPlugin(profile).check(s, hostDevice())).toEqual({ ok: true });
    expect(VTD_PLUGINS[profile].check(s, hostDevice())).toEqual({ ok: true });
  });

  // Inputs that pass steps 1-6 with x-flts on: whatever the accel checks would say, the stub says its message.
  const PASSING_1_TO_6: readonly (readonly [string, VIommuState, HostIommuDevice])[] = [
    ['a good device', guest(), hostDevice()],
    ['a legacy VFIO device', guest(), hostDevice({ qomType: 'host-iommu-device-legacy-vfio', type: 0 })],
    ['an SMMUv3 type', guest(), hostDevice({ type: 2 })],
    ['type 2^32-1', guest(), hostDevice({ type: 4294967295 })],
    ['no FS1GP', guest(), hostDevice({ capReg: 0n })],
    ['no FS1GP, fs1gp=off', guest({ fs1gp: false }), hostDevice({ capReg: 0n })],
    ['behind a PCI bridge', guest(), hostDevice({ upstreamBuses: ['pci'] })],
    ['too few PASID bits', guest({ pasidBits: 20 }), hostDevice({ ecapReg: 4n << 35n, maxPasidLog2: 5 })],
    ['host aw-bits equal to the guest', guest(), hostDevice({ awBits: 48 })],
    ['host aw-bits 64', guest(), hostDevice({ awBits: 64 })],
    ['another device attached elsewhere', guest({}, [{ bus: 0, devfn: 0x19 }]), hostDevice()],
  ];

  it.each(PASSING_1_TO_6.flatMap(([label, s, hiod]) => PROFILES.map((p) => [label, p, s, hiod] as const)))(
    '%s at %s: message and hint',
    (_label, profile, s, hiod) => {
      expect(stubPlugin(profile).check(s, hiod)).toEqual({ ok: false, error: STUB_ERROR });
    },
  );

  const FAILING_1_TO_6: readonly (readonly [string, VIommuState, HostIommuDevice, { message: string; hints: string[] }])[] = [
    [
      '1: caching-mode off',
      guest({ cachingMode: false }),
      hostDevice(),
      { message: 'Device assignment is not allowed without enabling caching-mode=on for Intel IOMMU.', hints: [] },
    ],
    ['2: already attached', guest({}, [{ bus: 0, devfn: 0x18 }]), hostDevice(), { message: 'Host IOMMU device already exist', hints: [] }],
    ['3: no get_cap', guest(), hostDevice({ awBits: { kind: 'no-get-cap' } }), { message: '.get_cap() not implemented', hints: [] }],
    [
      '4: get_cap fails',
      guest(),
      hostDevice({ awBits: { kind: 'error', error: { message: '0000:02:00.0: unsupported capability 1', hints: ['h\n'] } } }),
      { message: '0000:02:00.0: unsupported capability 1', hints: ['h\n'] },
    ],
    ['5: aw-bits', guest(), hostDevice({ awBits: 47 }), { message: 'aw-bits 48 > host aw-bits 47', hints: [] }],
  ];

  it.each(FAILING_1_TO_6.flatMap(([label, s, hiod, error]) => PROFILES.map((p) => [label, p, s, hiod, error] as const)))(
    '%s at %s: the attach-path error, not the stub',
    (_label, profile, s, hiod, error) => {
      expect(stubPlugin(profile).check(s, hiod)).toEqual({ ok: false, error });
    },
  );

  it('5 before the stub even for a device the stub would refuse anyway', () => {
    const legacy = hostDevice({ qomType: 'host-iommu-device-legacy-vfio', type: 0, awBits: 39 });
    expect(rejection(STUB_PLUGINS.seed.check(guest(), legacy)).message).toBe('aw-bits 48 > host aw-bits 39');
  });

  it('x-flts off with a device that fails step 5 is still refused', () => {
    expect(rejection(STUB_PLUGINS.relaxed.check(guest({ flts: false }), hostDevice({ awBits: 39 }))).message).toBe('aw-bits 48 > host aw-bits 39');
  });
});

describe('what the user sees with the stub (BEHAVIOUR §error.user-line, §attach.accel-stub)', () => {
  it('cold plug: the line, a newline, then the hint without a trailing newline', () => {
    const error = rejection(STUB_PLUGINS.seed.check(guest(), hostDevice()));
    expect(renderUserVisible(error, '0000:02:00.0', { kind: 'cold', deviceOption: 'vfio-pci,host=0000:02:00.0,iommufd=iommufd0' }, 'seed')).toBe(
      'qemu-system-x86_64: -device vfio-pci,host=0000:02:00.0,iommufd=iommufd0: vfio 0000:02:00.0: Failed to set vIOMMU: host IOMMU cannot be checked!\nCONFIG_VTD_ACCEL is not enabled',
    );
  });

  it('QMP drops the hint', () => {
    const error = rejection(STUB_PLUGINS.seed.check(guest(), hostDevice()));
    expect(JSON.parse(renderUserVisible(error, '0000:02:00.0', { kind: 'qmp' }, 'seed'))).toEqual({
      error: { class: 'GenericError', desc: 'vfio 0000:02:00.0: Failed to set vIOMMU: host IOMMU cannot be checked!' },
    });
  });
});

describe('the build picks the stub when CONFIG_VTD_ACCEL is off', () => {
  const checkers = { accel: VTD_PLUGINS.seed, stub: STUB_PLUGINS.seed };

  it('user CONFIG_VTD_ACCEL=n links the stub', () => {
    const chosen = selectChecker({ host: { LINUX: true }, mak: { VTD: true, VFIO: true, IOMMUFD: true, VTD_ACCEL: false } }, checkers);
    expect(chosen.ok && chosen.checker).toBe(STUB_PLUGINS.seed);
    expect(chosen.ok && chosen.checker.implements.kconfig.VTD_ACCEL).toBe(false);
  });

  it('--without-default-devices without CONFIG_VTD_ACCEL=y links the stub', () => {
    const chosen = selectChecker({ host: { LINUX: true }, mak: { VTD: true, VFIO: true, IOMMUFD: true }, defaultDevices: false }, checkers);
    expect(chosen.ok && chosen.checker).toBe(STUB_PLUGINS.seed);
  });

  it('the default build links the accel checker', () => {
    const chosen = selectChecker({ host: { LINUX: true }, mak: { VTD: true, VFIO: true, IOMMUFD: true } }, checkers);
    expect(chosen.ok && chosen.checker).toBe(VTD_PLUGINS.seed);
    expect(chosen.ok && chosen.checker.implements.kconfig.VTD_ACCEL).toBe(true);
  });
});
