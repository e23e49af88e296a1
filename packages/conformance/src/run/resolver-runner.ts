import fc from 'fast-check';
import type { KconfigResolverPlugin } from '@hiodkit/core';
import { KitError } from '../oracle/realize.js';
import { isolatedResolver } from '../plugins/isolate.js';
import type { PluginModule } from '../plugins/plugin-module.js';
import { inProcessResolver, resolverShapeProblems, type ResolverHandle } from '../plugins/resolver-invocation.js';
import { RESOLVER_PROPERTY_SPECS } from '../properties/kconfig-resolver/catalog.js';
import { RESOLVER_PROPERTY_IDS, isResolverPropertyId, type LabelledInput, type ResolverContext, type ResolverPropertySpec } from '../properties/kconfig-resolver/resolver-property.js';
import { Violation } from '../properties/property.js';
import { schemaProblems } from '../schemas.js';
import { KIT_NAME, KIT_VERSION } from '../version.js';
import { ConformanceConfigError } from './config-error.js';
import { withDefaultFastCheckSettings } from './fast-check-settings.js';
import { checkReplayPath } from './replay-path.js';
import type { ResolverPropertyResult, ResolverReport } from './resolver-report.js';
import { defaultSeed } from './runner.js';

export interface ResolverConformanceOptions {
  /** Generated inputs per property (default 200). */
  readonly numRuns?: number;
  /** fast-check seed; default as runConformance's. */
  readonly seed?: number;
  /** Per call (default 1000 ms). */
  readonly timeLimitMs?: number;
  /** Run only these resolver properties. */
  readonly properties?: readonly string[];
  /** Replay one counterexample: fast-check's path, with the seed and a single property. */
  readonly path?: string;
  /** Timeouts and crashes tolerated while shrinking before the kit stops calling the resolver (default 2): each costs a restart. */
  readonly timeoutBudget?: number;
  readonly onProgress?: (event: ResolverProgressEvent) => void;
}

export type ResolverProgressEvent =
  | { readonly kind: 'start'; readonly property: string; readonly index: number; readonly total: number }
  | { readonly kind: 'done'; readonly result: ResolverPropertyResult; readonly index: number; readonly total: number };

/** A resolver object (runs in this thread), a module to load in a worker, or an already open handle (a process, a worker). */
export type ResolverInput = KconfigResolverPlugin | PluginModule | ResolverHandle;

function isHandle(input: ResolverInput): input is ResolverHandle {
  return typeof (input as ResolverHandle).invoke === 'function';
}

function isModule(input: ResolverInput): input is PluginModule {
  return (input as PluginModule).module !== undefined && typeof (input as { resolve?: unknown }).resolve !== 'function';
}

function notAViolation(spec: ResolverPropertySpec, seed: number, error: unknown): KitError {
  const what = error instanceof Error ? `${error.name}: ${error.message}` : `a thrown ${error === null ? 'null' : typeof error}`;
  return new KitError(`property ${spec.id} (seed ${seed}) failed with ${what}, which is not a property violation: a bug in the kit`, { cause: error });
}

/** Runs one resolver property against an open resolver. */
export function runResolverProperty(spec: ResolverPropertySpec, ctx: ResolverContext, run: { readonly seed: number; readonly numRuns: number; readonly path?: string }): ResolverPropertyResult {
  return withDefaultFastCheckSettings(() => {
    ctx.calls = 0;
    ctx.timeouts = 0;
    const start = performance.now();
    const examples = (spec.examples?.() ?? []).map((e) => [e] as [LabelledInput]);
    const property = fc.property(spec.arbitrary(), (value) => spec.check(ctx, value));
    const params = { seed: run.seed, numRuns: run.numRuns, examples };
    let details: fc.RunDetails<[LabelledInput]>;
    if (run.path !== undefined) {
      checkReplayPath(run.path, { examples: examples.length, numRuns: run.numRuns });
      try {
        details = fc.check(property, { ...params, path: run.path }) as fc.RunDetails<[LabelledInput]>;
      } catch (e) {
        if (e instanceof Error && /Unable to replay/.test(e.message)) throw new ConformanceConfigError(`path ${run.path} does not name a case of ${spec.id} with seed ${run.seed}: a step goes past the last shrink of its case`);
        throw e;
      }
    } else details = fc.check(property, params) as fc.RunDetails<[LabelledInput]>;
    const base = { id: spec.id, title: spec.title, runs: details.numRuns, calls: ctx.calls, seed: run.seed, durationMs: performance.now() - start };
    if (!details.failed) return { ...base, status: 'passed' };
    const error = details.errorInstance;
    if (!(error instanceof Violation)) throw notAViolation(spec, run.seed, error);
    const [value] = details.counterexample as [LabelledInput];
    const failure = {
      summary: error.summary,
      ...(error.detail.expected !== undefined ? { expected: error.detail.expected } : {}),
      ...(error.detail.actual !== undefined ? { actual: error.detail.actual } : {}),
      inputs: [{ label: value.label, input: value.input }],
      path: details.counterexamplePath ?? '',
      shrinks: details.numShrinks,
    };
    return { ...base, status: 'failed', failure };
  });
}

