import { describe, expect, it } from 'vitest';
import { PROFILES, PluginRegistry, hostIommuTypeRegistry, profileAtLeast } from '@hiodkit/core';
import { VTD_PLUGINS, vtdPlugin } from '@hiodkit/vtd';
import { deepFreeze, guest, hostDevice, verdict } from './fixtures.js';

describe('VTD_PLUGINS', () => {
  it('has one plugin per profile', () => {
    expect(Object.keys(VTD_PLUGINS).sort()).toEqual([...PROFILES].sort());
  });

  it.each(PROFILES)('%s declares its profile and CONFIG_VTD_ACCEL=y', (profile) => {
    expect(VTD_PLUGINS[profile].implements).toEqual({ profile, kconfig: { VTD_ACCEL: true } });
    expect(vtdPlugin(profile).implements).toEqual({ profile, kconfig: { VTD_ACCEL: true } });
  });

  it('the default vtdPlugin is the seed', () => {
    expect(vtdPlugin().implements.profile).toBe('seed');
  });

  it('the names are distinct, so all nine fit one registry', () => {
    const registry = new PluginRegistry(Object.values(VTD_PLUGINS));
    expect(registry.names()).toHaveLength(9);
    expect(new Set(registry.names()).size).toBe(9);
  });

  it('before the seed the name says there is no accel hook', () => {
    expect(VTD_PLUGINS['xflts-refuse-fs'].name).toBe('vtd@xflts-refuse-fs');
    expect(VTD_PLUGINS.seed.name).toBe('vtd-accel@seed');
  });

  it.each(PROFILES)('%s: with x-flts off a good device is accepted', (profile) => {
    expect(verdict(VTD_PLUGINS[profile].check(guest({ flts: false }), hostDevice()))).toBe('accept');
  });

  it.each(PROFILES)('%s: with x-flts off even a legacy VFIO device on a bridge is accepted', (profile) => {
    const legacy = hostDevice({ qomType: 'host-iommu-device-legacy-vfio', type: 0, capReg: 0n, upstreamBuses: ['pci'] });
    expect(verdict(VTD_PLUGINS[profile].check(guest({ flts: false }), legacy))).toBe('accept');
  });

  it.each(PROFILES)('%s: the attach-path errors come first', (profile) => {
    const plugin = VTD_PLUGINS[profile];
    // caching-mode is an attach-time check from 3cda33e0 (xflts-refuse-cm) on
    expect(verdict(plugin.check(guest({ cachingMode: false, flts: false }), hostDevice()))).toBe(
      profileAtLeast(profile, 'xflts-refuse-cm') ? 'Device assignment is not allowed without enabling caching-mode=on for Intel IOMMU.' : 'accept',
    );
    expect(verdict(plugin.check(guest(), hostDevice({ awBits: { kind: 'no-get-cap' } })))).toBe('.get_cap() not implemented');
    expect(verdict(plugin.check(guest(), hostDevice({ awBits: 47 })))).toBe('aw-bits 48 > host aw-bits 47');
  });

  it.each([
    ['aw-only', 'accept'],
    ['xflts-refuse', 'host device is uncompatible with stage-1 translation'],
    ['xflts-refuse-cm', 'host device is uncompatible with stage-1 translation'],
    ['xflts-refuse-fs', 'host device is uncompatible with first stage translation'],
    ['seed', 'host IOMMU is incompatible with guest first stage translation'],
    ['bridge', 'host IOMMU is incompatible with guest first stage translation'],
    ['relaxed', 'accept'],
    ['fsts', 'accept'],
    ['pasid', 'accept'],
  ] as const)('%s: with x-flts on, a good device gives %s', (profile, expected) => {
    expect(verdict(VTD_PLUGINS[profile].check(guest(), hostDevice()))).toBe(expected);
  });

  it('a rejection carries exactly one error with no hints', () => {
    const outcome = VTD_PLUGINS.seed.check(guest(), hostDevice());
    expect(outcome).toEqual({ ok: false, error: { message: 'host IOMMU is incompatible with guest first stage translation', hints: [] } });
  });

  it.each(PROFILES)('%s: check does not modify frozen inputs', (profile) => {
    const registry = hostIommuTypeRegistry();
    const s = deepFreeze(guest({ pasidBits: 20 }, [{ bus: 5, devfn: 0 }]));
    const hiod = deepFreeze(hostDevice({ registry, upstreamBuses: ['pcie'] }));
    expect(() => VTD_PLUGINS[profile].check(s, hiod)).not.toThrow();
  });
});
