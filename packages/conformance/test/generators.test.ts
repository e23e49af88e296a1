// The kit's generators: what they produce, sampled at fixed seeds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROFILES, decideConfig, decodeRegister, type PluginDeclaration } from '@hiodkit/core';
import {
  PREDICATE_VALUES,
  SPECIAL_U64,
  TYPE_KIT_IOMMUFD_SUBTYPE,
  TYPE_KIT_UNKNOWN,
  canonicalCase,
  capRegArb,
  classifyCase,
  defaultCaseArb,
  freeCaseArb,
  guestPropsArb,
  hwInfoTypeArb,
  invalidGuestPropsArb,
  loadReferenceTable,
  qomObjectArb,
  reachableRows,
  realize,
  rowCaseArb,
  rowFor,
  u64Arb,
  type Case,
  type PredicateName,
} from '../src/index.js';

const SEED = 0x5eed;
const U64_MAX = (1n << 64n) - 1n;
const ACCEL: Pick<PluginDeclaration, 'kconfig'> = { kconfig: { VTD_ACCEL: true } };
const STUB: Pick<PluginDeclaration, 'kconfig'> = { kconfig: { VTD_ACCEL: false } };
const table = loadReferenceTable('seed');

function counts<T>(values: readonly T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

describe('register generators', () => {
  it('capRegArb sets FS1GP (bit 56) in 40–60% of values, and stays a u64', () => {
    const values = fc.sample(capRegArb(), { seed: SEED, numRuns: 4000 });
    const set = values.filter((v) => ((v >> 56n) & 1n) === 1n).length;
    expect(set / values.length).toBeGreaterThanOrEqual(0.4);
    expect(set / values.length).toBeLessThanOrEqual(0.6);
    expect(values.every((v) => typeof v === 'bigint' && v >= 0n && v <= U64_MAX)).toBe(true);
  });

  it('u64Arb produces 0, 2^64−1, bit 63 alone, every special value, and values above 2^53', () => {
    const values = fc.sample(u64Arb(), { seed: SEED, numRuns: 4000 });
    const seen = new Set(values);
    expect(seen.has(0n)).toBe(true);
    expect(seen.has(U64_MAX)).toBe(true);
    expect(seen.has(1n << 63n)).toBe(true);
    for (const special of SPECIAL_U64) expect(seen.has(special), `0x${special.toString(16)}`).toBe(true);
    expect(values.filter((v) => v > 2n ** 53n).length).toBeGreaterThan(values.length / 4);
    expect(values.every((v) => typeof v === 'bigint' && v >= 0n && v <= U64_MAX)).toBe(true);
  });

  it('SPECIAL_U64 holds the values that a JS number gets wrong around bit 56', () => {
    expect(SPECIAL_U64).toContain((1n << 56n) - 1n);
    expect(SPECIAL_U64).toContain(U64_MAX ^ (1n << 56n));
    // the point of them: Number() invents or loses FS1GP
    expect(BigInt(Number((1n << 56n) - 1n)) >> 56n).toBe(1n);
  });
});

describe('hwInfoTypeArb', () => {
  it('yields 1 most often, each of 0/2/3, and values ≥ 2^31, all u32', () => {
    const values = fc.sample(hwInfoTypeArb(), { seed: SEED, numRuns: 4000 });
    const c = counts(values);
    const ones = c.get(1) ?? 0;
    for (const [v, n] of c) if (v !== 1) expect(n, `type ${v}`).toBeLessThan(ones);
    expect(ones / values.length).toBeGreaterThan(0.3);
    for (const t of [0, 2, 3]) expect(c.get(t) ?? 0, `type ${t}`).toBeGreaterThan(0);
    expect(values.filter((v) => v >= 2 ** 31).length).toBeGreaterThan(0);
    expect(c.get(0xffff_ffff) ?? 0).toBeGreaterThan(0);
    expect(c.get(0x8000_0000) ?? 0).toBeGreaterThan(0);
    expect(values.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff)).toBe(true);
  });
});

describe('qomObjectArb', () => {
  it('yields all four kinds: iommufd-vfio, legacy-vfio, the kit iommufd subtype, the unknown type', () => {
    const objects = fc.sample(qomObjectArb(), { seed: SEED, numRuns: 1000 });
    const types = new Set(objects.map((o) => o.type));
    expect([...types].sort()).toEqual(['host-iommu-device-iommufd-vfio', 'host-iommu-device-legacy-vfio', TYPE_KIT_IOMMUFD_SUBTYPE, TYPE_KIT_UNKNOWN].sort());
  });

  it('gives each instance its ancestors: the kit subtype is an iommufd device, the unknown type and legacy are not', () => {
    const objects = fc.sample(qomObjectArb(), { seed: SEED, numRuns: 300 });
    const byType = new Map(objects.map((o) => [o.type, o]));
    expect(byType.get(TYPE_KIT_IOMMUFD_SUBTYPE)?.ancestors).toContain('host-iommu-device-iommufd');
    expect(byType.get(TYPE_KIT_UNKNOWN)?.ancestors).not.toContain('host-iommu-device-iommufd');
    expect(byType.get(TYPE_KIT_UNKNOWN)?.ancestors).toContain('host-iommu-device');
    expect(byType.get('host-iommu-device-legacy-vfio')?.ancestors).not.toContain('host-iommu-device-iommufd');
    for (const o of objects) expect(o.ancestors.at(-1)).toBe('object');
  });
});

