import fc from 'fast-check';
import { freeCaseArb } from '../arbitraries/cases.js';
import { classifyCase, type Case } from '../oracle/predicates.js';
import { realize } from '../oracle/realize.js';
import type { ReferenceRow, ReferenceTable } from '../oracle/reference.js';
import { describeOutcome } from '../plugins/wire.js';
import { Violation, classifiedRow, outcomeOf, type PropertySpec } from './property.js';

/** BEHAVIOUR §attach.accel-refusal: what vtd_check_hiod_accel says to a device that passes every check, at seed and bridge. */
export const FIRST_STAGE_REJECTION = 'host IOMMU is incompatible with guest first stage translation';

/** The row of a table that refuses, unconditionally, a device passing every check with x-flts on. */
const FINAL_ROW = 'first-stage-rejected';

function finalRow(table: ReferenceTable): ReferenceRow | undefined {
  return table.rows.find((r) => r.id === FINAL_ROW);
}

function finalMessage(table: ReferenceTable): string {
  const row = finalRow(table);
  if (!row || !('reject' in row.expect)) throw new RangeError(`reference/${table.profile}.json: row ${FINAL_ROW} must reject`);
  return row.expect.reject.message;
}

/** With x-flts on nothing is accepted, and a device passing every check gets exactly the table's final refusal. */
export const finalRejection: PropertySpec<Case> = {
  id: 'final-rejection',
  title: `with x-flts on nothing is accepted; a device passing every check gets the profile's unconditional refusal (seed: "${FIRST_STAGE_REJECTION}")`,
  notApplicable(ctx) {
    if (ctx.table.predicates.flts === undefined) return `profile ${ctx.profile} has no x-flts property`;
    if (finalRow(ctx.table) === undefined) return `profile ${ctx.profile} accepts devices that pass every check`;
    if (!ctx.declaration.kconfig.VTD_ACCEL) return 'the plugin declares the stub (CONFIG_VTD_ACCEL=n)';
    return undefined;
  },
  arbitrary: (ctx) => {
    const everyCheck = { cachingMode: 'on', duplicate: 'no', awBits: 'guest-le-host', flts: 'on', iommufd: 'yes', vtdType: 'yes', hostFs1gp: 'set', aliased: 'no' };
    return fc.oneof(
      freeCaseArb(ctx.profile).map((c) => realize(c, { flts: 'on' }, ctx.profile, ctx.declaration)),
      freeCaseArb(ctx.profile).map((c) => realize(c, everyCheck, ctx.profile, ctx.declaration)),
    );
  },
  check(ctx, c) {
    const outcome = outcomeOf(ctx, c);
    if (outcome.ok) throw new Violation('the plugin accepted a device with x-flts on', { expected: 'reject', actual: 'accept' });
    // a device passes every check exactly when the table puts it in the final row
    const passesEveryCheck = classifiedRow(ctx, c).row.id === FINAL_ROW;
    const message = finalMessage(ctx.table);
    if (passesEveryCheck && (outcome.error.message !== message || outcome.error.hints.join('') !== '')) {
      throw new Violation('a device passing every check must get the unconditional rejection', {
        expected: describeOutcome({ ok: false, error: { message, hints: [] } }),
        actual: describeOutcome(outcome),
        predicates: classifyCase(c, ctx.declaration),
      });
    }
  },
  cases: (c) => [{ label: 'case', case: c }],
  fromCase: (c) => c,
  batchCases: (_ctx, c) => [c],
};
