import fc from 'fast-check';
import { canonicalCase } from '../arbitraries/canonical.js';
import { defaultCaseArb, reachableRows, rowCaseArb, rowTargets } from '../arbitraries/cases.js';
import type { Case } from '../predicates.js';
import { realize } from '../realize.js';
import { rowFor, type ReferenceRow } from '../reference.js';
import { classifyCase } from '../predicates.js';
import { describeOutcome } from '../wire.js';
import { Violation, attributedTo, classifiedRow, describeRow, outcomeOf, rowKey, type PropertyContext, type PropertySpec } from './property.js';

/** Rows whose check can be broken and repaired, and the pairs of such checks that can fail together. */
function failingPairs(ctx: PropertyContext): { first: ReferenceRow; next: ReferenceRow }[] {
  const rows = reachableRows(ctx.table, ctx.declaration);
  const base = canonicalCase(ctx.profile);
  const pairs: { first: ReferenceRow; next: ReferenceRow }[] = [];
  rows.forEach((first, i) => {
    if (!first.break || !first.repair) return;
    for (const next of rows.slice(i + 1)) {
      if (!next.break) continue;
      const target = rowTargets(next, ctx.declaration)[0];
      if (!target) continue;
      try {
        const inNext = realize(base, target, ctx.profile, ctx.declaration);
        const both = realize(inNext, first.break, ctx.profile, ctx.declaration);
        const repaired = realize(both, first.repair, ctx.profile, ctx.declaration);
        const at = (c: Case) => rowFor(ctx.table, classifyCase(c, ctx.declaration)).id;
        if (at(both) === first.id && at(repaired) === next.id) pairs.push({ first, next });
      } catch {
        // the two checks cannot fail together (they share a predicate); not a pair
      }
    }
  });
  return pairs;
}

/** A case failing two checks at once: realized into the later row, then the earlier check broken. */
interface TwoFailures {
  readonly first: ReferenceRow;
  readonly next: ReferenceRow;
  readonly c: Case;
}

function twoFailuresArb(ctx: PropertyContext): fc.Arbitrary<TwoFailures> {
  const pairs = failingPairs(ctx);
  return fc.oneof(
    ...pairs.map(({ first, next }) =>
      rowCaseArb(next, ctx.profile, ctx.declaration).map((inNext) => ({ first, next, c: realize(inNext, first.break ?? {}, ctx.profile, ctx.declaration) })),
    ),
  );
}

function expectAttributed(ctx: PropertyContext, c: Case, row: ReferenceRow, what: string, cases: { label: string; case: Case }[]): void {
  const outcome = outcomeOf(ctx, c);
  const got = attributedTo(ctx, c, outcome);
  if (got !== undefined && got !== rowKey(row)) {
    throw new Violation(`${what}: the plugin reports ${got === 'accept' ? 'acceptance' : `check ${got}`}, but the first failing check is ${describeRow(row)}`, {
      expected: `${rowKey(row) === 'accept' ? 'accept' : row.id}`,
      actual: describeOutcome(outcome),
      row,
      predicates: classifyCase(c, ctx.declaration),
      cases,
    });
  }
}

/** The error reported is the first failing check in SPEC order. */
export const firstFailure: PropertySpec<Case> = {
  id: 'precedence/first-failure',
  title: 'the error reported comes from the first failing check in SPEC order',
  notApplicable: () => undefined,
  arbitrary: (ctx) => fc.oneof(defaultCaseArb(ctx.table, ctx.declaration), twoFailuresArb(ctx).map((t) => t.c)),
  check(ctx, c) {
    expectAttributed(ctx, c, classifiedRow(ctx, c).row, 'on this case', [{ label: 'case', case: c }]);
  },
  cases: (c) => [{ label: 'case', case: c }],
};

/** Repairing the first failure exposes the next one. */
export const repairExposesNext: PropertySpec<TwoFailures> = {
  id: 'precedence/repair-exposes-next',
  title: 'with two checks failing, the earlier is reported; repairing it exposes the later',
  notApplicable: (ctx) => (failingPairs(ctx).length === 0 ? 'no two checks of this table can fail together' : undefined),
  arbitrary: twoFailuresArb,
  check(ctx, { first, next, c }) {
    const repaired = realize(c, first.repair ?? {}, ctx.profile, ctx.declaration);
    const cases = [
      { label: `case failing ${first.id} and ${next.id}`, case: c },
      { label: `the same case with ${first.id} repaired`, case: repaired },
    ];
    expectAttributed(ctx, c, first, `with ${first.id} and ${next.id} both failing`, cases);
    expectAttributed(ctx, repaired, classifiedRow(ctx, repaired).row, `after repairing ${first.id}`, cases);
  },
  cases: ({ c, first, next }) => [{ label: `case failing ${first.id} and ${next.id}`, case: c }],
};

/** A case in some row, and an earlier check to break. */
interface BreakEarlier {
  readonly earlier: ReferenceRow;
  readonly c: Case;
}

function breakPairs(ctx: PropertyContext): { earlier: ReferenceRow; later: ReferenceRow }[] {
  const rows = reachableRows(ctx.table, ctx.declaration);
  const base = canonicalCase(ctx.profile);
  const pairs: { earlier: ReferenceRow; later: ReferenceRow }[] = [];
  rows.forEach((later, i) => {
    const target = rowTargets(later, ctx.declaration)[0];
    if (!target) return;
    for (const earlier of rows.slice(0, i)) {
      if (!earlier.break) continue;
      try {
        const broken = realize(realize(base, target, ctx.profile, ctx.declaration), earlier.break, ctx.profile, ctx.declaration);
        if (rowFor(ctx.table, classifyCase(broken, ctx.declaration)).id === earlier.id) pairs.push({ earlier, later });
      } catch {
        // cannot be broken from this row
      }
    }
  });
  return pairs;
}

/** Breaking an earlier check hides any later one. */
export const breakHidesLater: PropertySpec<BreakEarlier> = {
  id: 'precedence/break-hides-later',
  title: 'breaking a check earlier than the one that decided a case makes the earlier one decide it',
  notApplicable: (ctx) => (breakPairs(ctx).length === 0 ? 'no check of this table precedes another' : undefined),
  arbitrary: (ctx) =>
    fc.oneof(...breakPairs(ctx).map(({ earlier, later }) => rowCaseArb(later, ctx.profile, ctx.declaration).map((c) => ({ earlier, c })))),
  check(ctx, { earlier, c }) {
    const broken = realize(c, earlier.break ?? {}, ctx.profile, ctx.declaration);
    const cases = [
      { label: 'case', case: c },
      { label: `the same case with ${earlier.id} broken`, case: broken },
    ];
    expectAttributed(ctx, broken, earlier, `after breaking ${earlier.id}`, cases);
  },
  cases: ({ c }) => [{ label: 'case', case: c }],
};