/** Opens a resolver for calling: objects in-process, modules in a worker; a handle as it is. */
export function openResolver(input: ResolverInput, timeLimitMs: number): ResolverHandle {
  if (isHandle(input)) return input;
  if (isModule(input)) return isolatedResolver(input, { timeLimitMs });
  return inProcessResolver(input, timeLimitMs);
}

/**
 * Runs the resolver properties on a Kconfig resolver and returns the report. Nothing the resolver does
 * escapes as an exception; a mistake in the options throws ConformanceConfigError.
 */
export function runResolverConformance(input: ResolverInput, options: ResolverConformanceOptions = {}): ResolverReport {
  const start = performance.now();
  const timeLimitMs = options.timeLimitMs ?? 1000;
  if (!(timeLimitMs > 0)) throw new ConformanceConfigError(`timeLimitMs must be positive, got ${timeLimitMs}`);
  const numRuns = options.numRuns ?? 200;
  if (!Number.isSafeInteger(numRuns) || numRuns < 1) throw new ConformanceConfigError(`numRuns must be a positive integer, got ${numRuns}`);
  const unknown = (options.properties ?? []).filter((id) => !isResolverPropertyId(id));
  if (unknown.length > 0) throw new ConformanceConfigError(`properties: unknown resolver property ID ${unknown.map((u) => JSON.stringify(u)).join(', ')} (known: ${RESOLVER_PROPERTY_IDS.join(', ')})`);
  if (options.path !== undefined && options.properties?.length !== 1) throw new ConformanceConfigError('a replay path needs exactly one property');
  if (options.path !== undefined && options.seed === undefined) throw new ConformanceConfigError('a replay path needs the seed it was found with');
  const seed = options.seed ?? defaultSeed();
  const handle = openResolver(input, timeLimitMs);
  try {
    // a handle opened elsewhere (a process's hello, a worker's export) is held to what an object is held to
    const shape = resolverShapeProblems({ kind: handle.kind, name: handle.name, resolve: handle.invoke });
    if (shape.length > 0) throw new ConformanceConfigError(`resolver ${JSON.stringify(handle.name)}: ${shape.join('; ')}`);
    const ctx: ResolverContext = { resolver: handle, calls: 0, timeouts: 0, timeoutBudget: options.timeoutBudget ?? 2 };
    const only = options.properties === undefined ? undefined : new Set(options.properties);
    const specs = RESOLVER_PROPERTY_SPECS.filter((s) => only === undefined || only.has(s.id));
    const properties = specs.map((spec, index) => {
      options.onProgress?.({ kind: 'start', property: spec.id, index, total: specs.length });
      const result = runResolverProperty(spec, ctx, { seed, numRuns, ...(options.path !== undefined ? { path: options.path } : {}) });
      options.onProgress?.({ kind: 'done', result, index, total: specs.length });
      return result;
    });
    const report: ResolverReport = {
      kind: 'kconfig-resolver',
      kit: { name: KIT_NAME, version: KIT_VERSION },
      resolver: { name: handle.name, isolation: handle.isolation },
      options: { seed, numRuns, timeLimitMs },
      conformant: properties.every((p) => p.status === 'passed'),
      properties,
      durationMs: performance.now() - start,
    };
    const problems = schemaProblems('resolver-report.schema.json', JSON.parse(JSON.stringify(report)), 'report');
    if (problems.length > 0) throw new KitError(`the report of ${handle.name} is not valid by schemas/resolver-report.schema.json: ${problems.join('; ')}`);
    return report;
  } finally {
    if (!isHandle(input)) handle.close();
  }
}
