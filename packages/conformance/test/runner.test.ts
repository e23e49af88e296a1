// runConformance: the report, the option checks, known failures, replay, the seed and the text report.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CheckerPlugin } from '@hiodkit/core';
import { stubPlugin } from '@hiodkit/stub';
import { vtdPlugin } from '@hiodkit/vtd';
import {
  ConformanceConfigError,
  PluginLoadError,
  inProcessPlugin,
  DEFAULT_CI_SEED,
  PROPERTY_IDS,
  canonicalCase,
  SEED_MAX,
  SEED_MIN,
  caseFromJson,
  caseToJson,
  defaultSeed,
  formatReport,
  runConformance,
  schemaProblems,
  type ConformanceOptions,
  type ConformanceReport,
  type PluginInput,
  type ProgressEvent,
} from '../src/index.js';
import { seedChecker } from './broken/seed-checker.js';

const SEED = 0x5eed;
const KNOWN_IDS = PROPERTY_IDS.join(', ');
const KNOWN_PROFILES = 'aw-only, xflts-refuse, xflts-refuse-cm, xflts-refuse-fs, seed, bridge, relaxed, fsts, pasid';

const vtdReport = runConformance(vtdPlugin('seed'), { seed: SEED, numRuns: 60 });
const b55 = () => seedChecker('b55', { fs1gpBit: 55n });

function reportProblems(report: ConformanceReport): string[] {
  return schemaProblems('report.schema.json', JSON.parse(JSON.stringify(report)), 'report');
}

function configError(input: PluginInput, options: ConformanceOptions): ConformanceConfigError {
  try {
    runConformance(input, { numRuns: 5, ...options });
  } catch (e) {
    if (e instanceof ConformanceConfigError) return e;
    throw e;
  }
  throw new Error('runConformance did not refuse the options');
}

function status(report: ConformanceReport, id: string) {
  return report.properties.find((p) => p.id === id)?.status;
}