describe('guest property generators', () => {
  it.each(PROFILES)('guestPropsArb(%s) always passes decideConfig, with x-flts on and off, fs1gp on and off where they exist', (profile) => {
    const props = fc.sample(guestPropsArb(profile), { seed: SEED, numRuns: 1000 });
    const refused = props.map((p) => decideConfig(p, profile)).filter((o) => !o.ok);
    expect(refused).toEqual([]);
    // aw-only has neither x-flts nor fs1gp: both keep their defaults
    const both = profile === 'aw-only' ? [[false], [true]] : [[true, false], [true, false]];
    expect(new Set(props.map((p) => p.flts))).toEqual(new Set(both[0]));
    expect(new Set(props.map((p) => p.fs1gp))).toEqual(new Set(both[1]));
  });

  it.each(PROFILES)('invalidGuestPropsArb(%s) always fails decideConfig', (profile) => {
    const props = fc.sample(invalidGuestPropsArb(profile), { seed: SEED, numRuns: 1000 });
    expect(props.filter((p) => decideConfig(p, profile).ok)).toEqual([]);
    // more than one of decideConfig's checks is broken
    const messages = new Set(props.map((p) => decideConfig(p, profile)).map((o) => (o.ok ? 'accept' : o.error.message)));
    expect(messages.size).toBeGreaterThanOrEqual(4);
  });
});

describe('case generators', () => {
  const rowShares = (declaration: Pick<PluginDeclaration, 'kconfig'>) => {
    const cases = fc.sample(defaultCaseArb(table, declaration), { seed: SEED, numRuns: 2000 });
    return { total: cases.length, hits: counts(cases.map((c) => rowFor(table, classifyCase(c, declaration)).id)) };
  };

  it('the default mix for the accel checker hits every reachable row in ≥ 5% of 2000 cases, and never the stub row', () => {
    const reachable = reachableRows(table, ACCEL).map((r) => r.id);
    expect(reachable).toHaveLength(10);
    expect(reachable).not.toContain('accel-stub');
    const { total, hits } = rowShares(ACCEL);
    for (const id of reachable) expect(hits.get(id) ?? 0, id).toBeGreaterThanOrEqual(0.05 * total);
    expect(hits.get('accel-stub') ?? 0).toBe(0);
  });

  it('the default mix for the stub hits every reachable row in ≥ 5% of 2000 cases, and never an accel row', () => {
    const reachable = reachableRows(table, STUB).map((r) => r.id);
    expect(reachable).toEqual(['caching-mode-off', 'already-attached', 'no-get-cap', 'get-cap-fails', 'aw-bits-exceed-host', 'second-stage-accept', 'accel-stub']);
    const { total, hits } = rowShares(STUB);
    for (const id of reachable) expect(hits.get(id) ?? 0, id).toBeGreaterThanOrEqual(0.05 * total);
    for (const id of ['not-iommufd', 'type-not-vtd', 'fs1gp-unsupported', 'first-stage-rejected']) expect(hits.get(id) ?? 0, id).toBe(0);
  });

  it('rowCaseArb always lands in its row, for every reachable row of both declarations', () => {
    for (const declaration of [ACCEL, STUB]) {
      for (const row of reachableRows(table, declaration)) {
        const cases = fc.sample(rowCaseArb(row, 'seed', declaration), { seed: SEED, numRuns: 150 });
        const elsewhere = cases.map((c) => rowFor(table, classifyCase(c, declaration)).id).filter((id) => id !== row.id);
        expect(elsewhere, `${row.id} (VTD_ACCEL=${declaration.kconfig.VTD_ACCEL})`).toEqual([]);
        expect(cases.every((c) => decideConfig(c.guest.props, 'seed').ok), row.id).toBe(true);
      }
    }
  });

  it('rowCaseArb refuses a row the declaration cannot reach', () => {
    const stubRow = table.rows.find((r) => r.id === 'accel-stub');
    expect(stubRow).toBeDefined();
    if (stubRow) expect(() => rowCaseArb(stubRow, 'seed', ACCEL)).toThrow(/accel-stub cannot be reached by a plugin declaring CONFIG_VTD_ACCEL=y/);
  });
});

