import type { KconfigResolution, KconfigResolverInput, KconfigResolverPlugin } from '@hiodkit/core';
import { schemaProblems } from '../schemas.js';
import { describeFailedInvocation, describeThrown, judgeAnswer, type AnswerForm, type Invocation } from './invocation.js';
import { PluginLoadError } from './plugin-module.js';
import { clonePlainData, firstDifference, renderValue } from './plain-data.js';

/** A call that gave no answer: the same ways a checker's call fails. */
export type FailedCall = Exclude<Invocation, { readonly kind: 'outcome' }>;

/** What happened when the kit called a Kconfig resolver once. */
export type ResolverInvocation = { readonly kind: 'resolution'; readonly resolution: KconfigResolution; readonly elapsedMs: number; readonly mutation?: string } | FailedCall;

/** A Kconfig resolver as the kit drives it, wherever it runs. */
export interface ResolverHandle {
  readonly kind: 'kconfig-resolver';
  readonly name: string;
  /** Where the resolver runs: `in-process`, `worker` or `process`. */
  readonly isolation: string;
  invoke(input: KconfigResolverInput): ResolverInvocation;
  close(): void;
}

/** The problems that make `value` not a KconfigResolution (schemas/kconfig-resolution.schema.json); empty when it is one. */
export function resolutionProblems(value: unknown, root = 'resolution'): string[] {
  return schemaProblems('kconfig-resolution.schema.json', value, root);
}

/** A fresh plain copy of a valid resolution: the kit never touches the resolver's object again. */
export function copyResolution(r: KconfigResolution): KconfigResolution {
  return r.ok ? { ok: true, values: { ...r.values } } : { ok: false, error: { message: r.error.message } };
}

const RESOLUTION: AnswerForm<KconfigResolution> = { call: 'resolve', noun: 'a resolution', problems: (v) => resolutionProblems(v), copy: copyResolution };

/** Judges what `resolve` returned: a resolution by the shipped schema, or why it is not one. */
export function judgeResolution(value: unknown, elapsedMs: number, mutation: string | undefined): ResolverInvocation {
  const judged = judgeAnswer(value, elapsedMs, RESOLUTION);
  if (judged.kind !== 'valid') return judged;
  const resolution = judged.value;
  return mutation === undefined ? { kind: 'resolution', resolution, elapsedMs } : { kind: 'resolution', resolution, elapsedMs, mutation };
}

/** Problems that make `value` not a Kconfig resolver plugin; empty when it is one. */
export function resolverShapeProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['is not an object'];
  const p = value as Record<string, unknown>;
  const problems: string[] = [];
  if (p['kind'] !== 'kconfig-resolver') problems.push(`kind: must be "kconfig-resolver" (got ${renderValue(p['kind'])})`);
  if (typeof p['name'] !== 'string' || p['name'] === '') problems.push('name: must be a non-empty string');
  if (typeof p['resolve'] !== 'function') problems.push('resolve: must be a function (input) => KconfigResolution');
  return problems;
}

/** Whether a plugin object or export declares itself a Kconfig resolver (and so is judged as one). */
export function isResolverPlugin(value: unknown): value is KconfigResolverPlugin {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'kconfig-resolver';
}

/** How a resolver changed its copy of the input, or undefined; reading a planted getter that throws counts as a change. */
export function inputMutation(original: KconfigResolverInput, copy: KconfigResolverInput): string | undefined {
  try {
    return firstDifference(original, copy, 'input');
  } catch (e) {
    return `the input was changed so that reading it throws ${describeThrown(e)}`;
  }
}

/**
 * Calls a resolver in this thread on copies of the input. As with inProcessPlugin, a call that takes
 * longer than the limit is a timeout once it returns; one that never returns hangs the run.
 */
export function inProcessResolver(plugin: KconfigResolverPlugin, timeLimitMs: number): ResolverHandle {
  const problems = resolverShapeProblems(plugin);
  if (problems.length > 0) throw new PluginLoadError(`the plugin object is not a Kconfig resolver: ${problems.join('; ')}`);
  return {
    kind: 'kconfig-resolver',
    name: plugin.name,
    isolation: 'in-process',
    invoke(input) {
      const copy = clonePlainData(input);
      const start = performance.now();
      let value: unknown;
      try {
        value = plugin.resolve(copy);
      } catch (e) {
        return { kind: 'threw', error: describeThrown(e), elapsedMs: performance.now() - start, cause: e };
      }
      const elapsedMs = performance.now() - start;
      if (elapsedMs > timeLimitMs) return { kind: 'timeout', limitMs: timeLimitMs, elapsedMs };
      return judgeResolution(value, elapsedMs, inputMutation(input, copy));
    },
    close() {},
  };
}

/** One line for a call that gave no resolution. */
export function describeFailedResolverCall(inv: FailedCall): string {
  return describeFailedInvocation(inv, 'a Kconfig resolution');
}