describe('the report', () => {
  it('is JSON-serialisable (no bigint) and valid against schemas/report.schema.json', () => {
    expect(() => JSON.stringify(vtdReport)).not.toThrow();
    expect(reportProblems(vtdReport)).toEqual([]);
  });

  it('says what ran on what: kit, plugin, profile, table, options, builds', () => {
    expect(vtdReport.kit.name).toBe('@hiodkit/conformance');
    expect(vtdReport.plugin).toEqual({ name: 'vtd-accel@seed', isolation: 'in-process', implements: { profile: 'seed', kconfig: { VTD_ACCEL: true } }, knownFailures: [] });
    expect(vtdReport.profile).toBe('seed');
    expect(vtdReport.table).toEqual({ file: 'reference/seed.json', qemuCommit: 'cca621c782d26901e9ca431eef135c2877135b47', rows: 11 });
    expect(vtdReport.options).toEqual({ seed: SEED, numRuns: 60, timeLimitMs: 1000 });
    expect(vtdReport.builds.length).toBeGreaterThan(0);
    expect(vtdReport.builds.every((b) => b.includes('VTD=y') && b.includes('IOMMUFD=y'))).toBe(true);
  });

  it('the built-in checker is conformant: every property passes or does not apply (stub: it declares the accel checker)', () => {
    expect(vtdReport.conformant).toBe(true);
    expect(vtdReport.properties.map((p) => p.id)).toEqual([...PROPERTY_IDS]);
    expect(vtdReport.properties.map((p) => [p.id, p.status])).toEqual(PROPERTY_IDS.map((id) => [id, id === 'stub' ? 'not-applicable' : 'passed']));
    const stub = vtdReport.properties.find((p) => p.id === 'stub');
    expect(stub?.reason).toMatch(/CONFIG_VTD_ACCEL=y/);
    expect(stub?.runs).toBe(0);
    for (const p of vtdReport.properties) expect(p.seed).toBe(SEED);
  });

  it('row coverage: every reachable row hit, the stub row unreachable, hits summing to the case count', () => {
    const coverage = vtdReport.coverage;
    expect(coverage).not.toBeNull();
    if (!coverage) return;
    expect(coverage.rows.map((r) => r.id)).toHaveLength(11);
    expect(coverage.rows.reduce((n, r) => n + r.hits, 0)).toBe(coverage.cases);
    expect(coverage.cases).toBeGreaterThan(0);
    for (const r of coverage.rows) {
      expect(r.reachable, r.id).toBe(r.id !== 'accel-stub');
      if (r.reachable) expect(r.hits, r.id).toBeGreaterThan(0);
      else expect(r.hits, r.id).toBe(0);
      expect(r.share).toBeCloseTo(r.hits / coverage.cases, 10);
    }
  });

  it('no coverage when table-equivalence did not run', () => {
    const report = runConformance(vtdPlugin('seed'), { seed: SEED, numRuns: 5, properties: ['contract'] });
    expect(report.coverage).toBeNull();
    expect(report.properties.map((p) => p.id)).toEqual(['contract']);
    expect(reportProblems(report)).toEqual([]);
  });

  it('a failing report is valid too, its counterexample a valid case', () => {
    const report = runConformance(b55(), { seed: SEED, numRuns: 30, properties: ['table-equivalence', 'contract'] });
    expect(report.conformant).toBe(false);
    expect(reportProblems(report)).toEqual([]);
    const failure = report.properties.find((p) => p.id === 'table-equivalence')?.failure;
    expect(failure?.row?.id).toBe('fs1gp-unsupported');
    expect(failure?.expected).toBe('reject: "First stage 1GB large page is unsupported by host IOMMU"');
    expect(failure?.actual).toBe('reject: "host IOMMU is incompatible with guest first stage translation"');
    for (const c of failure?.cases ?? []) expect(() => caseFromJson(c.case)).not.toThrow();
  });

  it('reports progress: start and done for each property, in order', () => {
    const events: ProgressEvent[] = [];
    runConformance(stubPlugin('seed'), { seed: SEED, numRuns: 5, properties: ['contract', 'stub'], onProgress: (e) => events.push(e) });
    expect(events.map((e) => `${e.kind} ${e.kind === 'start' ? e.property : e.result.id} ${e.index}/${e.total}`)).toEqual([
      'start contract 0/2',
      'done contract 0/2',
      'start stub 1/2',
      'done stub 1/2',
    ]);
  });
});

