import { afterAll, describe, expect, it } from 'vitest';
import { stubPlugin } from '@hiodkit/stub';
import { vtdPlugin } from '@hiodkit/vtd';
import { PROPERTY_IDS, caseFromJson, runConformance, type ConformanceReport, type PropertyId } from '../src/index.js';
import { BROKEN_PLUGINS } from './broken/corpus.js';
import { seedChecker } from './broken/seed-checker.js';

const SEED = 20_260_106;
const reports = new Map<string, ConformanceReport>();

function run(id: string, plugin: Parameters<typeof runConformance>[0], caughtBy?: PropertyId): ConformanceReport {
  const hangs = 'module' in plugin;
  // a short limit only where a call hangs (module plugins run in a worker); others keep the default,
  // so a loaded CI machine cannot turn a slow but correct call into a timeout
  const timeLimitMs = hangs ? 100 : 1000;
  // where a call hangs, each timeout costs a new worker and the limit plus the kit's second of reply
  // grace: no shrinking past the first timeout, and only the property meant to catch it (its row
  // shows the others as not run)
  const hanging = hangs ? { timeoutBudget: 0, ...(caughtBy === undefined ? {} : { properties: [caughtBy] }) } : {};
  const report = runConformance(plugin, { seed: SEED, numRuns: 200, timeLimitMs, ...hanging });
  reports.set(id, report);
  return report;
}

describe('the kill matrix: every broken plugin is caught by the property meant to catch it', () => {
  it.each(BROKEN_PLUGINS.map((b) => [b.id, b] as const))('%s', { timeout: 60_000 }, (_id, b) => {
    const report = run(b.id, b.plugin, b.caughtBy);
    expect(report.conformant).toBe(false);
    const result = report.properties.find((p) => p.id === b.caughtBy);
    expect(result?.status, `${b.id} (${b.fault}) should fail ${b.caughtBy}`).toBe('failed');
    const failure = result?.failure;
    expect(failure?.summary.length).toBeGreaterThan(0);
    // a counterexample that is a valid case, with fast-check's path to replay it
    expect(failure?.cases.length).toBeGreaterThan(0);
    for (const c of failure?.cases ?? []) expect(() => caseFromJson(c.case)).not.toThrow();
    expect(failure?.path).toMatch(/^\d+(:\d+)*$/);
  });

  it.each([
    ['the built-in vtd checker', vtdPlugin('seed')],
    ['the built-in stub', stubPlugin('seed')],
    ['the corpus baseline with no fault', seedChecker('correct')],
  ] as const)('%s passes every property', (id, plugin) => {
    const report = run(id, plugin);
    expect(report.properties.filter((p) => p.status !== 'passed' && p.status !== 'not-applicable').map((p) => [p.id, p.failure?.summary])).toEqual([]);
    expect(report.conformant).toBe(true);
  });

  // a fault only one field of one row shows must be met by every run, not by most seeds
  it("the checker that drops get_cap's hints is caught by table-equivalence on each of 20 seeds", () => {
    const plugin = BROKEN_PLUGINS.find((b) => b.id === 'get-cap-hints-dropped')?.plugin as Parameters<typeof runConformance>[0];
    const seeds = Array.from({ length: 20 }, (_, i) => SEED + i);
    const passedOn = seeds.filter((seed) => runConformance(plugin, { seed, numRuns: 200, properties: ['table-equivalence'] }).conformant);
    expect(passedOn).toEqual([]);
  });

  it('every property catches at least one broken plugin', () => {
    const killers = new Set(BROKEN_PLUGINS.flatMap((b) => reports.get(b.id)?.properties.filter((p) => p.status === 'failed').map((p) => p.id) ?? []));
    expect(PROPERTY_IDS.filter((id) => !killers.has(id))).toEqual([]);
  });

  afterAll(() => {
    const columns: Record<string, string> = {
      contract: 'contract',
      'table-equivalence': 'table',
      'precedence/first-failure': 'first',
      'precedence/repair-exposes-next': 'repair',
      'precedence/break-hides-later': 'break',
      'final-rejection': 'final',
      stub: 'stub',
      kconfig: 'kconfig',
    };
    const width = Math.max(...[...reports.keys()].map((id) => id.length));
    const lines = [`${'plugin'.padEnd(width)}  ${PROPERTY_IDS.map((id) => (columns[id] ?? id).padStart(9)).join('')}`];
    for (const [id, report] of reports) {
      const intended = BROKEN_PLUGINS.find((b) => b.id === id)?.caughtBy;
      const cells = PROPERTY_IDS.map((pid) => {
        const r = report.properties.find((p) => p.id === pid);
        const mark = !r || r.status === 'not-applicable' ? '·' : r.status === 'failed' ? (intended === pid ? 'KILL*' : 'kill') : 'pass';
        return mark.padStart(9);
      });
      lines.push(`${id.padEnd(width)}  ${cells.join('')}`);
    }
    lines.push('KILL* caught by the property meant to catch it · kill caught as well · pass not caught · "·" not applicable');
    lines.push('columns: precedence/first-failure, precedence/repair-exposes-next, precedence/break-hides-later, final-rejection');
    console.log(`\nKill matrix (seed ${SEED}, 200 runs per property)\n${lines.join('\n')}`);
  });
});
