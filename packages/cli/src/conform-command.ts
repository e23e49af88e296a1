import { statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { PROFILES, hasVtdAccel, type ProfileId } from '@hiodkit/core';
import {
  conformanceRun,
  defaultSeed,
  formatReport,
  formatResolverReport,
  openIsolatedModule,
  openProcessPlugin,
  parseKnownFailureOption,
  type OpenedPlugin,
  type PluginHandle,
  type PluginInput,
  PROPERTY_IDS,
  RESOLVER_PROPERTY_IDS,
  type ResolverHandle,
  runConformance,
  runResolverConformance,
  SEED_MAX,
  SEED_MIN,
} from '@hiodkit/conformance';
import { STUB_PLUGINS } from '@hiodkit/stub';
import { VTD_PLUGINS } from '@hiodkit/vtd';
import { choiceOption, integerOption, parseOptions, splitCommandLine } from './args.js';
import { EXIT, UsageError } from './cli-error.js';
import { colourWanted, reportStyle } from './colour.js';
import { htmlReport } from './html-report.js';
import type { CliIo } from './io.js';
import { junitXml } from './junit.js';
import type { PluginRun, ResolverRun } from './plugin-run.js';
import { replayCommand } from './replay-command.js';
import { progressLine } from './progress.js';
import { expandPropertyGlobs } from './property-glob.js';

export const CONFORM_HELP = `Usage: hiodkit conform [--plugin FILE [--export NAME] | --exec "CMD ARGS"] [options]

Runs the conformance kit on a checker plugin and prints a report: a line per
property, the shrunk counterexample of each failure, row coverage and time.
With no plugin, runs it on the built-in checkers (vtd accel and stub) at every
profile, or at --profile; the stub exists from the seed on. A plugin whose
export or hello says kind "kconfig-resolver" is judged as a Kconfig resolver
against minikconf instead: ${RESOLVER_PROPERTY_IDS.join(', ')}.

  --plugin FILE       an ES module exporting a plugin (default export, or
                      "plugin", or --export NAME); runs in a worker thread;
                      a .ts module needs tsx on Node 20, or for TypeScript
                      Node 22.18+ cannot strip (npm install --save-dev tsx)
  --exec "CMD ARGS"   a program speaking the JSON-lines protocol (PROTOCOL.md)
  --builtin WHICH     all, vtd or stub (the default when no plugin is given)
  --profile P         ${PROFILES.join(', ')}; must match what the plugin declares
  --runs N            generated cases per property (default 200)
  --seed S            fast-check seed (default: HIODKIT_SEED, fixed under CI,
                      else random; always printed)
  --time-limit MS     per call (default 1000)
  --property ID       run only this property (repeatable); * matches any run
                      of characters, / included ('precedence/*'):
                      ${PROPERTY_IDS.join(', ')}
  --path PATH         replay one counterexample (with --seed and one --property)
  --known-failure ID[@SEED:PATH]
                      a property the plugin is known to fail (repeatable); with
                      the seed and path of its failure, that case is replayed
                      first: XFAIL while it fails, XPASS (exit 1) once it passes
  --json FILE         write the run as JSON, one document whatever the number
                      of plugins (@hiodkit/conformance schemas/run.schema.json)
  --junit FILE        write JUnit XML, a testsuite per plugin (checker or resolver)
  --html FILE         write one self-contained HTML page: the plugin x property
                      matrix, row coverage, each counterexample with QEMU's
                      outcome beside the plugin's and the command replaying it
  -h, --help          show this help

FILE may be - for stdout, for one of --json, --junit and --html; the report
then goes to stderr. The report is coloured on a terminal; NO_COLOR or TERM=dumb turn colour off,
FORCE_COLOR turns it on where the output is not a terminal.

Examples:
  hiodkit conform --plugin ./my-plugin.js
  hiodkit conform --exec "./my-plugin --fast" --runs 1000 --junit results.xml
  hiodkit conform --builtin vtd --profile relaxed --property 'precedence/*'
  hiodkit conform --plugin ./my-plugin.js --json - | jq .conformant
  hiodkit conform --plugin ./my-plugin.js --property table-equivalence \\
                  --seed 7 --path "12:0:3"       # replay one counterexample

Exit codes:
  0  conformant
  1  nonconformant (a property failed, or a known failure passed)
  2  bad usage or bad input, including a plugin that cannot be loaded, or an
     output file that cannot be written
  3  an internal error in hiodkit (please report it)`;

/** What a run target opens to: a checker's handle as runConformance takes it, or a resolver. */
const asTarget = (opened: OpenedPlugin): PluginHandle | { readonly resolver: ResolverHandle } => (opened.kind === 'checker' ? opened.handle : { resolver: opened.handle });

/** The run's options as a Kconfig resolver takes them; what only a checker has is refused before it runs. */
function resolverOptions(
  resolver: ResolverHandle,
  options: { readonly numRuns?: number; readonly seed: number; readonly timeLimitMs?: number; readonly path?: string; readonly knownFailures?: unknown },
  values: { readonly profile?: string | undefined; readonly property?: string[] | undefined },
  outputs: Record<'json' | 'junit' | 'html', Output | undefined>,
) {
  const refuse = (what: string) => {
    resolver.close();
    throw new UsageError(`${what}: ${JSON.stringify(resolver.name)} is a Kconfig resolver (its hello says kind "kconfig-resolver")`, 'conform');
  };
  if (values.profile !== undefined) refuse('--profile is a checker\'s QEMU revision');
  if (options.knownFailures !== undefined) refuse('--known-failure lists a checker\'s known failures');
  if (outputs.html !== undefined) refuse('--html reports checkers; write a resolver\'s run with --json or --junit');
  const { numRuns, seed, timeLimitMs, path } = options;
  return {
    seed,
    ...(numRuns !== undefined ? { numRuns } : {}),
    ...(timeLimitMs !== undefined ? { timeLimitMs } : {}),
    ...(path !== undefined ? { path } : {}),
    ...(values.property !== undefined ? { properties: expandPropertyGlobs(values.property, RESOLVER_PROPERTY_IDS) } : {}),
  };
}

/** Where an output goes: stdout for `-`, else a file whose path is resolved and refused before the run if it could not be written. */
type Output = { readonly option: string } & ({ readonly to: 'stdout' } | { readonly to: 'file'; readonly path: string });

function output(option: string, path: string | undefined, io: CliIo): Output | undefined {
  if (path === undefined) return undefined;
  if (path === '-') return { option, to: 'stdout' };
  return { option, to: 'file', path: outputPath(option, path, io) };
}

function outputPath(option: string, path: string, io: CliIo): string {
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

function write(out: Output, text: string, io: CliIo): void {
  if (out.to === 'stdout') return io.stdout(text);
  try {
    writeFileSync(out.path, text);
  } catch (e) {
    throw new UsageError(`${out.option} ${out.path}: cannot be written (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
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
        html: { type: 'string' },
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
  const outputs = { json: output('--json', values.json, io), junit: output('--junit', values.junit, io), html: output('--html', values.html, io) };
  const toStdout = Object.values(outputs).filter((o) => o?.to === 'stdout');
  if (toStdout.length > 1) throw new UsageError(`${toStdout.map((o) => `${o?.option} -`).join(' and ')}: only one output can go to stdout`, 'conform');
  // a document on stdout must stay parseable: the report moves to stderr, coloured by what stderr is
  const report = toStdout.length > 0 ? { write: io.stderr, isTTY: io.isTTY } : { write: io.stdout, isTTY: io.stdoutIsTTY };
  const style = reportStyle(colourWanted(io.env, report.isTTY));
  const timeLimitMs = integerOption('--time-limit', values['time-limit'], 1, 3_600_000);
  // the replay command names the runs itself (the failure's numRuns); the time limit is the run's own
  const runWords = values['time-limit'] !== undefined ? ['--time-limit', values['time-limit']] : [];
  const options = {
    ...(numRuns !== undefined ? { numRuns } : {}),
    seed,
    ...(timeLimitMs !== undefined ? { timeLimitMs } : {}),
    ...(values.path !== undefined ? { path: values.path } : {}),
    ...(values['known-failure'] !== undefined ? { knownFailures: values['known-failure'].map(parseKnownFailureOption) } : {}),
  };

  // globs expand against the IDs of the kind each plugin turns out to be
  const checkerOptions = () => ({ ...options, ...(values.property !== undefined ? { properties: expandPropertyGlobs(values.property) } : {}) });
  const targets: { label: string; input: () => PluginInput | { readonly resolver: ResolverHandle }; replay: readonly string[]; profile?: ProfileId }[] = [];
  if (values.plugin !== undefined) {
    const module = resolve(io.cwd, values.plugin);
    const replay = ['--plugin', values.plugin, ...(values.export !== undefined ? ['--export', values.export] : [])];
    // the export says which kind it is
    const opener = () => asTarget(openIsolatedModule({ module, ...(values.export !== undefined ? { export: values.export } : {}) }, { timeLimitMs: timeLimitMs ?? 1000 }));
    targets.push({ label: module, input: opener, replay });
  } else if (values.exec !== undefined) {
    const [command = '', ...args] = splitCommandLine(values.exec);
    // the hello says which kind it is
    const opener = () => asTarget(openProcessPlugin({ command, args, cwd: io.cwd }, { timeLimitMs: timeLimitMs ?? 1000 }));
    targets.push({ label: values.exec, input: opener, replay: ['--exec', values.exec] });
  } else {
    const which = builtin ?? 'all';
    for (const p of profile !== undefined ? [profile] : PROFILES) {
      if (which !== 'stub') targets.push({ label: VTD_PLUGINS[p].name, input: () => VTD_PLUGINS[p], replay: ['--builtin', 'vtd', '--profile', p], profile: p });
      // the stub exists only where CONFIG_VTD_ACCEL does
      if (which !== 'vtd' && hasVtdAccel(p)) targets.push({ label: STUB_PLUGINS[p].name, input: () => STUB_PLUGINS[p], replay: ['--builtin', 'stub', '--profile', p], profile: p });
    }
    if (targets.length === 0) throw new UsageError(`--builtin stub: profile ${profile ?? ''} predates CONFIG_VTD_ACCEL and its stub (added by the seed, cca621c7)`, 'conform');
  }

  const start = new Date();
  const runs: PluginRun[] = [];
  const resolverRuns: ResolverRun[] = [];
  for (const target of targets) {
    const progress = progressLine(io, target.label);
    const input = target.input();
    if ('resolver' in input) {
      const startedAt = new Date();
      let result;
      try {
        result = runResolverConformance(input.resolver, resolverOptions(input.resolver, options, values, outputs));
      } finally {
        progress.done();
        input.resolver.close();
      }
      resolverRuns.push({ report: result, startedAt });
      report.write(`${formatResolverReport(result, { style, replay: replayCommand([...target.replay, ...runWords]) })}\n\n`);
      continue;
    }
    const startedAt = new Date();
    let result;
    try {
      result = runConformance(input, { ...checkerOptions(), ...(profile !== undefined ? { profile } : {}), ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) });
    } finally {
      progress.done();
      // a handle opened here (--exec) is closed here; runConformance closes what it opens itself
      if (typeof (input as { close?: unknown }).close === 'function') (input as { close(): void }).close();
    }
    runs.push({ report: result, startedAt, replay: [...target.replay, ...runWords] });
    report.write(`${formatReport(result, { style, replay: replayCommand([...target.replay, ...runWords]) })}\n\n`);
  }
  const reports = [...runs.map((r) => r.report), ...resolverRuns.map((r) => r.report)];
  const run = conformanceRun(reports, { seed, start, end: new Date() });
  if (outputs.json) write(outputs.json, `${JSON.stringify(run, null, 2)}\n`, io);
  if (outputs.junit) write(outputs.junit, junitXml(runs, hostname(), resolverRuns), io);
  if (outputs.html) write(outputs.html, htmlReport(runs, run.runInfo), io);
  if (reports.length > 1) report.write(`${reports.filter((r) => r.conformant).length} of ${reports.length} plugins conformant\n`);
  return run.conformant ? EXIT.ok : EXIT.failed;
}
