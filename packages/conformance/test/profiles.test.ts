import { describe, expect, it } from 'vitest';
import { PROFILES, PROFILE_INFO, VTD_ACCEL_PROFILES, hasVtdAccel, isRequesterIdAliased, profileAtLeast, type CheckerPlugin, type ProfileId } from '@hiodkit/core';
import { stubPlugin } from '@hiodkit/stub';
import { vtdPlugin } from '@hiodkit/vtd';
import { PREDICATE_VALUES, completenessProblems, loadReferenceTable, runConformance, type ConformanceReport } from '../src/index.js';

const SEED = 20_260_113;
const NUM_RUNS = 150;
/** Enough table-equivalence cases that a row drawn at 1/13 of the mix cannot fall under 5% by chance. */
const COVERAGE_RUNS = 2000;

/** Steps 1-6 and the stub: the same rows, word for word, in every profile from the seed on. */
const COMMON_ROWS = ['caching-mode-off', 'already-attached', 'no-get-cap', 'get-cap-fails', 'aw-bits-exceed-host', 'second-stage-accept', 'accel-stub'];
const ACCEL_ROWS = ['not-iommufd', 'type-not-vtd', 'fs1gp-unsupported'];
/** vtd_dev_set_iommu_device and vtd_check_hiod before the seed: no stub, caching-mode at attach from 3cda33e0. */
const SECOND_STAGE_ROWS = ['already-attached', 'no-get-cap', 'get-cap-fails', 'aw-bits-exceed-host', 'second-stage-accept'];

/** Research notes §4: the attach path at each profile's commit, in order. */
const ROWS: Record<ProfileId, string[]> = {
  'aw-only': SECOND_STAGE_ROWS,
  'xflts-refuse': [...SECOND_STAGE_ROWS, 'first-stage-rejected'],
  'xflts-refuse-cm': ['caching-mode-off', ...SECOND_STAGE_ROWS, 'first-stage-rejected'],
  'xflts-refuse-fs': ['caching-mode-off', ...SECOND_STAGE_ROWS, 'first-stage-rejected'],
  seed: [...COMMON_ROWS, ...ACCEL_ROWS, 'first-stage-rejected'],
  bridge: [...COMMON_ROWS, ...ACCEL_ROWS, 'behind-pci-bridge', 'first-stage-rejected'],
  relaxed: [...COMMON_ROWS, ...ACCEL_ROWS, 'behind-pci-bridge', 'first-stage-accept'],
  fsts: [...COMMON_ROWS, ...ACCEL_ROWS, 'behind-pci-bridge', 'first-stage-accept'],
  pasid: [...COMMON_ROWS, ...ACCEL_ROWS, 'pasid-bits-exceed-host', 'behind-pci-bridge', 'first-stage-accept'],
};

/** The unconditional refusal of vtd_check_hiod (before the seed) or vtd_check_hiod_accel (seed, bridge). */
const FINAL_REFUSAL: Partial<Record<ProfileId, string>> = {
  'xflts-refuse': 'host device is uncompatible with stage-1 translation',
  'xflts-refuse-cm': 'host device is uncompatible with stage-1 translation',
  'xflts-refuse-fs': 'host device is uncompatible with first stage translation',
  seed: 'host IOMMU is incompatible with guest first stage translation',
  bridge: 'host IOMMU is incompatible with guest first stage translation',
};

const PLUGINS = (profile: ProfileId): [string, CheckerPlugin][] => [['vtd', vtdPlugin(profile)], ...(hasVtdAccel(profile) ? [['stub', stubPlugin(profile)] as [string, CheckerPlugin]] : [])];

function failures(report: ConformanceReport): [string, string | undefined][] {
  return report.properties.filter((p) => p.status === 'failed' || p.status === 'unexpected-pass').map((p) => [p.id, p.failure?.summary]);
}

function messageOf(profile: ProfileId, id: string): string | undefined {
  const row = loadReferenceTable(profile).rows.find((r) => r.id === id);
  return row && 'reject' in row.expect ? row.expect.reject.message : undefined;
}

