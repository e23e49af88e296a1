import { hasVtdAccel, isProfileId, PROFILES, type ProfileId } from '@hiodkit/core';
import { reachableRows } from '../arbitraries/cases.js';
import { inProcessPlugin, type PluginHandle, type PluginWithKnownFailures } from '../plugins/invocation.js';
import { isolatedPlugin } from '../plugins/isolate.js';
import { buildsLinking } from '../oracle/kconfig-builds.js';
import { pluginShapeProblems, type PluginModule } from '../plugins/plugin-module.js';
import { PROPERTY_SPECS } from '../properties/catalog.js';
import { PROPERTY_IDS, isPropertyId, type PropertyContext, type PropertyId } from '../properties/property.js';
import { loadReferenceTable } from '../oracle/reference.js';
import { KitError } from '../oracle/realize.js';
import { schemaProblems } from '../schemas.js';
import type { ConformanceReport, PropertyResult } from './report.js';
import type { KnownFailureEntry } from '../plugins/known-failures.js';
import { ConformanceConfigError } from './config-error.js';
import { resolveKnownFailures } from './known-failure.js';
import { runProperty, type PropertyRun } from './run-property.js';
import { KIT_NAME, KIT_VERSION } from '../version.js';

export interface ConformanceOptions {
  /** Must match the plugin's declared profile when given. */
  readonly profile?: ProfileId;
  /** Generated cases per property (default 200). */
  readonly numRuns?: number;
  /** fast-check seed; default: HIODKIT_SEED, else a fixed seed under CI, else random. */
  readonly seed?: number;
  /** Per call (default 1000 ms); enforced by cutting the call off for module plugins. */
  readonly timeLimitMs?: number;
  /** Run only these properties. */
  readonly properties?: readonly string[];
  /** Replay one counterexample: fast-check's path, with the seed and a single property. */
  readonly path?: string;
  /** Properties the plugin is known to fail, added to its own `knownFailures`. */
  readonly knownFailures?: readonly KnownFailureEntry[];
  /** Timeouts and crashes tolerated while shrinking a property's counterexample before it stops calling the plugin (default 2): each costs a restart. */
  readonly timeoutBudget?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export type ProgressEvent =
  | { readonly kind: 'start'; readonly property: string; readonly index: number; readonly total: number }
  | { readonly kind: 'done'; readonly result: PropertyResult; readonly index: number; readonly total: number };

/** A plugin object (runs in this thread), a module to load in a worker, or an already open handle. */
export type PluginInput = PluginWithKnownFailures | PluginModule | PluginHandle;


export const DEFAULT_CI_SEED = 0x5eed;

/** The seeds fast-check takes, and so --seed and HIODKIT_SEED: a signed 32-bit integer. */
export const SEED_MIN = -0x8000_0000;
export const SEED_MAX = 0x7fff_ffff;

/** HIODKIT_SEED when set (decimal digits in SEED_MIN..SEED_MAX, as --seed), a fixed seed when CI is set, otherwise a fresh random one. */
export function defaultSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env['HIODKIT_SEED'];
  if (given !== undefined && given !== '') {
    if (!/^-?\d+$/.test(given)) throw new ConformanceConfigError(`HIODKIT_SEED: expected an integer, got ${JSON.stringify(given)}`);
    const n = Number(given);
    if (n < SEED_MIN || n > SEED_MAX) throw new ConformanceConfigError(`HIODKIT_SEED: ${given} is outside ${SEED_MIN}..${SEED_MAX}`);
    return n;
  }
  if (env['CI'] !== undefined && env['CI'] !== '' && env['CI'] !== 'false') return DEFAULT_CI_SEED;
  return (Math.random() * 0x7fffffff) | 0;
}

function isHandle(input: PluginInput): input is PluginHandle {
  return typeof (input as PluginHandle).invoke === 'function';
}

function isModule(input: PluginInput): input is PluginModule {
  return (input as PluginModule).module !== undefined && typeof (input as { check?: unknown }).check !== 'function';
}

/** Opens a plugin for calling: objects in-process, modules in a worker. */
export function openPlugin(input: PluginInput, timeLimitMs: number): PluginHandle {
  if (isHandle(input)) return input;
  if (isModule(input)) return isolatedPlugin(input, { timeLimitMs });
  return inProcessPlugin(input, timeLimitMs);
}

function checkIds(ids: readonly string[], where: string): PropertyId[] {
  const unknown = ids.filter((id) => !isPropertyId(id));
  if (unknown.length > 0) throw new ConformanceConfigError(`${where}: unknown property ID ${unknown.map((u) => JSON.stringify(u)).join(', ')} (known: ${PROPERTY_IDS.join(', ')})`);
  return ids as PropertyId[];
}