describe('mistakes in how the kit is asked to run: ConformanceConfigError', () => {
  const vtd = vtdPlugin('seed');

  it('an unknown property ID in options.knownFailures, listing the known IDs', () => {
    const e = configError(vtd, { knownFailures: ['contract', 'table-equivalance'] });
    expect(e.name).toBe('ConformanceConfigError');
    expect(e.message).toBe(`knownFailures[1]: unknown property ID "table-equivalance" (known: ${KNOWN_IDS})`);
  });

  it("an unknown property ID in the plugin's own knownFailures, naming the plugin", () => {
    const e = configError({ ...vtd, knownFailures: ['nope'] }, {});
    expect(e.message).toBe(`plugin vtd-accel@seed: knownFailures[0]: unknown property ID "nope" (known: ${KNOWN_IDS})`);
  });

  it('an unknown property ID in options.properties', () => {
    expect(configError(vtd, { properties: ['kconfig', 'precedence'] }).message).toBe(`properties: unknown property ID "precedence" (known: ${KNOWN_IDS})`);
  });

  it('an unknown profile, naming the known ones', () => {
    expect(configError(vtd, { profile: 'future' as never }).message).toBe(`unknown profile "future" (known: ${KNOWN_PROFILES})`);
  });

  it('a profile that is not the one the plugin declares', () => {
    expect(configError(vtd, { profile: 'bridge' }).message).toBe('the plugin declares profile seed, but the run asks for bridge');
  });

  it('a replay path without a seed', () => {
    expect(configError(vtd, { properties: ['contract'], path: '3:0' }).message).toMatch(/replay path needs the seed/);
  });

  it('a replay path with more than one property, or with every property', () => {
    expect(configError(vtd, { seed: 1, properties: ['contract', 'kconfig'], path: '3:0' }).message).toBe('a replay path needs exactly one property');
    expect(configError(vtd, { seed: 1, path: '3:0' }).message).toBe('a replay path needs exactly one property');
  });

  it.each([0, -1, 1.5, Number.NaN])('numRuns %s', (numRuns) => {
    expect(configError(vtd, { numRuns }).message).toBe(`numRuns must be a positive integer, got ${numRuns}`);
  });

  it('a time limit that is not positive', () => {
    expect(configError(vtd, { timeLimitMs: 0 }).message).toMatch(/timeLimitMs must be positive, got 0/);
  });

  it('a plugin whose declared profile the kit does not know, naming the known profiles', () => {
    const alien = { ...vtd, implements: { profile: 'future', kconfig: { VTD_ACCEL: true } } } as unknown as CheckerPlugin;
    // an object is refused as a module's export would be
    expect(() => runConformance(alien, { numRuns: 5 })).toThrow(new PluginLoadError(`the plugin object is not a checker plugin: implements.profile: must be one of ${KNOWN_PROFILES} (got "future")`));
    // an open handle, by the run's own check
    expect(configError({ ...inProcessPlugin(vtd, 1000), declaration: alien.implements }, {}).message).toBe(`the plugin declares profile "future"; the kit knows ${KNOWN_PROFILES}`);
  });

  // The report schema says the seed is an integer; a fractional or NaN seed makes a report that
  // does not validate (NaN even serialises as null), so the options check should refuse it.
  it.each([1.5, Number.NaN])('a seed that is not an integer (%s)', (seed) => {
    expect(() => runConformance(vtd, { seed, numRuns: 3, properties: ['contract'] })).toThrow(ConformanceConfigError);
  });
});

