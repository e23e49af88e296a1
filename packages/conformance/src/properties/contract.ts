import type { Outcome } from '@hiodkit/core';
import { defaultCaseArb } from '../arbitraries/cases.js';
import type { Case } from '../oracle/predicates.js';
import { describeOutcome } from '../plugins/wire.js';
import { Violation, invocationOf, type PropertySpec } from './property.js';

/** The same outcome, hint pieces included (determinism is about the exact answer, not just its text). */
function identicalOutcomes(a: Outcome, b: Outcome): boolean {
  if (a.ok || b.ok) return a.ok === b.ok;
  return a.error.message === b.error.message && a.error.hints.length === b.error.hints.length && a.error.hints.every((h, i) => h === b.error.hints[i]);
}

/** The plugin contract: an Outcome every time, the same one twice, inputs untouched, no throw, within the time limit. */
export const contract: PropertySpec<Case> = {
  id: 'contract',
  title: 'returns a schema-valid Outcome, deterministically, without throwing, mutating its input or overrunning the time limit',
  notApplicable: () => undefined,
  arbitrary: (ctx) => defaultCaseArb(ctx.table, ctx.declaration),
  check(ctx, c) {
    const outcomes: Outcome[] = [];
    for (let call = 0; call < 2; call++) {
      const inv = invocationOf(ctx, c);
      if (inv.mutation !== undefined) throw new Violation(`the plugin modified its input: ${inv.mutation}`);
      outcomes.push(inv.outcome);
    }
    const [first, second] = outcomes as [Outcome, Outcome];
    if (!identicalOutcomes(first, second)) {
      throw new Violation('the plugin answered the same input differently on the second call', {
        expected: describeOutcome(first),
        actual: describeOutcome(second),
      });
    }
  },
  cases: (c) => [{ label: 'case', case: c }],
  fromCase: (c) => c,
  // both calls of the determinism check: two requests, each answered on its own
  batchCases: (_ctx, c) => [c, c],
};
