import fc from 'fast-check';
import { caseToJson } from '../plugins/wire.js';
import { Violation, type LabelledCase, type PropertyContext, type PropertySpec } from '../properties/property.js';
import { ConformanceConfigError } from './config-error.js';
import { withDefaultFastCheckSettings } from './fast-check-settings.js';
import { KitError } from '../oracle/realize.js';
import { guestProblems } from '../oracle/guest-config.js';
import type { Counterexample, KnownFailure } from './known-failure.js';
import { checkReplayPath } from './replay-path.js';
import type { PropertyFailure, PropertyResult } from './report.js';
import { PrefetchedAnswers } from './prefetch.js';

export interface PropertyRun {
  readonly seed: number;
  readonly numRuns: number;
  /** Replay this fast-check path instead of generating. */
  readonly path?: string;
  /** Set when the plugin declares it fails this property. */
  readonly known?: KnownFailure;
}

/** Why fast-check said a property failed, when that is not a Violation: a bug of the kit's, with its cause attached. */
function notAViolation(spec: PropertySpec<never>, seed: number, error: unknown, path: string | undefined): KitError {
  const what = error instanceof Error ? `${error.name}: ${error.message}` : `a thrown ${error === null ? 'null' : typeof error}`;
  return new KitError(`property ${spec.id} (seed ${seed}${path ? `, path ${path}` : ''}) failed with ${what}, which is not a property violation: a bug in the kit`, { cause: error });
}

/** What the plugin threw for a failure, kept beside the report (which is plain JSON data). */
const causes = new WeakMap<PropertyFailure, unknown>();

/** The error the plugin threw, stack and all, when a failure is one: for the vitest helper's `cause`. */
export function causeOf(failure: PropertyFailure): unknown {
  return causes.get(failure);
}

function failureFrom(spec: PropertySpec<never>, value: never, violation: Violation, path: string, shrinks: number): PropertyFailure {
  const cases: LabelledCase[] = violation.detail.cases ? [...violation.detail.cases] : spec.cases(value);
  const failure: PropertyFailure = {
    summary: violation.summary,
    ...(violation.detail.expected !== undefined ? { expected: violation.detail.expected } : {}),
    ...(violation.detail.actual !== undefined ? { actual: violation.detail.actual } : {}),
    ...(violation.detail.row ? { row: { id: violation.detail.row.id, spec: violation.detail.row.spec } } : {}),
    ...(violation.detail.predicates ? { predicates: { ...violation.detail.predicates } } : {}),
    cases: cases.map((c) => ({ label: c.label, case: caseToJson(c.case) })),
    path,
    shrinks,
  };
  if (violation.detail.cause !== undefined) causes.set(failure, violation.detail.cause);
  return failure;
}

function failureOf(spec: PropertySpec<never>, seed: number, details: fc.RunDetails<[never]>): PropertyFailure {
  const error = details.errorInstance;
  if (!(error instanceof Violation)) throw notAViolation(spec, seed, error, details.counterexamplePath ?? undefined);
  return failureFrom(spec, (details.counterexample as [never])[0], error, details.counterexamplePath ?? '', details.numShrinks);
}

/** The recorded counterexample of a known failure, run once: its failure, or undefined when it conforms now. */
function replayCounterexample(spec: PropertySpec<never>, ctx: PropertyContext, arbitrary: fc.Arbitrary<never>, examples: [never][], cx: Counterexample): PropertyFailure | undefined {
  if (cx.kind === 'case') {
    if (spec.fromCase === undefined) throw new ConformanceConfigError(`known failure ${spec.id}: this property's input is not one case; record its counterexample as seed and path`);
    // the contract's domain: a guest QEMU realizes at the profile, fields it lacks at their value there
    const outside = guestProblems(cx.case.guest.props, ctx.profile);
    if (outside.length > 0) throw new ConformanceConfigError(`known failure ${spec.id}: the recorded case's guest is not one of profile ${ctx.profile}: ${outside.join('; ')}`);
    const value = spec.fromCase(cx.case) as never;
    try {
      spec.check(ctx, value);
      return undefined;
    } catch (e) {
      if (e instanceof Violation) return failureFrom(spec, value, e, '', 0);
      throw notAViolation(spec, 0, e, undefined);
    }
  }
  checkReplayPath(cx.path, { examples: examples.length, numRuns: Number.MAX_SAFE_INTEGER }, `known failure ${spec.id}: path`);
  // only the case at the path is judged: fast-check would otherwise shrink on from it and judge others
  let judged = false;
  const once = fc.property(arbitrary, (value) => {
    if (judged) return true;
    judged = true;
    spec.check(ctx, value);
    return true;
  });
  const details = replay(spec, once, { seed: cx.seed, path: cx.path, examples, numRuns: 1 }, `known failure ${spec.id}: path ${cx.path}`);
  return details.failed ? failureOf(spec, cx.seed, details) : undefined;
}

