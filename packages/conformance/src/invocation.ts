import { inspect } from 'node:util';
import type { CheckerPlugin, Outcome, PluginDeclaration } from '@hiodkit/core';
import type { Case } from './predicates.js';
import { outcomeProblems } from './wire.js';

/** What happened when the kit called a plugin once. */
export type Invocation =
  | { readonly kind: 'outcome'; readonly outcome: Outcome; readonly elapsedMs: number; readonly mutation?: string }
  | { readonly kind: 'invalid'; readonly value: string; readonly problems: readonly string[]; readonly elapsedMs: number }
  | { readonly kind: 'threw'; readonly error: string; readonly elapsedMs: number }
  | { readonly kind: 'timeout'; readonly limitMs: number; readonly elapsedMs: number }
  | { readonly kind: 'crashed'; readonly detail: string };

/** A plugin as the kit drives it, wherever it runs. */
export interface PluginHandle {
  readonly name: string;
  readonly declaration: PluginDeclaration;
  /** Property IDs the plugin declares it fails. */
  readonly knownFailures: readonly string[];
  /** Where the plugin runs: `in-process`, `worker` or `process`. */
  readonly isolation: string;
  invoke(c: Case): Invocation;
  close(): void;
}

/** A checker plugin may list the properties it is known to fail. */
export type PluginWithKnownFailures = CheckerPlugin & { readonly knownFailures?: readonly string[] };

/** `inspect` of an arbitrary returned value, short enough for a report. */
export function renderValue(value: unknown): string {
  const text = inspect(value, { depth: 4, breakLength: Infinity, maxArrayLength: 10, maxStringLength: 200 });
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

/** A thrown value as one line: its name and message, never its stack. */
export function describeThrown(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return `a non-Error value: ${renderValue(e)}`;
}

/** The path of the first difference between two plain-data values, or undefined when they are equal. */
export function firstDifference(before: unknown, after: unknown, path: string): string | undefined {
  if (Object.is(before, after)) return undefined;
  if (typeof before !== 'object' || typeof after !== 'object' || before === null || after === null) {
    return `${path} changed from ${renderValue(before)} to ${renderValue(after)}`;
  }
  if (Array.isArray(before) !== Array.isArray(after)) return `${path} changed from ${renderValue(before)} to ${renderValue(after)}`;
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    const sub = Array.isArray(before) ? `${path}[${key}]` : `${path}.${key}`;
    if (!(key in before)) return `${sub} was added`;
    if (!(key in after)) return `${sub} was deleted`;
    const diff = firstDifference((before as Record<string, unknown>)[key], (after as Record<string, unknown>)[key], sub);
    if (diff) return diff;
  }
  return undefined;
}

/** Judges what `check` returned: an Outcome by the shipped schema, or why it is not one. */
export function judgeReturned(value: unknown, elapsedMs: number, mutation: string | undefined): Invocation {
  if (typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function') {
    return { kind: 'invalid', value: 'a Promise', problems: ['check returned a Promise; it must return an Outcome synchronously'], elapsedMs };
  }
  let outcome: Outcome;
  try {
    const problems = outcomeProblems(value);
    if (problems.length > 0) return { kind: 'invalid', value: renderValue(value), problems, elapsedMs };
    // a fresh plain copy: the kit never touches the plugin's object again (getters, proxies)
    const v = value as Outcome;
    outcome = v.ok ? { ok: true } : { ok: false, error: { message: v.error.message, hints: [...v.error.hints] } };
  } catch (e) {
    return { kind: 'invalid', value: 'an object whose properties cannot be read', problems: [`reading it threw ${describeThrown(e)}`], elapsedMs };
  }
  return mutation === undefined ? { kind: 'outcome', outcome, elapsedMs } : { kind: 'outcome', outcome, elapsedMs, mutation };
}

/**
 * Calls a plugin in this thread on copies of the case. A call cannot be stopped here: one that
 * takes longer than the limit is reported as a timeout once it returns, and one that never returns
 * hangs the run, so load untrusted plugins by module (see isolatedPlugin).
 */
export function inProcessPlugin(plugin: PluginWithKnownFailures, timeLimitMs: number): PluginHandle {
  return {
    name: plugin.name,
    declaration: plugin.implements,
    knownFailures: plugin.knownFailures ?? [],
    isolation: 'in-process',
    invoke(c) {
      const guest = structuredClone(c.guest);
      const device = structuredClone(c.device);
      const start = performance.now();
      let value: unknown;
      try {
        value = plugin.check(guest, device);
      } catch (e) {
        return { kind: 'threw', error: describeThrown(e), elapsedMs: performance.now() - start };
      }
      const elapsedMs = performance.now() - start;
      if (elapsedMs > timeLimitMs) return { kind: 'timeout', limitMs: timeLimitMs, elapsedMs };
      return judgeReturned(value, elapsedMs, firstDifference(c.guest, guest, 'guest') ?? firstDifference(c.device, device, 'device'));
    },
    close() {},
  };
}

/** One line for a call that did not produce an Outcome. */
export function describeFailedInvocation(inv: Exclude<Invocation, { kind: 'outcome' }>): string {
  switch (inv.kind) {
    case 'invalid':
      return `returned ${inv.value}, which is not an Outcome: ${inv.problems.join('; ')}`;
    case 'threw':
      return `threw ${inv.error}`;
    case 'timeout':
      return `did not return within the ${inv.limitMs} ms time limit`;
    case 'crashed':
      return `crashed: ${inv.detail}`;
  }
}