describe('known failures', () => {
  it('a listed property that fails is a known failure, and the run is conformant', () => {
    const report = runConformance(b55(), { seed: SEED, numRuns: 30, properties: ['table-equivalence', 'contract'], knownFailures: ['table-equivalence'] });
    expect(status(report, 'table-equivalence')).toBe('known-failure');
    expect(status(report, 'contract')).toBe('passed');
    expect(report.properties.find((p) => p.id === 'table-equivalence')?.failure?.summary).toMatch(/differs from row fs1gp-unsupported/);
    expect(report.conformant).toBe(true);
    expect(report.plugin.knownFailures).toEqual(['table-equivalence']);
    expect(reportProblems(report)).toEqual([]);
  });

  it("the plugin's own knownFailures list counts too, merged with the options'", () => {
    const plugin = { ...b55(), knownFailures: ['table-equivalence'] };
    const report = runConformance(plugin, { seed: SEED, numRuns: 30, properties: ['table-equivalence', 'precedence/first-failure'], knownFailures: ['precedence/first-failure'] });
    expect(status(report, 'table-equivalence')).toBe('known-failure');
    expect(status(report, 'precedence/first-failure')).toBe('known-failure');
    expect(report.conformant).toBe(true);
    expect([...report.plugin.knownFailures].sort()).toEqual(['precedence/first-failure', 'table-equivalence']);
  });

  it('a listed property without a counterexample that passes this run is not found, not an unexpected pass', () => {
    const report = runConformance(vtdPlugin('seed'), { seed: SEED, numRuns: 10, properties: ['contract', 'kconfig'], knownFailures: ['contract'] });
    expect(status(report, 'contract')).toBe('known-failure-not-found');
    expect(report.properties.find((p) => p.id === 'contract')?.reason).toBe(`not found this run (seed ${SEED}); record its counterexample in knownFailures to replay it every run`);
    expect(status(report, 'kconfig')).toBe('passed');
    expect(report.conformant).toBe(true);
    expect(reportProblems(report)).toEqual([]);
  });

  describe('a known failure with its counterexample is replayed first', () => {
    const found = () => {
      const first = runConformance(b55(), { seed: SEED, numRuns: 100, properties: ['table-equivalence'] });
      const failure = first.properties[0]?.failure;
      if (!failure) throw new Error('b55 was not caught');
      return failure;
    };

    it('as seed and path: still failing is a known failure, showing that very case', () => {
      const { path, cases } = found();
      // a run with a different seed, which may or may not find it by itself
      const report = runConformance(b55(), { seed: SEED + 1, numRuns: 100, properties: ['table-equivalence'], knownFailures: [{ property: 'table-equivalence', seed: SEED, path }] });
      const p = report.properties[0];
      expect(p?.status).toBe('known-failure');
      expect(p?.failure?.cases).toEqual(cases);
      expect(p?.seed).toBe(SEED);
      expect(p?.calls).toBe(1);
      expect(report.conformant).toBe(true);
      expect(reportProblems(report)).toEqual([]);
    });

    it('as a case: the same, for a property whose input is one case', () => {
      const { cases } = found();
      const recorded = cases[0]?.case;
      if (!recorded) throw new Error('no case');
      const report = runConformance(b55(), { seed: SEED, numRuns: 100, properties: ['table-equivalence'], knownFailures: [{ property: 'table-equivalence', case: recorded }] });
      expect(report.properties[0]?.status).toBe('known-failure');
      expect(report.properties[0]?.failure?.cases[0]?.case).toEqual(recorded);
    });

    it('a recorded case that conforms now is an unexpected pass, and the run is not conformant', () => {
      const { path, cases } = found();
      const recorded = cases[0]?.case;
      if (!recorded) throw new Error('no case');
      for (const known of [{ property: 'table-equivalence', seed: SEED, path }, { property: 'table-equivalence', case: recorded }]) {
        const report = runConformance(vtdPlugin('seed'), { seed: SEED, numRuns: 100, properties: ['table-equivalence'], knownFailures: [known] });
        expect(report.properties[0]?.status).toBe('unexpected-pass');
        expect(report.properties[0]?.reason).toBe('the counterexample recorded with it conforms now: remove it from knownFailures');
        expect(report.conformant).toBe(false);
      }
    });

    it.each([
      [{ property: 'table-equivalence', seed: 1 }, 'knownFailures[0].path: must be a fast-check path such as "3:0:1" (got undefined)'],
      [{ property: 'table-equivalence', seed: 1.5, path: '0' }, 'knownFailures[0].seed: must be an integer in -2147483648..2147483647'],
      [{ property: 'table-equivalence', seed: 1, path: '0', case: {} }, 'knownFailures[0]: give its counterexample as seed and path or as a case, not both'],
      [{ property: 'table-equivalence', case: { guest: 1 } }, 'knownFailures[0]: its case is not a valid case:'],
      [{ property: 'table-equivalence', seed: 1, path: '0', when: 'always' }, 'knownFailures[0]: unknown field "when"'],
      [{ property: 'precedence/repair-exposes-next', case: caseToJson(canonicalCase()) }, "known failure precedence/repair-exposes-next: this property's input is not one case"],
      // outside the contract: the seed has no pasid-bits, so its guests keep 0 (PROTOCOL §4.1)
      [
        { property: 'table-equivalence', case: caseToJson({ ...canonicalCase(), guest: { ...canonicalCase().guest, props: { ...canonicalCase().guest.props, pasidBits: 8 } } }) },
        "known failure table-equivalence: the recorded case's guest is not one of profile seed: pasidBits is 8, but profile seed has no property for it: it is always 0 there",
      ],
    ])('a malformed entry is refused, naming it: %j', (entry, message) => {
      const e = configError(vtdPlugin('seed'), { knownFailures: [entry as never], properties: [entry.property] });
      expect(e.message).toContain(message);
    });
  });

  it('a listed property that does not apply stays not-applicable and does not spoil the run', () => {
    const report = runConformance(vtdPlugin('seed'), { seed: SEED, numRuns: 5, properties: ['stub'], knownFailures: ['stub'] });
    expect(status(report, 'stub')).toBe('not-applicable');
    expect(report.conformant).toBe(true);
  });
});