/** fc.check for a replay path: a path this run cannot walk is a mistake in the input, not a kit bug. */
function replay(spec: PropertySpec<never>, property: fc.IProperty<[never]>, params: fc.Parameters<[never]> & { path: string }, where: string): fc.RunDetails<[never]> {
  let details: fc.RunDetails<[never]>;
  try {
    details = fc.check(property, params) as fc.RunDetails<[never]>;
  } catch (e) {
    if (e instanceof Error && /Unable to replay/.test(e.message)) throw new ConformanceConfigError(`${where} does not name a case of ${spec.id} with seed ${String(params.seed)}: a step goes past the last shrink of its case`);
    throw e;
  }
  if (details.numRuns === 0 && !details.failed) throw new ConformanceConfigError(`${where} does not name a case of ${spec.id} with seed ${String(params.seed)}: a step goes past the last shrink of its case`);
  return details;
}

/**
 * For a plugin that takes batches: the cases the property will ask for, from the values fast-check
 * generates for these parameters (fc.sample walks the same stream as fc.check), to be sent ahead.
 */
function batching(spec: PropertySpec<never>, ctx: PropertyContext, arbitrary: fc.Arbitrary<never>, params: { seed: number; numRuns: number; examples: [never][] }): PrefetchedAnswers | undefined {
  const plugin = ctx.plugin;
  if (plugin.invokeBatch === undefined || spec.batchCases === undefined) return undefined;
  const values = [...params.examples.map((e) => e[0]), ...fc.sample(arbitrary, { seed: params.seed, numRuns: params.numRuns })];
  return new PrefetchedAnswers((cases) => plugin.invokeBatch?.(cases) ?? [], values.flatMap((v) => spec.batchCases?.(ctx, v) ?? []));
}

/** Runs one property against an open plugin. */
export function runProperty(spec: PropertySpec<never>, ctx: PropertyContext, run: PropertyRun): PropertyResult {
  const base = { id: spec.id, title: spec.title, seed: run.seed };
  const reason = spec.notApplicable(ctx);
  if (reason !== undefined) return { ...base, status: 'not-applicable', reason, runs: 0, calls: 0, durationMs: 0 };
  return withDefaultFastCheckSettings(() => {
    ctx.timeouts = 0;
    ctx.calls = 0;
    const start = performance.now();
    // a replay path counts the fixed examples too, so they are passed in replays as well
    const examples = (spec.examples?.(ctx) ?? []).map((e) => [e] as [never]);
    const arbitrary = spec.arbitrary(ctx);
    const done = (rest: Pick<PropertyResult, 'status' | 'runs'> & Partial<PropertyResult>): PropertyResult => ({ ...base, calls: ctx.calls, durationMs: performance.now() - start, ...rest });

    const recorded = run.known?.counterexample;
    if (recorded !== undefined) {
      const failure = replayCounterexample(spec, ctx, arbitrary, examples, recorded);
      const seed = recorded.kind === 'path' ? { seed: recorded.seed } : {};
      if (failure) return done({ status: 'known-failure', runs: 1, failure, ...seed });
      return done({ status: 'unexpected-pass', runs: 1, reason: 'the counterexample recorded with it conforms now: remove it from knownFailures', ...seed });
    }

    if (run.path !== undefined) checkReplayPath(run.path, { examples: examples.length, numRuns: run.numRuns });
    const property = fc.property(arbitrary, (value) => spec.check(ctx, value));
    const params = { seed: run.seed, numRuns: run.numRuns, examples };
    let details: fc.RunDetails<[never]>;
    if (run.path !== undefined) details = replay(spec, property, { ...params, path: run.path }, `path ${run.path}`);
    else {
      ctx.answers = batching(spec, ctx, arbitrary, params);
      try {
        details = fc.check(property, params) as fc.RunDetails<[never]>;
      } finally {
        ctx.answers = undefined;
      }
    }
    if (details.failed) return done({ status: run.known ? 'known-failure' : 'failed', runs: details.numRuns, failure: failureOf(spec, run.seed, details) });
    if (run.known) return done({ status: 'known-failure-not-found', runs: details.numRuns, reason: `not found this run (seed ${run.seed}); record its counterexample in knownFailures to replay it every run` });
    return done({ status: 'passed', runs: details.numRuns });
  });
}
