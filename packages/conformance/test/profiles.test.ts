import { describe, expect, it } from 'vitest';
import { PROFILES, PROFILE_INFO, isRequesterIdAliased, type CheckerPlugin, type ProfileId } from '@hiodkit/core';
import { stubPlugin } from '@hiodkit/stub';
import { vtdPlugin } from '@hiodkit/vtd';
import { PREDICATE_VALUES, completenessProblems, loadReferenceTable, runConformance, type ConformanceReport } from '../src/index.js';

const SEED = 20_260_113;
const NUM_RUNS = 150;
/** Enough table-equivalence cases that a row drawn at 1/13 of the mix cannot fall under 5% by chance. */
const COVERAGE_RUNS = 2000;

/** Steps 1-6 and the stub: the same rows, word for word, in every profile. */
const COMMON_ROWS = ['caching-mode-off', 'already-attached', 'no-get-cap', 'get-cap-fails', 'aw-bits-exceed-host', 'second-stage-accept', 'accel-stub'];
const ACCEL_ROWS = ['not-iommufd', 'type-not-vtd', 'fs1gp-unsupported'];

/** Research notes §4: vtd_check_hiod_accel at each profile's commit, in order. */
const ROWS: Record<ProfileId, string[]> = {
  seed: [...COMMON_ROWS, ...ACCEL_ROWS, 'first-stage-rejected'],
  bridge: [...COMMON_ROWS, ...ACCEL_ROWS, 'behind-pci-bridge', 'first-stage-rejected'],
  relaxed: [...COMMON_ROWS, ...ACCEL_ROWS, 'behind-pci-bridge', 'first-stage-accept'],
  fsts: [...COMMON_ROWS, ...ACCEL_ROWS, 'behind-pci-bridge', 'first-stage-accept'],
  pasid: [...COMMON_ROWS, ...ACCEL_ROWS, 'pasid-bits-exceed-host', 'behind-pci-bridge', 'first-stage-accept'],
};

const PLUGINS = (profile: ProfileId): [string, CheckerPlugin][] => [
  ['vtd', vtdPlugin(profile)],
  ['stub', stubPlugin(profile)],
];

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
    expect('aliased' in table.predicates).toBe(profile !== 'seed');
    expect('pasid' in table.predicates).toBe(profile === 'pasid');
  });

  it('has the rows of its commit, in SPEC order, with the shared rows identical to seed', () => {
    const table = loadReferenceTable(profile);
    expect(table.rows.map((r) => r.id)).toEqual(ROWS[profile]);
    expect(table.rows.slice(0, COMMON_ROWS.length)).toEqual(loadReferenceTable('seed').rows.slice(0, COMMON_ROWS.length));
    // every failing check can be repaired and broken, so the precedence properties see it
    for (const row of table.rows) if ('reject' in row.expect && row.id !== 'accel-stub' && row.id !== 'first-stage-rejected') expect([row.id, !!row.repair, !!row.break]).toEqual([row.id, true, true]);
  });
});

describe('the messages follow the renames of the series', () => {
  it.each(PROFILES)('%s', (profile) => {
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
    if (_kind === 'stub') expect(finalRejection?.status).toBe('not-applicable');
    else if (profile === 'seed' || profile === 'bridge') expect(finalRejection?.status).toBe('passed');
    else expect([finalRejection?.status, finalRejection?.reason]).toEqual(['not-applicable', `profile ${profile} accepts devices that pass every check`]);
  });

  it.each(PLUGINS(profile))('the default mix gives %s every reachable row in at least 5% of the cases', (_kind, plugin) => {
    const report = runConformance(plugin, { seed: SEED, numRuns: COVERAGE_RUNS, properties: ['table-equivalence'] });
    expect(report.conformant).toBe(true);
    const rows = report.coverage?.rows ?? [];
    expect(rows.map((r) => r.id)).toEqual(ROWS[profile]);
    // the accel checker cannot reach the stub row, the stub none of the accel rows
    const unreachable = rows.filter((r) => !r.reachable).map((r) => r.id);
    expect(unreachable).toEqual(_kind === 'vtd' ? ['accel-stub'] : ROWS[profile].slice(COMMON_ROWS.length));
    expect(rows.filter((r) => r.reachable && r.share < 0.05).map((r) => `${r.id} ${(r.share * 100).toFixed(1)}%`)).toEqual([]);
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

  // Every other ordered pair too, except pasid behaviour declared as fsts: guests at fsts have no
  // pasid-bits property (s->pasid is 0), so the PASID check can never fire there.
  const pairs = PROFILES.flatMap((behaves) => PROFILES.filter((declared) => declared !== behaves && !(behaves === 'pasid' && declared === 'fsts')).map((declared) => [behaves, declared] as const));
  it.each(pairs)('%s behaviour declared as %s', (behaves, declared) => {
    expect(runConformance(redeclare(vtdPlugin(behaves), declared), { seed: SEED, numRuns: NUM_RUNS }).conformant).toBe(false);
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