describe('replay: the seed and the path of a failure give the same counterexample', () => {
  function replays(plugin: CheckerPlugin, property: string) {
    const first = runConformance(plugin, { seed: SEED, numRuns: 100, properties: [property] });
    const failed = first.properties[0];
    expect(failed?.status).toBe('failed');
    const failure = failed?.failure;
    expect(failure?.path).toMatch(/^\d+(:\d+)*$/);
    const again = runConformance(plugin, { seed: first.options.seed, numRuns: 100, properties: [property], path: failure?.path ?? '' });
    const replayed = again.properties[0];
    return { failure, replayed };
  }

  it('precedence/first-failure on the FS1GP-from-bit-55 checker', () => {
    const { failure, replayed } = replays(b55(), 'precedence/first-failure');
    expect(replayed?.status).toBe('failed');
    expect(JSON.stringify(replayed?.failure?.cases)).toBe(JSON.stringify(failure?.cases));
    expect(replayed?.failure?.summary).toBe(failure?.summary);
  });

  // table-equivalence runs its fixed examples before the generated cases, and fast-check's path
  // counts them; a replay that leaves the examples out walks to a different case.
  it('table-equivalence on the FS1GP-from-bit-55 checker', () => {
    const { failure, replayed } = replays(b55(), 'table-equivalence');
    expect(replayed?.status).toBe('failed');
    expect(JSON.stringify(replayed?.failure?.cases)).toBe(JSON.stringify(failure?.cases));
    expect(replayed?.failure?.path).toBe(failure?.path);
  });

  it('table-equivalence on the checker that prints the type with %u (found among generated cases)', () => {
    const { failure, replayed } = replays(seedChecker('u', { typeFormat: 'Incompatible host platform IOMMU type %u' }), 'table-equivalence');
    expect(replayed?.status).toBe('failed');
    expect(JSON.stringify(replayed?.failure?.cases)).toBe(JSON.stringify(failure?.cases));
  });
});

describe('a replay path is checked against fast-check\'s form and the run it replays, before anything runs', () => {
  const deep = Array.from({ length: 10_001 }, () => '0').join(':');
  it.each([
    ['-1', 'is not a fast-check path'],
    ['1e3', 'is not a fast-check path'],
    ['', 'is not a fast-check path'],
    ['x:y', 'is not a fast-check path'],
    ['01:2', 'is not a fast-check path'],
    ['99999999999', 'is not a fast-check path'],
    [deep, 'has 10001 steps; a replay path has at most 10000'],
    ['5000', 'starts at case 5000, but this run makes 100'],
    ['999999999', 'starts at case 999999999, but this run makes 100'],
  ])('%s', (path, message) => {
    const start = performance.now();
    const e = configError(vtdPlugin('seed'), { seed: SEED, numRuns: 100, properties: ['contract'], path });
    expect(e.message).toContain(message);
    expect(performance.now() - start).toBeLessThan(2_000);
  });

  it('a path that walks past the last shrink of its case names no case of the run', () => {
    const first = runConformance(b55(), { seed: SEED, numRuns: 100, properties: ['table-equivalence'] });
    const path = first.properties[0]?.failure?.path ?? '';
    for (const bad of ['0:99999999', `${path}:0:0:0:0:0:0:0:0:0:0:0:0`, Array.from({ length: 5_000 }, () => '0').join(':')]) {
      const e = configError(b55(), { seed: SEED, numRuns: 100, properties: ['table-equivalence'], path: bad });
      expect(e.message).toMatch(/does not name a case of table-equivalence with seed \d+: a step goes past the last shrink of its case$/);
    }
  });
});

