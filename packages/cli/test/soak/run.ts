/*
 * `pnpm soak`: the full soak, whose figures the README shows. Options: --calls N (per fast kind,
 * default 100000), --slow-calls N (per slow kind, default 5000), --runs N (cases per property per
 * conform run, default 2000), --seed S (the first seed, default 1).
 */
import { parseArgs } from 'node:util';
import { availableParallelism, cpus } from 'node:os';
import { SLOW, SLOW_LIMIT_MS, soak } from './soak.js';

const { values } = parseArgs({ options: { calls: { type: 'string' }, 'slow-calls': { type: 'string' }, runs: { type: 'string' }, seed: { type: 'string' } } });
const calls = Number(values.calls ?? 100_000);
const slowCalls = Number(values['slow-calls'] ?? 5_000);
const runs = Number(values.runs ?? 2_000);
const firstSeed = Number(values.seed ?? 1);

const log = (line: string) => process.stderr.write(`${line}\n`);
log(`soak: ${availableParallelism()} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, two busy loops beside it`);
const slow = (k: { timeLimitMs: number }) => k.timeLimitMs === SLOW_LIMIT_MS;
const result = await soak({ callsPerKind: (k) => (slow(k) ? slowCalls : calls), runs: (k) => (slow(k) ? Math.max(1, Math.round(runs / 20)) : runs), firstSeed, log });

const total = result.figures.reduce((n, f) => n + f.calls, 0);
process.stdout.write(`| plugin | conform runs | plugin calls | seconds |\n|---|---:|---:|---:|\n`);
for (const f of result.figures) process.stdout.write(`| ${f.kind} | ${f.runs} | ${f.calls.toLocaleString('en-US')} | ${f.seconds.toFixed(0)} |\n`);
process.stdout.write(`| **all** | ${result.figures.reduce((n, f) => n + f.runs, 0)} | ${total.toLocaleString('en-US')} | ${result.figures.reduce((n, f) => n + f.seconds, 0).toFixed(0)} |\n\n`);
process.stdout.write(`false verdicts: ${result.falseVerdicts.length} (slow calls take up to ${SLOW.to * 100}% of their limit)\n`);
for (const v of result.falseVerdicts) process.stdout.write(`  ${v.kind} · seed ${v.seed} · exit ${String(v.exitCode)}: ${v.detail}\n`);
process.exitCode = result.falseVerdicts.length === 0 ? 0 : 1;
