import fc from 'fast-check';
import { canonicalCase } from '../arbitraries/canonical.js';
import { defaultCaseArb, reachableRows, rowCaseArb, rowTargets } from '../arbitraries/cases.js';
import { classifyCase, type Case } from '../oracle/predicates.js';
import { KitError, realize } from '../oracle/realize.js';
import type { PartialAssignment, ReferenceRow } from '../oracle/reference.js';
import { describeOutcome } from '../plugins/wire.js';
import { Violation, attributedTo, classifiedRow, describeRow, outcomeOf, rowKey, type PropertyContext, type PropertySpec } from './property.js';

const memo = new WeakMap<object, Map<string, unknown>>();

/** Pair tables depend only on the table and the declared checker: compute each once. */
function memoized<T>(ctx: PropertyContext, key: string, compute: () => T): T {
  let forTable = memo.get(ctx.table);
  if (!forTable) memo.set(ctx.table, (forTable = new Map()));
  const k = `${key}:${ctx.declaration.kconfig.VTD_ACCEL}`;
  if (!forTable.has(k)) forTable.set(k, compute());
  return forTable.get(k) as T;
}

/** Rows whose check can be broken and repaired, and the pairs of such checks that can fail together. */
function failingPairs(ctx: PropertyContext): { first: ReferenceRow; next: ReferenceRow }[] {
  return memoized(ctx, 'failing', () => computeFailingPairs(ctx));
}

/**
 * The canonical case moved into each set of predicate values in turn, or undefined when the values
 * cannot hold together (two checks sharing a predicate).
 */
function realizedInTurn(ctx: PropertyContext, ...targets: PartialAssignment[]): Case | undefined {
  try {
    return targets.reduce((c, target) => realize(c, target, ctx.profile, ctx.declaration), canonicalCase());
  } catch (e) {
    if (e instanceof KitError) return undefined;
    throw e;
  }
}

const rowIdOf = (ctx: PropertyContext, c: Case | undefined): string | undefined => (c === undefined ? undefined : classifiedRow(ctx, c).row.id);

function computeFailingPairs(ctx: PropertyContext): { first: ReferenceRow; next: ReferenceRow }[] {
  const rows = reachableRows(ctx.table, ctx.declaration);
  return rows.flatMap((first, i) => {
    if (!first.break || !first.repair) return [];
    return rows.slice(i + 1).flatMap((next) => {
      const target = rowTargets(next, ctx.declaration)[0];
      if (!next.break || !target) return [];
      const both = realizedInTurn(ctx, target, first.break ?? {});
      const repaired = realizedInTurn(ctx, target, first.break ?? {}, first.repair ?? {});
      return rowIdOf(ctx, both) === first.id && rowIdOf(ctx, repaired) === next.id ? [{ first, next }] : [];
    });
  });
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

/** For each row, the later checks that can be broken while the case stays in that row. */
function shadowedChecks(ctx: PropertyContext): { row: ReferenceRow; later: ReferenceRow[] }[] {
  return memoized(ctx, 'shadowed', () => {
    const rows = reachableRows(ctx.table, ctx.declaration);
    return rows
      .map((row, i) => {
        const target = rowTargets(row, ctx.declaration)[0];
        const later = rows.slice(i + 1).filter((l) => l.break !== undefined && target !== undefined && rowIdOf(ctx, realizedInTurn(ctx, target, l.break)) === row.id);
        return { row, later };
      })
      .filter((s) => s.later.length > 0);
  });
}

/** Cases in a row that also break some later checks: a checker that runs a check too early reports one of those. */
function shadowedFailuresArb(ctx: PropertyContext): fc.Arbitrary<Case> {
  return fc.oneof(
    ...shadowedChecks(ctx).map(({ row, later }) =>
      fc.tuple(rowCaseArb(row, ctx.profile, ctx.declaration), fc.subarray(later, { minLength: 1 })).map(([c, breaks]) =>
        breaks.reduce((acc, l) => {
          const next = realize(acc, l.break ?? {}, ctx.profile, ctx.declaration);
          return rowIdOf(ctx, next) === row.id ? next : acc;
        }, c),
      ),
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

/** The error reported is the first failing check in QEMU's order (BEHAVIOUR §profile.order). */
export const firstFailure: PropertySpec<Case> = {
  id: 'precedence/first-failure',
  title: "the error reported comes from the first failing check in QEMU's order",
  notApplicable: () => undefined,
  arbitrary: (ctx) => fc.oneof(defaultCaseArb(ctx.table, ctx.declaration), shadowedFailuresArb(ctx)),
  check(ctx, c) {
    expectAttributed(ctx, c, classifiedRow(ctx, c).row, 'on this case', [{ label: 'case', case: c }]);
  },
  cases: (c) => [{ label: 'case', case: c }],
  fromCase: (c) => c,
  batchCases: (_ctx, c) => [c],
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
  batchCases: (ctx, { first, c }) => [c, realize(c, first.repair ?? {}, ctx.profile, ctx.declaration)],
};

/** A case in some row, and an earlier check to break. */
interface BreakEarlier {
  readonly earlier: ReferenceRow;
  readonly c: Case;
}

function breakPairs(ctx: PropertyContext): { earlier: ReferenceRow; later: ReferenceRow }[] {
  return memoized(ctx, 'break', () => computeBreakPairs(ctx));
}

function computeBreakPairs(ctx: PropertyContext): { earlier: ReferenceRow; later: ReferenceRow }[] {
  const rows = reachableRows(ctx.table, ctx.declaration);
  return rows.flatMap((later, i) => {
    const target = rowTargets(later, ctx.declaration)[0];
    if (!target) return [];
    return rows
      .slice(0, i)
      .filter((earlier) => earlier.break !== undefined && rowIdOf(ctx, realizedInTurn(ctx, target, earlier.break)) === earlier.id)
      .map((earlier) => ({ earlier, later }));
  });
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
  batchCases: (ctx, { earlier, c }) => [realize(c, earlier.break ?? {}, ctx.profile, ctx.declaration)],
};