/** Checks the options and the plugin's declaration; throws ConformanceConfigError on a mistake. */
export function resolveRun(handle: PluginHandle, options: ConformanceOptions) {
  const declared = handle.declaration.profile;
  if (!isProfileId(declared)) throw new ConformanceConfigError(`the plugin declares profile ${JSON.stringify(declared)}; the kit knows ${PROFILES.join(', ')}`);
  if (options.profile !== undefined && !isProfileId(options.profile)) {
    throw new ConformanceConfigError(`unknown profile ${JSON.stringify(options.profile)} (known: ${PROFILES.join(', ')})`);
  }
  if (options.profile !== undefined && options.profile !== declared) {
    throw new ConformanceConfigError(`the plugin declares profile ${declared}, but the run asks for ${options.profile}`);
  }
  // a handle opened elsewhere (a process's hello, a worker's export) is held to what an object is held to
  const shape = pluginShapeProblems({ name: handle.name, implements: handle.declaration, check: handle.invoke });
  if (shape.length > 0) throw new ConformanceConfigError(`plugin ${JSON.stringify(handle.name)}: ${shape.join('; ')}`);
  if (!hasVtdAccel(declared) && !handle.declaration.kconfig.VTD_ACCEL) {
    throw new ConformanceConfigError(`the plugin declares CONFIG_VTD_ACCEL=n at profile ${declared}, which predates CONFIG_VTD_ACCEL and its stub (added by the seed, cca621c7): every build of it links the one check, so declare VTD_ACCEL true`);
  }
  const known = resolveKnownFailures([
    { entries: handle.knownFailures, where: `plugin ${handle.name}: knownFailures` },
    { entries: options.knownFailures ?? [], where: 'knownFailures' },
  ]);
  const only = options.properties === undefined ? undefined : new Set(checkIds(options.properties, 'properties'));
  if (options.path !== undefined && (only === undefined || only.size !== 1)) throw new ConformanceConfigError('a replay path needs exactly one property');
  if (options.path !== undefined && options.seed === undefined) throw new ConformanceConfigError('a replay path needs the seed it was found with');
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) throw new ConformanceConfigError(`seed must be an integer, got ${String(options.seed)}`);
  const numRuns = options.numRuns ?? 200;
  if (!Number.isSafeInteger(numRuns) || numRuns < 1) throw new ConformanceConfigError(`numRuns must be a positive integer, got ${numRuns}`);
  const timeLimitMs = options.timeLimitMs ?? 1000;
  if (!(timeLimitMs > 0)) throw new ConformanceConfigError(`timeLimitMs must be positive, got ${timeLimitMs}`);
  return { profile: declared, known, only, numRuns, timeLimitMs, seed: options.seed ?? defaultSeed() };
}

/** What runProperty needs from a resolved run for one property. */
export function propertyRun(run: ReturnType<typeof resolveRun>, id: PropertyId, path: string | undefined): PropertyRun {
  const known = run.known.get(id);
  return { seed: run.seed, numRuns: run.numRuns, ...(path !== undefined ? { path } : {}), ...(known ? { known } : {}) };
}

/**
 * Runs the kit on a plugin and returns the report. Nothing the plugin does (throw, hang, garbage,
 * mutation) escapes as an exception; a mistake in the options throws ConformanceConfigError.
 */
export function runConformance(input: PluginInput, options: ConformanceOptions = {}): ConformanceReport {
  const start = performance.now();
  const timeLimitMs = options.timeLimitMs ?? 1000;
  const handle = openPlugin(input, timeLimitMs);
  try {
    const run = resolveRun(handle, options);
    const table = loadReferenceTable(run.profile);
    const ctx: PropertyContext = {
      profile: run.profile,
      table,
      plugin: handle,
      declaration: handle.declaration,
      rowHits: new Map(),
      timeouts: 0,
      calls: 0,
      timeoutBudget: options.timeoutBudget ?? 2,
    };
    const specs = PROPERTY_SPECS.filter((s) => run.only === undefined || run.only.has(s.id));
    const results: PropertyResult[] = [];
    specs.forEach((spec, index) => {
      options.onProgress?.({ kind: 'start', property: spec.id, index, total: specs.length });
      const result = runProperty(spec, ctx, propertyRun(run, spec.id, options.path));
      results.push(result);
      options.onProgress?.({ kind: 'done', result, index, total: specs.length });
    });
    const reachable = new Set(reachableRows(table, handle.declaration).map((r) => r.id));
    const cases = [...ctx.rowHits.values()].reduce((a, b) => a + b, 0);
    const coverage = results.some((r) => r.id === 'table-equivalence' && r.status !== 'not-applicable')
      ? { cases, rows: table.rows.map((r) => ({ id: r.id, spec: r.spec, hits: ctx.rowHits.get(r.id) ?? 0, share: cases === 0 ? 0 : (ctx.rowHits.get(r.id) ?? 0) / cases, reachable: reachable.has(r.id) })) }
      : null;
    const report: ConformanceReport = {
      kit: { name: KIT_NAME, version: KIT_VERSION },
      plugin: { name: handle.name, isolation: handle.isolation, implements: handle.declaration, knownFailures: [...run.known.keys()] },
      profile: run.profile,
      table: { file: `reference/${run.profile}.json`, qemuCommit: table.qemuCommit, rows: table.rows.length },
      options: { seed: run.seed, numRuns: run.numRuns, timeLimitMs: run.timeLimitMs },
      conformant: results.every((r) => r.status !== 'failed' && r.status !== 'unexpected-pass'),
      properties: results,
      coverage,
      // before the seed no Kconfig symbol chooses the checker
      builds: hasVtdAccel(run.profile) ? buildsLinking(handle.declaration).map((b) => b.label) : [],
      durationMs: performance.now() - start,
    };
    // the kit's own promise to every reader of a report: it is valid by schemas/report.schema.json
    const problems = schemaProblems('report.schema.json', JSON.parse(JSON.stringify(report)), 'report');
    if (problems.length > 0) throw new KitError(`the report of ${handle.name} is not valid by schemas/report.schema.json: ${problems.join('; ')}`);
    return report;
  } finally {
    if (!isHandle(input)) handle.close();
  }
}
