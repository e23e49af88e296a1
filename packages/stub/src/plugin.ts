import { PROFILES, type CheckerPlugin, type ProfileId } from '@hiodkit/core';
import { attachOutcome } from '@hiodkit/vtd';
import { vtdCheckHiodAccelStub } from './stub.js';

/** intel_iommu.c's attach path linked with the stub: a build with CONFIG_VTD_ACCEL=n. */
export function stubPlugin(profile: ProfileId = 'seed'): CheckerPlugin {
  return {
    name: `vtd-stub@${profile}`,
    implements: { profile, kconfig: { VTD_ACCEL: false } },
    check: (guest, device) => attachOutcome(guest, device, vtdCheckHiodAccelStub),
  };
}

export const STUB_PLUGINS: Readonly<Record<ProfileId, CheckerPlugin>> = Object.fromEntries(PROFILES.map((p) => [p, stubPlugin(p)])) as Record<ProfileId, CheckerPlugin>;