describe('defaultSeed', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('HIODKIT_SEED when set, even under CI', () => {
    expect(defaultSeed({ HIODKIT_SEED: '1234' })).toBe(1234);
    expect(defaultSeed({ HIODKIT_SEED: '-7', CI: 'true' })).toBe(-7);
  });

  it('refuses a HIODKIT_SEED that is not an integer as --seed writes one', () => {
    expect(() => defaultSeed({ HIODKIT_SEED: 'abc' })).toThrow(ConformanceConfigError);
    expect(() => defaultSeed({ HIODKIT_SEED: '1.5' })).toThrow('HIODKIT_SEED: expected an integer, got "1.5"');
    for (const given of ['0x10', '1e3', ' 7', '+7', '7 ']) expect(() => defaultSeed({ HIODKIT_SEED: given }), given).toThrow(`HIODKIT_SEED: expected an integer, got ${JSON.stringify(given)}`);
  });

  it('takes exactly the range --seed takes, its ends included, and refuses past them instead of wrapping', () => {
    expect(defaultSeed({ HIODKIT_SEED: String(SEED_MIN) })).toBe(-2147483648);
    expect(defaultSeed({ HIODKIT_SEED: String(SEED_MAX) })).toBe(2147483647);
    expect(() => defaultSeed({ HIODKIT_SEED: '2147483648' })).toThrow('HIODKIT_SEED: 2147483648 is outside -2147483648..2147483647');
    expect(() => defaultSeed({ HIODKIT_SEED: '-2147483649' })).toThrow('HIODKIT_SEED: -2147483649 is outside -2147483648..2147483647');
    expect(() => defaultSeed({ HIODKIT_SEED: '99999999999' })).toThrow(ConformanceConfigError);
    expect(() => defaultSeed({ HIODKIT_SEED: '9'.repeat(400) })).toThrow(`HIODKIT_SEED: ${'9'.repeat(400)} is outside`);
  });

  it('the fixed 0x5eed under CI', () => {
    expect(DEFAULT_CI_SEED).toBe(0x5eed);
    expect(defaultSeed({ CI: 'true' })).toBe(0x5eed);
    expect(defaultSeed({ CI: '1' })).toBe(0x5eed);
    expect(defaultSeed({ HIODKIT_SEED: '', CI: 'yes' })).toBe(0x5eed);
  });

  it('a random int otherwise (CI unset, empty or "false")', () => {
    for (const env of [{}, { CI: '' }, { CI: 'false' }]) {
      const seeds = Array.from({ length: 20 }, () => defaultSeed(env));
      for (const s of seeds) {
        expect(Number.isInteger(s)).toBe(true);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThan(2 ** 31);
      }
      expect(new Set(seeds).size).toBeGreaterThan(1);
    }
  });

  it('runConformance uses it when no seed is given', () => {
    vi.stubEnv('HIODKIT_SEED', '4242');
    const report = runConformance(vtdPlugin('seed'), { numRuns: 3, properties: ['contract'] });
    expect(report.options.seed).toBe(4242);
    expect(report.properties[0]?.seed).toBe(4242);
  });
});

