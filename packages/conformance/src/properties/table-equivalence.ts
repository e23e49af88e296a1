import { defaultCaseArb, reachableRows, rowTargets } from '../arbitraries/cases.js';
import { canonicalCase } from '../arbitraries/canonical.js';
import type { Case } from '../oracle/predicates.js';
import { realize } from '../oracle/realize.js';
import { expectedOutcome } from '../oracle/reference.js';
import { describeOutcome, sameOutcome } from '../plugins/wire.js';
import { Violation, classifiedRow, describeRow, outcomeOf, type PropertySpec } from './property.js';

const examples = new WeakSet<Case>();

/** For every case, the plugin's outcome is the one the table row the case falls in prescribes. */
export const tableEquivalence: PropertySpec<Case> = {
  id: 'table-equivalence',
  title: 'the outcome equals the reference table row the case falls in (message by C printf, hint text exact)',
  notApplicable: () => undefined,
  arbitrary: (ctx) => defaultCaseArb(ctx.table, ctx.declaration),
  examples(ctx) {
    return reachableRows(ctx.table, ctx.declaration).flatMap((row) =>
      rowTargets(row, ctx.declaration).map((target) => {
        const c = realize(canonicalCase(), target, ctx.profile, ctx.declaration);
        examples.add(c);
        return c;
      }),
    );
  },
  check(ctx, c) {
    const { row, predicates } = classifiedRow(ctx, c);
    if (!examples.has(c)) ctx.rowHits.set(row.id, (ctx.rowHits.get(row.id) ?? 0) + 1);
    const expected = expectedOutcome(row, c);
    const actual = outcomeOf(ctx, c);
    if (!sameOutcome(expected, actual)) {
      throw new Violation(`the outcome differs from row ${describeRow(row)}`, {
        expected: describeOutcome(expected),
        actual: describeOutcome(actual),
        row,
        predicates,
      });
    }
  },
  cases: (c) => [{ label: 'case', case: c }],
  fromCase: (c) => c,
  batchCases: (_ctx, c) => [c],
};
