// Calls per second of the seed checker in this thread, and of plugin processes (the C example and
// a plain-JS plugin) called one case per round trip and in batches (invokeBatch). Printed as a
// table (each figure the best of a few rounds) and as vitest bench rows. The second table is whole
// conform runs (every property, 200 cases each): with batching, as runConformance does, and with
// invokeBatch hidden, one call at a time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, bench, describe } from 'vitest';
import { vtdPlugin } from '@hiodkit/vtd';
import { defaultCaseArb, inProcessPlugin, loadReferenceTable, processPlugin, runConformance, type Case, type PluginHandle, type ProcessPluginHandle } from '../src/index.js';

const CASES = 512;
const BATCH = 64;
const ROUNDS = 5;

const dir = mkdtempSync(join(tmpdir(), 'hiodkit-bench-'));
const cPlugin = join(dir, 'plugin');
const cc = spawnSync('cc', ['-std=c11', '-O2', '-o', cPlugin, fileURLToPath(new URL('../../../examples/c-plugin/plugin.c', import.meta.url))], { encoding: 'utf8' });
if (cc.status !== 0) throw new Error(`the throughput bench needs cc: ${cc.stderr}`);
const jsPlugin = fileURLToPath(new URL('./js-plugin.mjs', import.meta.url));

const vtd = vtdPlugin('seed');
const cases: Case[] = fc.sample(defaultCaseArb(loadReferenceTable('seed'), vtd.implements), { seed: 1, numRuns: CASES });

const inProcess = inProcessPlugin(vtd, 1000);
const processes: Record<string, ProcessPluginHandle> = {
  'C example': processPlugin({ command: cPlugin }, { timeLimitMs: 1000 }),
  'JS plugin (node)': processPlugin({ command: process.execPath, args: [jsPlugin] }, { timeLimitMs: 1000 }),
};
afterAll(() => {
  for (const p of Object.values(processes)) p.close();
});

function perCase(h: PluginHandle): void {
  for (const c of cases) if (h.invoke(c).kind !== 'outcome') throw new Error(`${h.name}: a call failed`);
}
function batched(h: ProcessPluginHandle): void {
  for (let i = 0; i < cases.length; i += BATCH) for (const r of h.invokeBatch(cases.slice(i, i + BATCH))) if (r.kind !== 'outcome') throw new Error(`${h.name}: a call failed`);
}
/** calls per second, the best of ROUNDS rounds of all the cases */
function rate(work: () => void): number {
  work();
  let best = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    work();
    best = Math.min(best, performance.now() - start);
  }
  return (cases.length / best) * 1000;
}
/** A handle without invokeBatch: runConformance calls it one case at a time. */
function oneAtATime(h: ProcessPluginHandle): PluginHandle {
  return { name: h.name, declaration: h.declaration, knownFailures: h.knownFailures, isolation: h.isolation, invoke: (c) => h.invoke(c), close() {} };
}
function conformRate(h: PluginHandle): number {
  const start = performance.now();
  const report = runConformance(h, { seed: 7, numRuns: 200 });
  const ms = performance.now() - start;
  if (!report.conformant) throw new Error(`${h.name} is not conformant`);
  return (report.properties.reduce((n, p) => n + p.calls, 0) / ms) * 1000;
}

const base = rate(() => perCase(inProcess));
const rows = [`| in-process (vtd, this thread) | ${base.toFixed(0)} | | 100% |`];
for (const [name, h] of Object.entries(processes)) {
  const one = rate(() => perCase(h));
  const many = rate(() => batched(h));
  rows.push(`| ${name}, one case per round trip | ${one.toFixed(0)} | | ${((one / base) * 100).toFixed(1)}% |`);
  rows.push(`| ${name}, batches of ${BATCH} (invokeBatch) | ${many.toFixed(0)} | ${(many / one).toFixed(1)}× | ${((many / base) * 100).toFixed(1)}% |`);
}
conformRate(inProcess); // warm-up: the first run pays for JIT compilation of the properties
const conformIn = conformRate(inProcess);
const conformRows = [`| in-process (vtd) | ${conformIn.toFixed(0)} | 100% |`];
for (const [name, h] of Object.entries(processes)) {
  const one = conformRate(oneAtATime(h));
  const many = conformRate(h);
  conformRows.push(`| ${name}, one case at a time | ${one.toFixed(0)} | ${((one / conformIn) * 100).toFixed(1)}% |`);
  conformRows.push(`| ${name}, batched | ${many.toFixed(0)} | ${((many / conformIn) * 100).toFixed(1)}% |`);
}
console.log(
  [
    `\nplugin calls per second, ${CASES} seed-profile cases, best of ${ROUNDS} rounds:`,
    '| plugin | calls/s | vs per-case | vs in-process |',
    '|---|---:|---:|---:|',
    ...rows,
    `\nwhole conform runs (every property, 200 cases, seed 7), plugin calls per second of the run:`,
    '| plugin | calls/s | vs in-process |',
    '|---|---:|---:|',
    ...conformRows,
  ].join('\n'),
);

describe(`${CASES} calls`, () => {
  bench('in-process', () => perCase(inProcess));
  for (const [name, h] of Object.entries(processes)) {
    bench(`${name}, per case`, () => perCase(h), { iterations: 5 });
    bench(`${name}, batched`, () => batched(h), { iterations: 5 });
  }
});
