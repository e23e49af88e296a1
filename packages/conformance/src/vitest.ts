import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, test } from 'vitest';
import type { PluginModule } from './plugins/plugin-module.js';
import { PROPERTY_SPECS } from './properties/catalog.js';
import { openSession } from './run/check-property.js';
import { formatFailure, type ReplayFormatter } from './run/format-report.js';
import { causeOf } from './run/run-property.js';
import type { PropertyResult } from './run/report.js';
import type { ConformanceOptions, PluginInput } from './run/runner.js';

export interface DescribeConformanceOptions extends ConformanceOptions {
  /** Per-test timeout for vitest (default 120 s). */
  readonly testTimeoutMs?: number;
}

/** A property failure as vitest shows it: the property ID, the counterexample and the replay line; the plugin's own error, if it threw, as `cause`. */
export class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.stack = `${this.name}: ${message}`;
  }
}

/** The test context's parts the helper uses, in vitest 4.1 and 5 alike. */
interface HelperContext {
  skip(note?: string): never;
  annotate?(message: string): Promise<unknown>;
}

const HERE = fileURLToPath(import.meta.url);

/** The file that called describeConformance, from the stack: a relative module path names a file beside it. */
function callerFile(): string | undefined {
  for (const line of (new Error().stack ?? '').split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?\/[^()]+?):\d+:\d+\)?$/.exec(line.trim());
    const file = m?.[1] === undefined ? undefined : m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
    if (file !== undefined && file !== HERE && !file.includes('/node_modules/')) return file;
  }
  return undefined;
}

function isModule(input: PluginInput): input is PluginModule {
  return (input as PluginModule).module !== undefined && typeof (input as { check?: unknown }).check !== 'function';
}

/** The replay to paste into the test file: the same call with the failure's seed, path and property. */
const replayInVitest: ReplayFormatter = (r) => `describeConformance(plugin, { seed: ${r.seed}, numRuns: ${r.numRuns}, path: ${JSON.stringify(r.path)}, properties: [${JSON.stringify(r.property)}] })`;

function failure(result: PropertyResult, title: string, numRuns: number): ConformanceFailure {
  const cause = result.failure ? causeOf(result.failure) : undefined;
  return new ConformanceFailure(`[${result.id}] ${title}\n${formatFailure(result, numRuns, '  ', replayInVitest)}`, { cause });
}

/**
 * One vitest test per property, named by its ID, under a suite named by the plugin and profile:
 *
 *     import { describeConformance } from '@hiodkit/conformance/vitest';
 *     import { myPlugin } from '../src/plugin.js';
 *     describeConformance(myPlugin);
 *
 * A property that does not apply is skipped with its reason; a known failure is expected to fail
 * (vitest's `fails`), so it shows as one, and turns red once its recorded counterexample passes.
 * The seed is fixed under CI (or HIODKIT_SEED), annotated on every test and printed with every
 * failure, with the call that replays it. A module plugin's relative path names a file beside
 * the test file.
 */
export function describeConformance(plugin: PluginInput, options: DescribeConformanceOptions = {}): void {
  const base = isModule(plugin) && plugin.base === undefined ? callerFile() : undefined;
  const session = openSession(base !== undefined && isModule(plugin) ? { ...plugin, base: pathToFileURL(base) } : plugin, options);
  const { context, run } = session;
  describe(`hiodkit conformance: ${context.plugin.name} (profile ${context.profile})`, () => {
    afterAll(() => session.close());
    for (const spec of PROPERTY_SPECS) {
      if (run.only !== undefined && !run.only.has(spec.id)) continue;
      const reason = spec.notApplicable(context);
      const known = run.known.get(spec.id);
      test(spec.id, { timeout: options.testTimeoutMs ?? 120_000, fails: reason === undefined && known !== undefined }, async (ctx: HelperContext) => {
        if (reason !== undefined) ctx.skip(`not applicable: ${reason}`);
        const result = session.check(spec);
        await ctx.annotate?.(`seed ${result.seed} · ${result.runs} run(s) · ${result.calls} plugin call(s)`);
        switch (result.status) {
          case 'failed':
          case 'known-failure':
            // for a known failure this throw is the expected one: vitest's `fails` turns it into a pass
            throw failure(result, spec.title, run.numRuns);
          case 'known-failure-not-found':
            ctx.skip(result.reason);
            break;
          case 'unexpected-pass':
            // returning is what makes vitest's `fails` report it: say why first
            await ctx.annotate?.(result.reason ?? 'listed in knownFailures, and it passed');
            break;
          default:
            break;
        }
      });
    }
  });
}
