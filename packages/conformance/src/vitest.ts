import { afterAll, describe, test } from 'vitest';
import { openSession } from './run/check-property.js';
import { formatFailure } from './run/format-report.js';
import { PROPERTY_SPECS } from './properties/catalog.js';
import type { ConformanceOptions, PluginInput } from './run/runner.js';

export interface DescribeConformanceOptions extends ConformanceOptions {
  /** Per-test timeout for vitest (default 120 s). */
  readonly testTimeoutMs?: number;
}

/** A property failure as vitest shows it: the property ID, the counterexample and the replay line, no kit stack. */
export class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';
  constructor(message: string) {
    super(message);
    this.stack = `${this.name}: ${message}`;
  }
}

/**
 * One vitest test per applicable property, named by its ID:
 *
 *     import { describeConformance } from '@hiodkit/conformance/vitest';
 *     import { myPlugin } from '../src/plugin.js';
 *     describeConformance(myPlugin);
 *
 * The seed is fixed under CI (or HIODKIT_SEED) and printed with every failure.
 */
export function describeConformance(plugin: PluginInput, options: DescribeConformanceOptions = {}): void {
  const session = openSession(plugin, options);
  const { context, run } = session;
  describe(`hiodkit conformance: ${context.plugin.name} (profile ${context.profile}, seed ${run.seed})`, () => {
    afterAll(() => session.close());
    for (const spec of PROPERTY_SPECS) {
      if (run.only !== undefined && !run.only.has(spec.id)) continue;
      if (spec.notApplicable(context) !== undefined) continue;
      test(
        spec.id,
        () => {
          const result = session.check(spec);
          if (result.status === 'failed') throw new ConformanceFailure(`[${spec.id}] ${spec.title}\n${formatFailure(result, run.seed, '  ')}`);
          if (result.status === 'unexpected-pass') throw new ConformanceFailure(`[${spec.id}] is listed in knownFailures but passed: remove it from the list`);
        },
        options.testTimeoutMs ?? 120_000,
      );
    }
  });
}