describe.each(PROFILES)('the %s reference table', (profile) => {
  it('loads: schema-valid, complete and disjoint over the kit predicate domain', () => {
    const table = loadReferenceTable(profile);
    expect(table.profile).toBe(profile);
    expect(table.qemuCommit.startsWith(PROFILE_INFO[profile].commit)).toBe(true);
    expect(completenessProblems(table, 100)).toEqual([]);
    for (const [p, values] of Object.entries(table.predicates)) expect(values).toEqual(PREDICATE_VALUES[p as keyof typeof PREDICATE_VALUES]);
    // each predicate from the commit that brought its check
    expect('flts' in table.predicates).toBe(profileAtLeast(profile, 'xflts-refuse'));
    expect('cachingMode' in table.predicates).toBe(profileAtLeast(profile, 'xflts-refuse-cm'));
    expect('vtdAccel' in table.predicates).toBe(hasVtdAccel(profile));
    expect('aliased' in table.predicates).toBe(profileAtLeast(profile, 'bridge'));
    expect('pasid' in table.predicates).toBe(profile === 'pasid');
  });

  it('has the rows of its commit, in QEMU\'s order, with the shared rows identical to seed', () => {
    const table = loadReferenceTable(profile);
    expect(table.rows.map((r) => r.id)).toEqual(ROWS[profile]);
    const seed = loadReferenceTable('seed');
    if (hasVtdAccel(profile)) expect(table.rows.slice(0, COMMON_ROWS.length)).toEqual(seed.rows.slice(0, COMMON_ROWS.length));
    // before the seed a shared row is the seed's without the predicates its commit lacks
    const declared = (conj: object) => Object.fromEntries(Object.entries(conj).filter(([p]) => p in table.predicates));
    for (const row of table.rows.filter((r) => !hasVtdAccel(profile) && r.id !== 'first-stage-rejected')) {
      const twin = seed.rows.find((r) => r.id === row.id);
      expect([row.id, row.when, row.expect, row.repair, row.break]).toEqual([row.id, twin?.when.map(declared), twin?.expect, twin?.repair, twin?.break]);
    }
    // every failing check can be repaired and broken, so the precedence properties see it
    for (const row of table.rows) if ('reject' in row.expect && row.id !== 'accel-stub' && row.id !== 'first-stage-rejected') expect([row.id, !!row.repair, !!row.break]).toEqual([row.id, true, true]);
  });
});

describe('the messages follow the renames of the series', () => {
  it.each(PROFILES)('%s: the unconditional refusal with x-flts on', (profile) => {
    expect(messageOf(profile, 'first-stage-rejected')).toBe(FINAL_REFUSAL[profile]);
  });

  it.each(VTD_ACCEL_PROFILES)('%s', (profile) => {
    const flag = profile === 'fsts' || profile === 'pasid' ? 'fsts=on' : 'x-flts=on';
    expect(messageOf(profile, 'not-iommufd')).toBe(`Need IOMMUFD backend when ${flag}`);
    if (profile !== 'seed') expect(messageOf(profile, 'behind-pci-bridge')).toBe(`Host device downstream to a PCI bridge is unsupported when ${flag}`);
  });

  it('pasid checks the guest pasid-bits against ecap PSS + 1', () => {
    const row = loadReferenceTable('pasid').rows.find((r) => r.id === 'pasid-bits-exceed-host');
    expect(row?.expect).toEqual({ reject: { message: 'PASID bits size %d > host IOMMU PASID bits size %d', args: ['guest.pasid-bits', 'host.pasid-bits'] } });
  });
});

describe.each(PROFILES)('the built-in checkers at %s', (profile) => {
  it.each(PLUGINS(profile))('%s is conformant', (_kind, plugin) => {
    const report = runConformance(plugin, { seed: SEED, numRuns: NUM_RUNS });
    expect(failures(report)).toEqual([]);
    expect(report.conformant).toBe(true);
    // every reachable row shows up among the generated cases
    expect(report.coverage?.rows.filter((r) => r.reachable && r.hits === 0).map((r) => r.id)).toEqual([]);
    const finalRejection = report.properties.find((p) => p.id === 'final-rejection');
    if (profile === 'aw-only') expect([finalRejection?.status, finalRejection?.reason]).toEqual(['not-applicable', 'profile aw-only has no x-flts property']);
    else if (_kind === 'stub') expect(finalRejection?.status).toBe('not-applicable');
    else if (FINAL_REFUSAL[profile] !== undefined) expect(finalRejection?.status).toBe('passed');
    else expect([finalRejection?.status, finalRejection?.reason]).toEqual(['not-applicable', `profile ${profile} accepts devices that pass every check`]);
    // before the seed no Kconfig symbol chooses the checker
    const kconfig = report.properties.find((p) => p.id === 'kconfig');
    if (hasVtdAccel(profile)) expect(kconfig?.status).toBe('passed');
    else expect([kconfig?.status, kconfig?.reason]).toEqual(['not-applicable', `profile ${profile} predates CONFIG_VTD_ACCEL: every build with VTD links the one check of intel_iommu.c`]);
  });

  it.each(PLUGINS(profile))('the default mix gives %s every reachable row in at least 5% of the cases', (_kind, plugin) => {
    const report = runConformance(plugin, { seed: SEED, numRuns: COVERAGE_RUNS, properties: ['table-equivalence'] });
    expect(report.conformant).toBe(true);
    const rows = report.coverage?.rows ?? [];
    expect(rows.map((r) => r.id)).toEqual(ROWS[profile]);
    // the accel checker cannot reach the stub row, the stub none of the accel rows
    const unreachable = rows.filter((r) => !r.reachable).map((r) => r.id);
    expect(unreachable).toEqual(_kind === 'stub' ? ROWS[profile].slice(COMMON_ROWS.length) : hasVtdAccel(profile) ? ['accel-stub'] : []);
    expect(rows.filter((r) => r.reachable && r.share < 0.05).map((r) => `${r.id} ${(r.share * 100).toFixed(1)}%`)).toEqual([]);
  });
});

