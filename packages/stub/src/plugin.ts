import { VTD_ACCEL_PROFILES, hasVtdAccel, type CheckerPlugin, type ProfileId, type VtdAccelProfileId } from '@hiodkit/core';
import { attachOutcome } from '@hiodkit/vtd';
import { vtdCheckHiodAccelStub } from './stub.js';

/** intel_iommu.c's attach path linked with the stub: a build with CONFIG_VTD_ACCEL=n. */
export function stubPlugin(profile: ProfileId = 'seed'): CheckerPlugin {
  if (!hasVtdAccel(profile)) throw new RangeError(`profile ${profile} predates CONFIG_VTD_ACCEL and its stub (added by the seed, cca621c7)`);
  return {
    name: `vtd-stub@${profile}`,
    implements: { profile, kconfig: { VTD_ACCEL: false } },
    check: (guest, device) => attachOutcome(guest, device, vtdCheckHiodAccelStub, profile),
  };
}

/** One stub checker per profile that has CONFIG_VTD_ACCEL. */
export const STUB_PLUGINS: Readonly<Record<VtdAccelProfileId, CheckerPlugin>> = Object.fromEntries(VTD_ACCEL_PROFILES.map((p) => [p, stubPlugin(p)])) as Record<VtdAccelProfileId, CheckerPlugin>;
