import { afterAll, describe, expect, it } from 'vitest';
import { MINIKCONF_RESOLVER, minikconfResolution, sameResolution } from '@hiodkit/core';
import { RESOLVER_PROPERTY_IDS, runResolverConformance, schemaProblems, type ResolverReport } from '../src/index.js';
import { BROKEN_RESOLVERS, faultyResolver } from './broken/kconfig-resolvers.js';

const SEED = 20_260_106;
const reports = new Map<string, ResolverReport>();

function run(id: string, resolver: Parameters<typeof runResolverConformance>[0]): ResolverReport {
  const report = runResolverConformance(resolver, { seed: SEED, numRuns: 200 });
  reports.set(id, report);
  return report;
}

describe('the Kconfig resolver kill matrix: every broken resolver is caught by the property meant to catch it', () => {
  it.each(BROKEN_RESOLVERS.map((b) => [b.id, b] as const))('%s', { timeout: 60_000 }, (_id, b) => {
    const report = run(b.id, b.resolver);
    expect(report.conformant).toBe(false);
    const result = report.properties.find((p) => p.id === b.caughtBy);
    expect(result?.status, `${b.id} (${b.fault}) should fail ${b.caughtBy}`).toBe('failed');
    if (result?.status !== 'failed') return;
    expect(result.failure.summary.length).toBeGreaterThan(0);
    // the counterexample is a valid input on which the broken resolver really differs from minikconf (or from itself)
    for (const { input } of result.failure.inputs) {
      expect(schemaProblems('kconfig-input.schema.json', input, 'input')).toEqual([]);
      if (b.caughtBy !== 'kconfig-resolver/contract') expect(sameResolution(minikconfResolution(input), b.resolver.resolve(structuredClone(input)))).toBe(false);
    }
    expect(result.failure.path).toMatch(/^\d+(:\d+)*$/);
  });

  it.each([
    ['the minikconf port', MINIKCONF_RESOLVER],
    ['the broken corpus baseline with no fault', faultyResolver('correct', {})],
  ] as const)('%s passes every property', (id, resolver) => {
    const report = run(id, resolver);
    expect(report.properties.filter((p) => p.status !== 'passed').map((p) => [p.id, p.status === 'failed' ? p.failure.summary : ''])).toEqual([]);
    expect(report.properties.map((p) => p.id)).toEqual([...RESOLVER_PROPERTY_IDS]);
    expect(report.conformant).toBe(true);
  });

  // the faults that only some generated rule sets show must be met by every run, not by most seeds
  it.each(['c-precedence', 'select-if-ignored'])('%s is caught by generated-rules on each of 10 seeds', (id) => {
    const resolver = BROKEN_RESOLVERS.find((b) => b.id === id)?.resolver;
    if (resolver === undefined) throw new Error(`no broken resolver ${id}`);
    const seeds = Array.from({ length: 10 }, (_, i) => SEED + i);
    const passedOn = seeds.filter((seed) => runResolverConformance(resolver, { seed, numRuns: 200, properties: ['kconfig-resolver/generated-rules'] }).conformant);
    expect(passedOn).toEqual([]);
  });

  it('every resolver property catches at least one broken resolver', () => {
    const killers = new Set(BROKEN_RESOLVERS.flatMap((b) => reports.get(b.id)?.properties.filter((p) => p.status === 'failed').map((p) => p.id) ?? []));
    expect(RESOLVER_PROPERTY_IDS.filter((id) => !killers.has(id))).toEqual([]);
  });

  afterAll(() => {
    const columns = RESOLVER_PROPERTY_IDS.map((id) => id.replace('kconfig-resolver/', ''));
    const width = Math.max(...[...reports.keys()].map((id) => id.length));
    const lines = [`${'resolver'.padEnd(width)}  ${columns.map((c) => c.padStart(17)).join('')}`];
    for (const [id, report] of reports) {
      const intended = BROKEN_RESOLVERS.find((b) => b.id === id)?.caughtBy;
      const cells = RESOLVER_PROPERTY_IDS.map((pid) => {
        const r = report.properties.find((p) => p.id === pid);
        return (r?.status === 'failed' ? (intended === pid ? 'KILL*' : 'kill') : 'pass').padStart(17);
      });
      lines.push(`${id.padEnd(width)}  ${cells.join('')}`);
    }
    lines.push('KILL* caught by the property meant to catch it · kill caught as well · pass not caught');
    console.log(`\nKconfig resolver kill matrix (seed ${SEED}, 200 runs per property)\n${lines.join('\n')}`);
  });
});