describe('before the seed there is no CONFIG_VTD_ACCEL to declare off', () => {
  it.each(PROFILES.filter((p) => !hasVtdAccel(p)))('%s: a checker declaring the stub is refused before it runs', (profile) => {
    const plugin = { ...vtdPlugin(profile), implements: { profile, kconfig: { VTD_ACCEL: false } } };
    expect(() => runConformance(plugin, { seed: SEED, numRuns: 1 })).toThrow(
      `the plugin declares CONFIG_VTD_ACCEL=n at profile ${profile}, which predates CONFIG_VTD_ACCEL and its stub (added by the seed, cca621c7): every build of it links the one check, so declare VTD_ACCEL true`,
    );
  });
});

describe('a checker declaring the wrong profile is caught', () => {
  const redeclare = (plugin: CheckerPlugin, profile: ProfileId): CheckerPlugin => ({ ...plugin, implements: { profile, kconfig: { VTD_ACCEL: true } } });

  it('seed behaviour declared as relaxed fails table-equivalence', () => {
    const report = runConformance(redeclare(vtdPlugin('seed'), 'relaxed'), { seed: SEED, numRuns: NUM_RUNS });
    expect(report.conformant).toBe(false);
    expect(report.properties.find((p) => p.id === 'table-equivalence')?.status).toBe('failed');
  });

  it('bridge behaviour declared as seed fails table-equivalence and final-rejection', () => {
    const report = runConformance(redeclare(vtdPlugin('bridge'), 'seed'), { seed: SEED, numRuns: NUM_RUNS });
    expect(report.conformant).toBe(false);
    expect(report.properties.filter((p) => p.status === 'failed').map((p) => p.id)).toEqual(expect.arrayContaining(['table-equivalence', 'final-rejection']));
  });

  // Every other ordered pair too, except two that no guest of the declared profile can tell apart:
  // pasid behaviour declared as fsts (guests at fsts have no pasid-bits, so s->pasid is 0), and
  // xflts-refuse declared as aw-only (guests at aw-only have no x-flts, so nothing reaches the refusal).
  const blind = (behaves: ProfileId, declared: ProfileId) => (behaves === 'pasid' && declared === 'fsts') || (behaves === 'xflts-refuse' && declared === 'aw-only');
  const pairs = PROFILES.flatMap((behaves) => PROFILES.filter((declared) => declared !== behaves && !blind(behaves, declared)).map((declared) => [behaves, declared] as const));
  // table-equivalence alone: it catches every one of them (a run of every property took 75 times as long to say the same)
  it.each(pairs)('%s behaviour declared as %s fails table-equivalence', (behaves, declared) => {
    const report = runConformance(redeclare(vtdPlugin(behaves), declared), { seed: SEED, numRuns: NUM_RUNS, properties: ['table-equivalence'] });
    expect(report.properties.map((p) => [p.id, p.status])).toEqual([['table-equivalence', 'failed']]);
    expect(report.conformant).toBe(false);
  });
});

describe('the later checks are ordered', () => {
  const bridgeMessage = (profile: ProfileId) => messageOf(profile, 'behind-pci-bridge') ?? '';

  /** The vtd checker with the bridge check moved before an earlier check. */
  function bridgeFirst(profile: ProfileId, earlier: string): CheckerPlugin {
    const base = vtdPlugin(profile);
    const earlierPrefix = (messageOf(profile, earlier) ?? '').split('%')[0] ?? '';
    return {
      ...base,
      name: `bridge-before-${earlier}@${profile}`,
      check(guest, device) {
        const outcome = base.check(guest, device);
        if (!outcome.ok && outcome.error.message.startsWith(earlierPrefix) && isRequesterIdAliased(device.pci)) {
          return { ok: false, error: { message: bridgeMessage(profile), hints: [] } };
        }
        return outcome;
      },
    };
  }

  it.each([
    ['bridge', 'fs1gp-unsupported'],
    ['relaxed', 'fs1gp-unsupported'],
    ['pasid', 'pasid-bits-exceed-host'],
  ] as const)('at %s, a bridge check run before %s fails the precedence properties', (profile, earlier) => {
    const report = runConformance(bridgeFirst(profile, earlier), { seed: SEED, numRuns: NUM_RUNS, properties: ['precedence/repair-exposes-next', 'precedence/break-hides-later'] });
    expect(report.properties.map((p) => [p.id, p.status])).toEqual([
      ['precedence/repair-exposes-next', 'failed'],
      ['precedence/break-hides-later', 'failed'],
    ]);
  });
});
