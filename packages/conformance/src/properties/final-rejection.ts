import fc from 'fast-check';
import { profileAtLeast } from '@hiodkit/core';
import { freeCaseArb } from '../arbitraries/cases.js';
import { classifyCase, type Assignment, type Case } from '../oracle/predicates.js';
import { realize } from '../oracle/realize.js';
import { describeOutcome } from '../plugins/wire.js';
import { Violation, outcomeOf, type PropertyContext, type PropertySpec } from './property.js';

/** SPEC §4.10: what vtd_check_hiod_accel says to a device that passes every check, at seed and bridge. */
export const FIRST_STAGE_REJECTION = 'host IOMMU is incompatible with guest first stage translation';

function passesEveryCheck(a: Assignment, ctx: PropertyContext): boolean {
  return (
    a.cachingMode === 'on' &&
    a.duplicate === 'no' &&
    a.awBits === 'guest-le-host' &&
    a.flts === 'on' &&
    a.iommufd === 'yes' &&
    a.vtdType === 'yes' &&
    (a.fs1gp === 'off' || a.hostFs1gp === 'set') &&
    (!profileAtLeast(ctx.profile, 'bridge') || a.aliased === 'no')
  );
}

/** With x-flts on nothing is accepted, and a device passing every check gets exactly the final message. */
export const finalRejection: PropertySpec<Case> = {
  id: 'final-rejection',
  title: `with x-flts on nothing is accepted; a device passing every check gets "${FIRST_STAGE_REJECTION}"`,
  notApplicable(ctx) {
    if (profileAtLeast(ctx.profile, 'relaxed')) return `profile ${ctx.profile} accepts devices that pass every check`;
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
    const predicates = classifyCase(c, ctx.declaration);
    if (passesEveryCheck(predicates, ctx) && (outcome.error.message !== FIRST_STAGE_REJECTION || outcome.error.hints.join('') !== '')) {
      throw new Violation('a device passing every check must get the unconditional rejection', {
        expected: describeOutcome({ ok: false, error: { message: FIRST_STAGE_REJECTION, hints: [] } }),
        actual: describeOutcome(outcome),
        predicates,
      });
    }
  },
  cases: (c) => [{ label: 'case', case: c }],
  fromCase: (c) => c,
};
