// Batched calls (invokeBatch, run/prefetch.ts) must give the report a per-case run gives: the same
// verdicts, the same counterexample, path and shrinks, and a bad answer in a batch still names its case.
import { describe, expect, it } from 'vitest';
import { vtdPlugin } from '@hiodkit/vtd';
import { inProcessPlugin, runConformance, type Case, type ConformanceReport, type PluginHandle } from '../src/index.js';
import type { Invocation } from '../src/plugins/invocation.js';

const SEED = 20_261_201;

/** A handle on `base` that may batch: a batch crashes every request from the first `poison` case on, as a dying process would. */
function batchingHandle(base: PluginHandle, poison: (c: Case) => boolean, log: { batches: number[]; single: number }): PluginHandle & { invokeBatch(cases: readonly Case[]): Invocation[] } {
  const invoke = (c: Case): Invocation => (poison(c) ? { kind: 'crashed', detail: 'the plugin process was killed by SIGSEGV' } : base.invoke(c));
  return {
    ...base,
    isolation: 'process',
    invoke(c) {
      log.single++;
      return invoke(c);
    },
    invokeBatch(cases) {
      log.batches.push(cases.length);
      const dead = cases.findIndex(poison);
      return cases.map((c, i) => (dead !== -1 && i >= dead ? { kind: 'crashed', detail: 'the plugin process was killed by SIGSEGV' } : base.invoke(c)));
    },
    close() {},
  };
}

/** A per-case handle on the same behaviour. */
function perCaseHandle(base: PluginHandle, poison: (c: Case) => boolean): PluginHandle {
  return { ...base, isolation: 'process', invoke: (c) => (poison(c) ? { kind: 'crashed', detail: 'the plugin process was killed by SIGSEGV' } : base.invoke(c)), close() {} };
}

/** The report without what timing and call counts change. */
function verdicts(report: ConformanceReport) {
  return report.properties.map((p) => ({ id: p.id, status: p.status, runs: p.runs, failure: p.failure }));
}

describe('batched calls to a plugin that takes batches', () => {
  it('a correct plugin: the same report as per-case calls, with almost every call batched', () => {
    const log = { batches: [] as number[], single: 0 };
    const batched = runConformance(batchingHandle(inProcessPlugin(vtdPlugin('seed'), 1000), () => false, log), { seed: SEED, numRuns: 100 });
    const perCase = runConformance(perCaseHandle(inProcessPlugin(vtdPlugin('seed'), 1000), () => false), { seed: SEED, numRuns: 100 });
    expect(batched.conformant).toBe(true);
    expect(verdicts(batched)).toEqual(verdicts(perCase));
    expect(batched.coverage).toEqual(perCase.coverage);
    expect(Math.max(...log.batches)).toBeGreaterThan(1);
    const batchedCalls = log.batches.reduce((a, b) => a + b, 0);
    // fc.sample foresaw the cases: the calls made one at a time are a small share
    expect(log.single).toBeLessThan(batchedCalls / 10);
  });

  it('a case that kills the process in mid-batch: the failure names that case, with the path and shrinks of a per-case run', () => {
    // type 3 (TEGRA241_CMDQV) kills the plugin; the batch reports every request from it on as crashed
    const poison = (c: Case) => c.device.caps.type === 3;
    const log = { batches: [] as number[], single: 0 };
    const batched = runConformance(batchingHandle(inProcessPlugin(vtdPlugin('seed'), 1000), poison, log), { seed: SEED, numRuns: 200 });
    const perCase = runConformance(perCaseHandle(inProcessPlugin(vtdPlugin('seed'), 1000), poison), { seed: SEED, numRuns: 200 });
    expect(batched.conformant).toBe(false);
    expect(verdicts(batched)).toEqual(verdicts(perCase));
    const failed = batched.properties.filter((p) => p.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const p of failed) {
      expect(p.failure?.summary).toContain('crashed');
      // the case shown is the one that kills the plugin, not a neighbour in its batch
      expect(p.failure?.cases.some((c) => (c.case as { device: { caps: { type: number } } }).device.caps.type === 3)).toBe(true);
    }
  });

  it('a replayed path calls the plugin case by case and finds the same counterexample', () => {
    const poison = (c: Case) => c.device.caps.type === 3;
    const log = { batches: [] as number[], single: 0 };
    const first = runConformance(batchingHandle(inProcessPlugin(vtdPlugin('seed'), 1000), poison, log), { seed: SEED, numRuns: 200, properties: ['table-equivalence'] });
    const failure = first.properties[0]?.failure;
    expect(failure?.path).toMatch(/^\d+(:\d+)*$/);
    const replayLog = { batches: [] as number[], single: 0 };
    const replay = runConformance(batchingHandle(inProcessPlugin(vtdPlugin('seed'), 1000), poison, replayLog), { seed: SEED, numRuns: 200, properties: ['table-equivalence'], path: failure?.path as string });
    expect(replay.properties[0]?.failure?.cases).toEqual(failure?.cases);
    expect(replayLog.batches).toEqual([]);
  });
});
