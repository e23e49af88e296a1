/*
 * The soak: correct plugins run through `hiodkit conform` again and again while two busy loops
 * keep both CPUs of a small machine occupied, and every verdict that is not CONFORMANT counts as
 * false. Used by soak.test.ts (bounded) and by `pnpm soak` (run.ts, the README's figure).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPackages } from '../../../../test/support/built-packages.js';
import { BIN, CLI_DIR } from '../helpers.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/soak/', import.meta.url));
const C_SOURCE = fileURLToPath(new URL('../../../../examples/c-plugin/plugin.c', import.meta.url));

/** A correct plugin as the soak runs it: `conform` arguments that name it, and its per-call time limit. */
export interface SoakKind {
  readonly name: string;
  readonly plugin: (cPlugin: string) => readonly string[];
  readonly timeLimitMs: number;
  readonly env?: Readonly<Record<string, string>>;
}

/** The slow kinds' time limit, and the calls that are slow: a quarter of them take 30–60% of it. */
export const SLOW_LIMIT_MS = 500;
export const SLOW = { share: 0.25, from: 0.3, to: 0.6 } as const;
const slowSpec = `${SLOW.share}:${SLOW.from * SLOW_LIMIT_MS}:${SLOW.to * SLOW_LIMIT_MS}`;
const slowName = `${SLOW.share * 100}% of calls take ${SLOW.from * SLOW_LIMIT_MS}–${SLOW.to * SLOW_LIMIT_MS} ms, limit ${SLOW_LIMIT_MS} ms`;

export const SOAK_KINDS: readonly SoakKind[] = [
  { name: 'C example (--exec)', plugin: (c) => ['--exec', c], timeLimitMs: 1000 },
  { name: 'C example, blank lines between answers (--exec)', plugin: (c) => ['--exec', `${process.execPath} ${join(FIXTURES, 'relay.mjs')} --blank -- ${c}`], timeLimitMs: 1000 },
  { name: 'module plugin (--plugin, worker)', plugin: () => ['--plugin', join(FIXTURES, 'slow-plugin.ts')], timeLimitMs: 1000 },
  { name: `slow C example: ${slowName} (--exec)`, plugin: (c) => ['--exec', `${process.execPath} ${join(FIXTURES, 'relay.mjs')} --delay ${slowSpec} -- ${c}`], timeLimitMs: SLOW_LIMIT_MS },
  { name: `slow module plugin: ${slowName} (--plugin)`, plugin: () => ['--plugin', join(FIXTURES, 'slow-plugin.ts')], timeLimitMs: SLOW_LIMIT_MS, env: { HIODKIT_SOAK_DELAY: slowSpec } },
];

export interface FalseVerdict {
  readonly kind: string;
  readonly seed: number;
  readonly exitCode: number | null;
  readonly detail: string;
}

export interface KindFigure {
  readonly kind: string;
  readonly runs: number;
  readonly calls: number;
  readonly seconds: number;
}

export interface SoakResult {
  readonly figures: readonly KindFigure[];
  readonly falseVerdicts: readonly FalseVerdict[];
}

interface ReportJson {
  readonly conformant: boolean;
  readonly properties: readonly { readonly id: string; readonly status: string; readonly calls: number; readonly failure?: { readonly summary: string } }[];
}

/** Spins until killed, or until the process that started it is gone, so that a crashed soak leaves no load behind. */
const BUSY_LOOP = `const parent = Number(process.argv[1]);
for (let i = 1; ; i++) if (i % 5e7 === 0) { try { process.kill(parent, 0); } catch { process.exit(0); } }`;

/** Processes that spin: a machine with no CPU to spare. */
function busyLoops(count: number): ChildProcess[] {
  return Array.from({ length: count }, () => spawn(process.execPath, ['-e', BUSY_LOOP, String(process.pid)], { stdio: 'ignore' }));
}

