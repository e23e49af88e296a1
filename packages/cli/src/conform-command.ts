import { statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PROFILES, hasVtdAccel, type ProfileId } from '@hiodkit/core';
import { type ConformanceReport, defaultSeed, formatReport, parseKnownFailureOption, type PluginInput, processPlugin, PROPERTY_IDS, type ReplayFormatter, runConformance, SEED_MAX, SEED_MIN } from '@hiodkit/conformance';
import { STUB_PLUGINS } from '@hiodkit/stub';
import { VTD_PLUGINS } from '@hiodkit/vtd';
import { choiceOption, integerOption, parseOptions, splitCommandLine } from './args.js';
import { EXIT, UsageError } from './cli-error.js';
import type { CliIo } from './io.js';
import { progressLine } from './progress.js';
import { junitXml } from './junit.js';

export const CONFORM_HELP = `Usage: hiodkit conform [--plugin FILE [--export NAME] | --exec "CMD ARGS"] [options]

Runs the conformance kit on a checker plugin and prints a report: a line per
property, the shrunk counterexample of each failure, row coverage and time.
With no plugin, runs it on the built-in checkers (vtd accel and stub) at every
profile, or at --profile; the stub exists from the seed on.

  --plugin FILE       an ES module exporting a plugin (default export, or
                      "plugin", or --export NAME); runs in a worker thread;
                      a .ts module needs tsx (npm install --save-dev tsx)
  --exec "CMD ARGS"   a program speaking the JSON-lines protocol (PROTOCOL.md)
  --builtin WHICH     all, vtd or stub (the default when no plugin is given)
  --profile P         ${PROFILES.join(', ')}; must match what the plugin declares
  --runs N            generated cases per property (default 200)
  --seed S            fast-check seed (default: HIODKIT_SEED, fixed under CI,
                      else random; always printed)
  --time-limit MS     per call (default 1000)
  --property ID       run only this property (repeatable):
                      ${PROPERTY_IDS.join(', ')}
  --path PATH         replay one counterexample (with --seed and one --property)
  --known-failure ID[@SEED:PATH]
                      a property the plugin is known to fail (repeatable); with
                      the seed and path of its failure, that case is replayed
                      first: XFAIL while it fails, XPASS (exit 1) once it passes
  --json FILE         write the report(s) as JSON (schemas/report.schema.json)
  --junit FILE        write JUnit XML
  -h, --help          show this help

Exit codes: 0 conformant, 1 nonconformant, 2 bad usage or bad input
(including a plugin that cannot be loaded).`;

