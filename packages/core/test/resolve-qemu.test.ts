import { describe, expect, it } from 'vitest';
import { InputError, PROFILES, QEMU_RELEASES, knownMachineTypes, parseGuestProperties, resolveQemu } from '@hiodkit/core';

function refusal(qemu: string, machine?: string): string {
  try {
    resolveQemu(qemu, machine);
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error(`${qemu} ${machine ?? ''} resolved`);
}

describe('the version map', () => {
  it('every release from 9.1 to 11.1, oldest first, each on a profile in history order', () => {
    expect(QEMU_RELEASES.map((r) => [r.version, r.profile])).toEqual([
      ['9.1', 'aw-only'],
      ['9.2', 'aw-only'],
      ['10.0', 'xflts-refuse'],
      ['10.1', 'xflts-refuse'],
      ['10.2', 'xflts-refuse-cm'],
      ['11.0', 'relaxed'],
      ['11.1', 'pasid'],
    ]);
    const order = QEMU_RELEASES.map((r) => PROFILES.indexOf(r.profile));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('a release commit is a full hash or unknown', () => {
    for (const r of QEMU_RELEASES) expect(r.releaseCommit === null || /^[0-9a-f]{40}$/.test(r.releaseCommit)).toBe(true);
  });
});

describe('resolveQemu', () => {
  it('q35 is the newest machine type of the release', () => {
    expect(resolveQemu('10.0').machine).toBe('pc-q35-10.0');
    expect(resolveQemu('9.1', 'q35').machine).toBe('pc-q35-9.1');
    expect(knownMachineTypes(QEMU_RELEASES[2]!)).toEqual(['pc-q35-9.1', 'pc-q35-9.2', 'pc-q35-10.0']);
  });

  it('aw-bits: 39 on 9.1 and 9.2 whatever the machine; on 10.0 and later 39 only for pc-q35-9.1 (pc_compat_9_1)', () => {
    expect(resolveQemu('9.1').defaults.awBits).toBe(39);
    expect(resolveQemu('9.2', 'pc-q35-9.2').defaults.awBits).toBe(39);
    expect(resolveQemu('10.0').defaults.awBits).toBe(48);
    expect(resolveQemu('10.0', 'pc-q35-9.1').defaults.awBits).toBe(39);
    // the entry is in pc_compat_9_1, pc_compat_9_2[] is empty: pc-q35-9.2 on 10.0 gets 48, unlike 9.2 itself
    expect(resolveQemu('10.0', 'pc-q35-9.2').defaults.awBits).toBe(48);
    expect(resolveQemu('11.1', 'pc-q35-9.1').compat.map((c) => c.property)).toEqual(['stale-tm', 'aw-bits']);
  });

  it('stale-tm: no property on 9.1; off by default from 9.2, on for pc-q35-9.1', () => {
    expect(resolveQemu('9.1').properties.map((p) => p.name)).not.toContain('stale-tm');
    expect(resolveQemu('9.2').properties.map((p) => p.name)).toContain('stale-tm');
    expect(resolveQemu('9.2').defaults.staleTm).toBe(false);
    expect(resolveQemu('9.2', 'pc-q35-9.1').defaults.staleTm).toBe(true);
  });

  it('the result feeds parseGuestProperties: compat defaults under the user list, the release\'s property set', () => {
    const r = resolveQemu('10.1', 'pc-q35-9.1');
    expect(parseGuestProperties('caching-mode=on', r.profile, { defaults: r.defaults, properties: r.properties })).toMatchObject({ awBits: 39, staleTm: true, cachingMode: true });
    const old = resolveQemu('9.1');
    expect(() => parseGuestProperties('stale-tm=on', old.profile, { defaults: old.defaults, properties: old.properties })).toThrow(/Property 'intel-iommu\.stale-tm' not found at profile aw-only/);
  });

  it('X.Y.0 is X.Y', () => {
    expect(resolveQemu('10.2.0').release.version).toBe('10.2');
  });

  it('refuses unknown, future and stable versions, naming the known ones', () => {
    const known = '(known: 9.1, 9.2, 10.0, 10.1, 10.2, 11.0, 11.1)';
    expect(refusal('9.0')).toBe(`qemu: QEMU "9.0" is not in the version map ${known}`);
    expect(refusal('12.0')).toBe(`qemu: QEMU "12.0" is not in the version map ${known}`);
    expect(refusal('latest')).toBe(`qemu: QEMU "latest" is not in the version map ${known}`);
    expect(refusal('10.0.3')).toBe(`qemu: 10.0.3 is a stable release, which the version map does not hold: give X.Y for the X.Y.0 release ${known}`);
  });

  it('refuses machine types it does not know, newer than the release or older than the map', () => {
    expect(refusal('10.0', 'pc-q35-10.1')).toBe('machine: pc-q35-10.1 is newer than QEMU 10.0 (it has q35 (= pc-q35-10.0), pc-q35-9.1, pc-q35-9.2, pc-q35-10.0)');
    expect(refusal('9.2', 'pc')).toBe('machine: unknown machine type "pc" (QEMU 9.2 here: q35 (= pc-q35-9.2), pc-q35-9.1, pc-q35-9.2)');
    expect(refusal('10.0', 'pc-q35-9.3')).toBe('machine: unknown machine type "pc-q35-9.3" (QEMU 10.0 here: q35 (= pc-q35-10.0), pc-q35-9.1, pc-q35-9.2, pc-q35-10.0)');
    expect(refusal('10.0', 'pc-q35-8.2')).toBe(
      'machine: pc-q35-8.2 is older than the version map, whose compat entries were read from pc-q35-9.1 up (QEMU 10.0 here: q35 (= pc-q35-10.0), pc-q35-9.1, pc-q35-9.2, pc-q35-10.0)',
    );
  });
});