describe('formatReport', () => {
  const lines = (report: ConformanceReport) => formatReport(report).split('\n');

  it('a line per property with PASS or n/a, the row coverage section and CONFORMANT', () => {
    const text = formatReport(vtdReport);
    const out = lines(vtdReport);
    expect(out[0]).toBe('hiodkit conformance: vtd-accel@seed (in-process) — profile seed, CONFIG_VTD_ACCEL=y');
    expect(out[1]).toContain(`seed ${SEED} · 60 runs per property · 1000 ms per call`);
    for (const id of PROPERTY_IDS) {
      const line = out.find((l) => new RegExp(`^  (PASS  |FAIL  |XFAIL |XPASS |XFAIL\\?|n/a   ) ${id.replace(/\//g, '\\/')}\\s`).test(l));
      expect(line, id).toBeDefined();
      expect(line?.slice(2, 8), id).toBe(id === 'stub' ? 'n/a   ' : 'PASS  ');
    }
    expect(text).toMatch(/^ {2}row coverage \(\d+ generated cases in table-equivalence\):$/m);
    for (const r of vtdReport.coverage?.rows ?? []) expect(out.some((l) => l.startsWith(`    ${r.id} `)), r.id).toBe(true);
    expect(out.find((l) => l.startsWith('    accel-stub'))).toContain('not reachable with this CONFIG_VTD_ACCEL');
    expect(text).toMatch(/^ {2}builds that link this checker: \d+ of 24 \(e\.g\. VTD=y/m);
    expect(out.at(-1)).toMatch(/^ {2}CONFORMANT in \d+/);
  });

  it('FAIL with the counterexample and the replay line, and NOT CONFORMANT', () => {
    const report = runConformance(b55(), { seed: SEED, numRuns: 30, properties: ['contract', 'table-equivalence'] });
    const text = formatReport(report);
    expect(text).toMatch(/^ {2}PASS   contract\s+30 runs/m);
    expect(text).toMatch(/^ {2}FAIL   table-equivalence\s+failed after \d+ run\(s\)/m);
    expect(text).toContain('row:      fs1gp-unsupported (BEHAVIOUR §attach.fs1gp;');
    expect(text).toContain('expected: reject: "First stage 1GB large page is unsupported by host IOMMU"');
    expect(text).toContain('actual:   reject: "host IOMMU is incompatible with guest first stage translation"');
    expect(text).toMatch(/replay: \{ seed: 24301, numRuns: 30, path: "\d+(:\d+)*", properties: \["table-equivalence"\] \}/);
    expect(lines(report).at(-1)).toMatch(/^ {2}NOT CONFORMANT in /);
  });

  it('XFAIL for a known failure, XFAIL? when it was not found, XPASS with its advice when its counterexample conforms', () => {
    const xfail = runConformance(b55(), { seed: SEED, numRuns: 20, properties: ['table-equivalence'], knownFailures: ['table-equivalence'] });
    expect(formatReport(xfail)).toMatch(/^ {2}XFAIL  table-equivalence/m);
    expect(formatReport(xfail)).toMatch(/^ {2}CONFORMANT in /m);
    const notFound = formatReport(runConformance(vtdPlugin('seed'), { seed: SEED, numRuns: 5, properties: ['contract'], knownFailures: ['contract'] }));
    expect(notFound).toMatch(/^ {2}XFAIL\? contract/m);
    expect(notFound).toContain(`not found this run (seed ${SEED})`);
    const path = xfail.properties[0]?.failure?.path ?? '';
    const xpass = formatReport(runConformance(vtdPlugin('seed'), { seed: SEED, numRuns: 20, properties: ['table-equivalence'], knownFailures: [{ property: 'table-equivalence', seed: SEED, path }] }));
    expect(xpass).toMatch(/^ {2}XPASS  table-equivalence/m);
    expect(xpass).toContain('the counterexample recorded with it conforms now: remove it from knownFailures');
    expect(xpass).toMatch(/^ {2}NOT CONFORMANT in /m);
  });

  it('the stub: n/a for final-rejection, every accel row not reachable', () => {
    const report = runConformance(stubPlugin('seed'), { seed: SEED, numRuns: 20 });
    expect(report.conformant).toBe(true);
    const text = formatReport(report);
    expect(text).toMatch(/^ {2}n\/a {4}final-rejection/m);
    expect(text).toContain('CONFIG_VTD_ACCEL=n');
    for (const id of ['not-iommufd', 'type-not-vtd', 'fs1gp-unsupported', 'first-stage-rejected']) {
      expect(lines(report).find((l) => l.startsWith(`    ${id} `)), id).toContain('not reachable');
    }
  });
});