function run(args: readonly string[], env: Readonly<Record<string, string>>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: CLI_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs each kind until it has made `callsPerKind` plugin calls (`runs` cases per property per
 * conform run, seeds counting up from `firstSeed`), under busy loops (two unless told).
 */
export async function soak(options: {
  readonly callsPerKind: (kind: SoakKind) => number;
  readonly runs: (kind: SoakKind) => number;
  readonly firstSeed: number;
  readonly log?: (line: string) => void;
  /** run the kinds at the same time (the bounded soak: more load, less wall time); default one after another */
  readonly concurrent?: boolean;
  /** how many busy loops spin beside it (default 2) */
  readonly busyLoops?: number;
}): Promise<SoakResult> {
  // hiodkit as it ships: `pnpm soak` runs outside vitest, whose setup builds it for the tests
  buildPackages();
  const dir = mkdtempSync(join(tmpdir(), 'hiodkit-soak-'));
  const cPlugin = join(dir, 'plugin');
  const cc = spawnSync('cc', ['-std=c11', '-O2', '-o', cPlugin, C_SOURCE], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`the soak needs a C compiler on PATH as cc: ${cc.error?.message ?? cc.stderr}`);
  const load = busyLoops(options.busyLoops ?? 2);
  const figures: KindFigure[] = [];
  const falseVerdicts: FalseVerdict[] = [];
  // one after another, each kind's seeds follow the last kind's, as the full soak has always counted them
  let nextSeed = options.firstSeed;
  const soakKind = async (kind: SoakKind, firstSeed: number): Promise<void> => {
    let seed = firstSeed;
    const start = performance.now();
    let calls = 0;
    let runs = 0;
    while (calls < options.callsPerKind(kind)) {
      const json = join(dir, `report-${seed}.json`);
      const args = ['conform', ...kind.plugin(cPlugin), '--runs', String(options.runs(kind)), '--seed', String(seed), '--time-limit', String(kind.timeLimitMs), '--json', json];
      const r = await run(args, kind.env ?? {});
      runs++;
      let report: ReportJson | undefined;
      try {
        // the run document of one plugin: its report is the first and only one
        report = (JSON.parse(readFileSync(json, 'utf8')) as { readonly reports: readonly ReportJson[] }).reports[0];
      } catch {
        report = undefined;
      }
      const failed = report?.properties.filter((p) => p.status !== 'passed' && p.status !== 'not-applicable') ?? [];
      calls += report?.properties.reduce((n, p) => n + p.calls, 0) ?? 0;
      if (r.code !== 0 || report === undefined || !report.conformant || failed.length > 0) {
        const detail = failed.map((p) => `${p.id}: ${p.failure?.summary ?? p.status}`).join('; ') || r.stderr.trim() || r.stdout.trim().split('\n').slice(-3).join(' / ');
        falseVerdicts.push({ kind: kind.name, seed, exitCode: r.code, detail });
        options.log?.(`FALSE VERDICT · ${kind.name} · hiodkit ${args.join(' ')} → exit ${String(r.code)}: ${detail}`);
      }
      seed++;
    }
    const seconds = (performance.now() - start) / 1000;
    figures.push({ kind: kind.name, runs, calls, seconds });
    options.log?.(`${kind.name}: ${calls} calls in ${runs} runs, ${seconds.toFixed(0)} s`);
    nextSeed = Math.max(nextSeed, seed);
  };
  try {
    if (options.concurrent === true) {
      // seeds apart by a million per kind: no two kinds share one
      await Promise.all(SOAK_KINDS.map((kind, i) => soakKind(kind, options.firstSeed + i * 1_000_000)));
      figures.sort((a, b) => SOAK_KINDS.findIndex((k) => k.name === a.kind) - SOAK_KINDS.findIndex((k) => k.name === b.kind));
    } else for (const kind of SOAK_KINDS) await soakKind(kind, nextSeed);
  } finally {
    for (const l of load) l.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  return { figures, falseVerdicts };
}
