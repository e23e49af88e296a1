import { hasVtdAccel } from '@hiodkit/core';
import { accelCaseArb } from '../arbitraries/cases.js';
import { buildsLinking } from '../oracle/kconfig-builds.js';
import type { Case } from '../oracle/predicates.js';
import { describeOutcome } from '../plugins/wire.js';
import { STUB_MESSAGE } from './stub.js';
import { Violation, outcomeOf, type PropertySpec } from './property.js';

/**
 * The plugin behaves as the checker that the builds resolving to its declared CONFIG_VTD_ACCEL
 * link (minikconf over the seed's rules): on inputs that reach vtd_check_hiod_accel, the accel
 * checker never gives the stub's error and the stub always does.
 */
export const kconfig: PropertySpec<Case> = {
  id: 'kconfig',
  title: 'behaves as the checker its declared Kconfig links, for every build that links it',
  notApplicable: (ctx) => (hasVtdAccel(ctx.profile) ? undefined : `profile ${ctx.profile} predates CONFIG_VTD_ACCEL: every build with VTD links the one check of intel_iommu.c`),
  arbitrary: (ctx) => accelCaseArb(ctx.profile, ctx.declaration),
  check(ctx, c) {
    const builds = buildsLinking(ctx.declaration);
    if (builds.length === 0) throw new Violation('no build of the 24 VTD × IOMMUFD × CONFIG_VTD_ACCEL × default-devices combinations links what the plugin declares');
    const accel = ctx.declaration.kconfig.VTD_ACCEL;
    const outcome = outcomeOf(ctx, c);
    const isStub = !outcome.ok && outcome.error.message === STUB_MESSAGE;
    if (accel === isStub) {
      const example = builds[0]?.label ?? '';
      throw new Violation(
        accel
          ? `the plugin declares CONFIG_VTD_ACCEL=y (e.g. ${example}), which links intel_iommu_accel.c, but answers with the stub's error`
          : `the plugin declares CONFIG_VTD_ACCEL=n (e.g. ${example}), which links the stub, but does not answer with the stub's error`,
        { expected: accel ? 'an answer from vtd_check_hiod_accel' : `reject: "${STUB_MESSAGE}"`, actual: describeOutcome(outcome) },
      );
    }
  },
  cases: (c) => [{ label: 'case', case: c }],
  fromCase: (c) => c,
  batchCases: (_ctx, c) => [c],
};
