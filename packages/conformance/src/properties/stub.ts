import { accelCaseArb } from '../arbitraries/cases.js';
import type { Case } from '../oracle/predicates.js';
import { describeOutcome } from '../plugins/wire.js';
import { Violation, outcomeOf, type PropertySpec } from './property.js';

/** BEHAVIOUR §attach.accel-stub: the !CONFIG_VTD_ACCEL stub's error, with its hint and no trailing newline. */
export const STUB_MESSAGE = 'host IOMMU cannot be checked!';
export const STUB_HINT = 'CONFIG_VTD_ACCEL is not enabled';

/** A plugin declaring the stub answers every input that reaches vtd_check_hiod_accel with the stub's error and hint. */
export const stub: PropertySpec<Case> = {
  id: 'stub',
  title: `a build without CONFIG_VTD_ACCEL answers "${STUB_MESSAGE}" with the hint "${STUB_HINT}" whenever the accel check is reached`,
  notApplicable: (ctx) => (ctx.declaration.kconfig.VTD_ACCEL ? 'the plugin declares the accel checker (CONFIG_VTD_ACCEL=y)' : undefined),
  arbitrary: (ctx) => accelCaseArb(ctx.profile, ctx.declaration),
  check(ctx, c) {
    const outcome = outcomeOf(ctx, c);
    if (outcome.ok || outcome.error.message !== STUB_MESSAGE || outcome.error.hints.join('') !== STUB_HINT) {
      throw new Violation('the stub must answer with its message and hint', {
        expected: describeOutcome({ ok: false, error: { message: STUB_MESSAGE, hints: [STUB_HINT] } }),
        actual: describeOutcome(outcome),
      });
    }
  },
  cases: (c) => [{ label: 'case', case: c }],
  fromCase: (c) => c,
  batchCases: (_ctx, c) => [c],
};
