import type { CheckerPlugin, Outcome, PluginDeclaration } from '@hiodkit/core';
import type { Case } from '../oracle/predicates.js';
import type { KnownFailureEntry } from './known-failures.js';
import { PluginLoadError, pluginShapeProblems } from './plugin-module.js';
import { cloneCase, firstDifference, renderValue, sameCase } from './plain-data.js';
import { withoutStackFrames } from './plugin-text.js';
import { copyOutcome, outcomeProblems } from './wire.js';

/** What happened when the kit called a plugin once. */
export type Invocation =
  | { readonly kind: 'outcome'; readonly outcome: Outcome; readonly elapsedMs: number; readonly mutation?: string }
  | { readonly kind: 'invalid'; readonly value: string; readonly problems: readonly string[]; readonly elapsedMs: number }
  /** `cause`: what the plugin threw, stack and all, where it could be kept (in-process, or an Error from a worker) */
  | { readonly kind: 'threw'; readonly error: string; readonly elapsedMs: number; readonly cause?: unknown }
  /** `hung`: no answer even a grace period past the limit (a worker's cut-off), which a stall of the machine does not explain */
  | { readonly kind: 'timeout'; readonly limitMs: number; readonly elapsedMs: number; readonly hung?: true }
  | { readonly kind: 'crashed'; readonly detail: string };

/**
 * A late call may be the machine's stall (the OS did not run the plugin's thread or process), not the
 * plugin's: a timeout stands only when the same call, made again, is late too. `again` is called once,
 * and not at all for a hang (no answer a grace period past the limit).
 */
export function confirmedTimeout<T extends { readonly kind: string; readonly hung?: true }>(first: T, again: () => T): T {
  return first.kind === 'timeout' && first.hung !== true ? again() : first;
}

/** A plugin as the kit drives it, wherever it runs. */
export interface PluginHandle {
  readonly name: string;
  readonly declaration: PluginDeclaration;
  /** The properties the plugin declares it fails. */
  readonly knownFailures: readonly KnownFailureEntry[];
  /** Where the plugin runs: `in-process`, `worker` or `process`. */
  readonly isolation: string;
  invoke(c: Case): Invocation;
  /** Where the plugin can take several cases at once (a process): one Invocation per case, in order. */
  invokeBatch?(cases: readonly Case[]): Invocation[];
  close(): void;
}

/** A checker plugin may list the properties it is known to fail. */
export type PluginWithKnownFailures = CheckerPlugin & { readonly knownFailures?: readonly KnownFailureEntry[] };

/** A thrown value as one line: its name and message, never its stack. */
export function describeThrown(e: unknown): string {
  try {
    if (e instanceof Error) return withoutStackFrames(`${e.name}: ${e.message}`);
    return `a non-Error value: ${withoutStackFrames(renderValue(e))}`;
  } catch {
    return 'a value that throws when read';
  }
}

/** What a call must return: the call's name, what it returns, and how to check and copy that. */
export interface AnswerForm<T> {
  readonly call: string;
  /** with its article, as messages say it: `an Outcome` */
  readonly noun: string;
  problems(value: unknown): string[];
  copy(value: T): T;
}

/** Judges a returned value by its form: a fresh copy of it when valid, or why it is not one. */
export function judgeAnswer<T>(value: unknown, elapsedMs: number, form: AnswerForm<T>): { readonly kind: 'valid'; readonly value: T } | Extract<Invocation, { readonly kind: 'invalid' }> {
  try {
    if (typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function') {
      return { kind: 'invalid', value: 'a Promise', problems: [`${form.call} returned a Promise; it must return ${form.noun} synchronously`], elapsedMs };
    }
    const problems = form.problems(value);
    if (problems.length > 0) return { kind: 'invalid', value: renderValue(value), problems, elapsedMs };
    return { kind: 'valid', value: form.copy(value as T) };
  } catch (e) {
    return { kind: 'invalid', value: 'an object whose properties cannot be read', problems: [`reading it threw ${describeThrown(e)}`], elapsedMs };
  }
}

const OUTCOME: AnswerForm<Outcome> = { call: 'check', noun: 'an Outcome', problems: (v) => outcomeProblems(v), copy: copyOutcome };

/** Judges what `check` returned: an Outcome by the shipped schema, or why it is not one. */
export function judgeReturned(value: unknown, elapsedMs: number, mutation: string | undefined): Invocation {
  const judged = judgeAnswer(value, elapsedMs, OUTCOME);
  if (judged.kind !== 'valid') return judged;
  const outcome = judged.value;
  return mutation === undefined ? { kind: 'outcome', outcome, elapsedMs } : { kind: 'outcome', outcome, elapsedMs, mutation };
}

/** How a plugin changed its copy of the case, or undefined; reading a planted getter that throws counts as a change. */
export function mutationOf(original: Case, copy: Case): string | undefined {
  try {
    return sameCase(original, copy) ? undefined : (firstDifference(original.guest, copy.guest, 'guest') ?? firstDifference(original.device, copy.device, 'device'));
  } catch (e) {
    return `the input was changed so that reading it throws ${describeThrown(e)}`;
  }
}

/**
 * Calls a plugin in this thread on copies of the case. A call cannot be stopped here: one that
 * takes longer than the limit is reported as a timeout once it returns, and one that never returns
 * hangs the run, so load untrusted plugins by module (see isolatedPlugin). An object that is not a
 * checker plugin (an empty name, a declaration without kconfig, …) is refused with PluginLoadError,
 * as the module path refuses such an export.
 */
export function inProcessPlugin(plugin: PluginWithKnownFailures, timeLimitMs: number): PluginHandle {
  const problems = pluginShapeProblems(plugin);
  if (problems.length > 0) throw new PluginLoadError(`the plugin object is not a checker plugin: ${problems.join('; ')}`);
  // the copy given on the last call, while the plugin has left it untouched: the same case again
  // (contract's determinism call) reuses it instead of copying again
  let last: { readonly c: Case; readonly copy: Case } | undefined;
  return {
    name: plugin.name,
    declaration: plugin.implements,
    knownFailures: plugin.knownFailures ?? [],
    isolation: 'in-process',
    invoke(c) {
      const copy = last?.c === c ? last.copy : cloneCase(c);
      last = undefined;
      const start = performance.now();
      let value: unknown;
      try {
        value = plugin.check(copy.guest, copy.device);
      } catch (e) {
        return { kind: 'threw', error: describeThrown(e), elapsedMs: performance.now() - start, cause: e };
      }
      const elapsedMs = performance.now() - start;
      if (elapsedMs > timeLimitMs) return { kind: 'timeout', limitMs: timeLimitMs, elapsedMs };
      const mutation = mutationOf(c, copy);
      if (mutation === undefined) last = { c, copy };
      return judgeReturned(value, elapsedMs, mutation);
    },
    close() {},
  };
}

/** One line for a call that did not produce its answer (`noun`: what it should have returned). */
export function describeFailedInvocation(inv: Exclude<Invocation, { kind: 'outcome' }>, noun = 'an Outcome'): string {
  switch (inv.kind) {
    case 'invalid':
      return `returned ${inv.value}, which is not ${noun}: ${inv.problems.join('; ')}`;
    case 'threw':
      return `threw ${inv.error}`;
    case 'timeout':
      return `did not return within the ${inv.limitMs} ms time limit`;
    case 'crashed':
      return `crashed: ${inv.detail}`;
  }
}