/** An output file's path, resolved, refused before the run if it could not be written. */
function outputPath(option: string, path: string | undefined, io: CliIo): string | undefined {
  if (path === undefined) return undefined;
  const full = resolve(io.cwd, path);
  let dir;
  try {
    dir = statSync(dirname(full));
  } catch {
    throw new UsageError(`${option} ${path}: cannot be written: its directory ${dirname(full)} does not exist (ENOENT)`);
  }
  if (!dir.isDirectory()) throw new UsageError(`${option} ${path}: cannot be written: ${dirname(full)} is not a directory (ENOTDIR)`);
  try {
    if (statSync(full).isDirectory()) throw new UsageError(`${option} ${path}: cannot be written: it is a directory (EISDIR)`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
  }
  return full;
}

function write(option: string, path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new UsageError(`${option} ${path}: cannot be written (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** An argument as a POSIX shell reads it back: bare when it is plain, else in single quotes. */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The whole command that replays a failure, to paste into a shell. */
function replayCommand(pluginArgs: readonly string[], timeLimitMs: number | undefined): ReplayFormatter {
  return (r) =>
    ['hiodkit', 'conform', ...pluginArgs, '--property', r.property, '--seed', String(r.seed), '--runs', String(r.numRuns), ...(timeLimitMs !== undefined ? ['--time-limit', String(timeLimitMs)] : []), '--path', r.path]
      .map(shellWord)
      .join(' ');
}

export function conformCommand(argv: readonly string[], io: CliIo): number {
  const { values } = parseOptions(
    'conform',
    {
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        plugin: { type: 'string' },
        export: { type: 'string' },
        exec: { type: 'string' },
        builtin: { type: 'string' },
        profile: { type: 'string' },
        runs: { type: 'string' },
        seed: { type: 'string' },
        'time-limit': { type: 'string' },
        property: { type: 'string', multiple: true },
        path: { type: 'string' },
        'known-failure': { type: 'string', multiple: true },
        json: { type: 'string' },
        junit: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
  );
  if (values.help) {
    io.stdout(`${CONFORM_HELP}\n`);
    return EXIT.ok;
  }
  const sources = [values.plugin, values.exec, values.builtin].filter((v) => v !== undefined);
  if (sources.length > 1) throw new UsageError('give one of --plugin, --exec and --builtin', 'conform');
  if (values.export !== undefined && values.plugin === undefined) throw new UsageError('--export names an export of --plugin', 'conform');
  const profile = choiceOption('--profile', values.profile, PROFILES);
  const builtin = choiceOption('--builtin', values.builtin, ['all', 'vtd', 'stub'] as const);
  const numRuns = integerOption('--runs', values.runs, 1, 1_000_000);
  if (values.path !== undefined && values.seed === undefined) throw new UsageError('a replay path needs the seed it was found with: pass --seed too', 'conform');
  const seed = integerOption('--seed', values.seed, SEED_MIN, SEED_MAX) ?? defaultSeed(io.env);
  const jsonPath = outputPath('--json', values.json, io);
  const junitPath = outputPath('--junit', values.junit, io);
  const timeLimitMs = integerOption('--time-limit', values['time-limit'], 1, 3_600_000);
  const options = {
    ...(numRuns !== undefined ? { numRuns } : {}),
    seed,
    ...(timeLimitMs !== undefined ? { timeLimitMs } : {}),
    ...(values.property !== undefined ? { properties: values.property } : {}),
    ...(values.path !== undefined ? { path: values.path } : {}),
    ...(values['known-failure'] !== undefined ? { knownFailures: values['known-failure'].map(parseKnownFailureOption) } : {}),
  };

  /** `args`: the options that name the plugin again, for the replay command a failure prints. */
  const targets: { label: string; input: () => PluginInput; profile?: ProfileId; args: readonly string[] }[] = [];
  if (values.plugin !== undefined) {
    const module = resolve(io.cwd, values.plugin);
    const args = ['--plugin', values.plugin, ...(values.export !== undefined ? ['--export', values.export] : [])];
    targets.push({ label: module, input: () => ({ module, ...(values.export !== undefined ? { export: values.export } : {}) }), args });
  } else if (values.exec !== undefined) {
    const [command = '', ...args] = splitCommandLine(values.exec);
    targets.push({ label: values.exec, input: () => processPlugin({ command, args, cwd: io.cwd }, { timeLimitMs: timeLimitMs ?? 1000 }), args: ['--exec', values.exec] });
  } else {
    const which = builtin ?? 'all';
    for (const p of profile !== undefined ? [profile] : PROFILES) {
      if (which !== 'stub') targets.push({ label: VTD_PLUGINS[p].name, input: () => VTD_PLUGINS[p], profile: p, args: ['--builtin', 'vtd', '--profile', p] });
      // the stub exists only where CONFIG_VTD_ACCEL does
      if (which !== 'vtd' && hasVtdAccel(p)) targets.push({ label: STUB_PLUGINS[p].name, input: () => STUB_PLUGINS[p], profile: p, args: ['--builtin', 'stub', '--profile', p] });
    }
    if (targets.length === 0) throw new UsageError(`--builtin stub: profile ${profile ?? ''} predates CONFIG_VTD_ACCEL and its stub (added by the seed, cca621c7)`, 'conform');
  }

  const reports: ConformanceReport[] = [];
  for (const target of targets) {
    const progress = progressLine(io, target.label);
    const input = target.input();
    try {
      reports.push(runConformance(input, { ...options, ...(profile !== undefined ? { profile } : {}), ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) }));
    } finally {
      progress.done();
      // a handle opened here (--exec) is closed here; runConformance closes what it opens itself
      if (typeof (input as { close?: unknown }).close === 'function') (input as { close(): void }).close();
    }
    io.stdout(`${formatReport(reports[reports.length - 1] as ConformanceReport, { replay: replayCommand(target.args, timeLimitMs) })}\n\n`);
  }
  if (jsonPath !== undefined) write('--json', jsonPath, `${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
  if (junitPath !== undefined) write('--junit', junitPath, junitXml(reports));
  const conformant = reports.every((r) => r.conformant);
  if (reports.length > 1) io.stdout(`${reports.filter((r) => r.conformant).length} of ${reports.length} plugins conformant\n`);
  return conformant ? EXIT.ok : EXIT.failed;
}