describe('canonicalCase', () => {
  // written out without core's register code: core's decoder must read back what its comment lists
  it('holds the registers its comment describes', () => {
    const c = canonicalCase();
    const meanings = (register: 'cap' | 'ecap', value: bigint) =>
      Object.fromEntries(decodeRegister(register, value).fields.filter((f) => f.meaning !== false && !(Array.isArray(f.meaning) && f.meaning.length === 0) && f.meaning !== 0).map((f) => [f.field.name, f.meaning]));
    expect(meanings('cap', c.device.caps.vendorCaps.vtd.capReg)).toEqual({ ND: 256, SAGAW: ['39-bit (3-level)', '48-bit (4-level)'], MGAW: 48, FRO: 0x400, SLLPS: ['2MB', '1GB'], PSI: true, NFR: 8, MAMV: 18, DWD: true, DRD: true, FS1GP: true, PI: true });
    expect(meanings('ecap', c.device.caps.vendorCaps.vtd.ecapReg)).toEqual({ QI: true, DT: true, IR: true, EIM: true, PT: true, SC: true, IRO: 0x500, MHMV: 15, NEST: true, PRS: true, PSS: 20, PASID: true, PDS: true, SMTS: true, SLADS: true, SSTS: true, FSTS: true, SMPWC: true, RPS: true });
    expect(decodeRegister('cap', c.device.caps.vendorCaps.vtd.capReg).reserved).toBe(0n);
    expect(decodeRegister('ecap', c.device.caps.vendorCaps.vtd.ecapReg).reserved).toBe(0n);
  });
});

describe('realize', () => {
  // the pasid profile has every predicate: vtdAccel aside (it comes from the declaration), all are targeted
  const PROFILE = 'pasid';
  const TARGETED: readonly PredicateName[] = ['cachingMode', 'duplicate', 'awBits', 'flts', 'iommufd', 'vtdType', 'fs1gp', 'hostFs1gp', 'aliased', 'pasid'];
  const targetArb: fc.Arbitrary<Partial<Record<PredicateName, string>>> = fc.record(
    Object.fromEntries(TARGETED.map((p) => [p, fc.constantFrom(...PREDICATE_VALUES[p])])) as Record<PredicateName, fc.Arbitrary<string>>,
    { requiredKeys: [] },
  );

  function realizedProblems(c: Case, target: Partial<Record<PredicateName, string>>): string[] {
    const before = classifyCase(c, ACCEL);
    const out = realize(c, target, PROFILE, ACCEL);
    const after = classifyCase(out, ACCEL);
    const problems = TARGETED.filter((p) => after[p] !== (target[p] ?? before[p])).map((p) => `${p}: wanted ${target[p] ?? before[p]}, got ${after[p]}`);
    const decided = decideConfig(out.guest.props, PROFILE);
    if (!decided.ok) problems.push(`decideConfig: ${decided.error.message}`);
    return problems;
  }

  it('moves a free case to the target values, keeps every other predicate, and keeps the guest config valid', () => {
    fc.assert(
      fc.property(freeCaseArb(PROFILE), targetArb, (c, target) => {
        expect(realizedProblems(c, target)).toEqual([]);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('does not touch its input', () => {
    const cases = fc.sample(fc.tuple(freeCaseArb(PROFILE), targetArb), { seed: SEED, numRuns: 100 });
    for (const [c, target] of cases) {
      const copy = structuredClone(c);
      try {
        realize(c, target, PROFILE, ACCEL);
      } catch {
        // a KitError is the property test's business
      }
      expect(c).toEqual(copy);
    }
  });

  it('refuses to set vtdAccel on a case, naming what it could not make', () => {
    expect(() => realize(canonicalCase(), { vtdAccel: 'n' }, 'seed', ACCEL)).toThrow(/vtdAccel=n \(got y\)/);
  });

  // BEHAVIOUR §config.dma-drain: with dma-drain off, scalable mode is refused. Making the guest's PASID width exceed the
  // host's turns scalable mode on (pasidBits 20), and must turn dma-drain on with it.
  it('pasid=guest-gt-host on a legacy-mode guest with dma-drain off keeps the config valid', () => {
    const base = canonicalCase();
    const c: Case = { guest: { ...base.guest, props: { ...base.guest.props, flts: false, scalableMode: false, dmaDrain: false } }, device: base.device };
    expect(decideConfig(c.guest.props, 'seed').ok).toBe(true);
    expect(realizedProblems(c, { pasid: 'guest-gt-host' })).toEqual([]);
  });

  it('gives a case made for a later profile the values of the fields this one lacks (x-flts off at aw-only)', () => {
    const out = realize(canonicalCase(), { duplicate: 'yes' }, 'aw-only', ACCEL);
    expect(out.guest.props.flts).toBe(false);
    expect(out.guest.props.fs1gp).toBe(true);
  });

  // PROTOCOL: pasidBits is 0 before the pasid profile, so no guest there can exceed a host's PASID width
  it('before the pasid profile, pasid=guest-gt-host cannot be made: KitError naming pasidBits', () => {
    expect(() => realize(canonicalCase(), { pasid: 'guest-gt-host' }, 'fsts', ACCEL)).toThrow(/pasidBits is 20, but profile fsts has no property for it: it is always 0 there/);
  });
});
