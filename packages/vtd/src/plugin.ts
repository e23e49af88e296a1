import { PROFILES, type CheckerPlugin, type ProfileId } from '@hiodkit/core';
import { vtdCheckHiodAccel } from './accel.js';
import { attachOutcome } from './attach.js';

/** The VT-d accel checker at a profile: a build with CONFIG_VTD_ACCEL=y. */
export function vtdPlugin(profile: ProfileId = 'seed'): CheckerPlugin {
  const accel = vtdCheckHiodAccel(profile);
  return {
    name: `vtd-accel@${profile}`,
    implements: { profile, kconfig: { VTD_ACCEL: true } },
    check: (guest, device) => attachOutcome(guest, device, accel),
  };
}

/** One accel checker per profile. */
export const VTD_PLUGINS: Readonly<Record<ProfileId, CheckerPlugin>> = Object.fromEntries(PROFILES.map((p) => [p, vtdPlugin(p)])) as Record<ProfileId, CheckerPlugin>;
