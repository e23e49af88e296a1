import { PROFILES, hasVtdAccel, type CheckerPlugin, type ProfileId } from '@hiodkit/core';
import { vtdCheckHiodAccel } from './accel.js';
import { attachOutcome, type AccelCheck } from './attach.js';

// before the seed vtd_check_hiod ends in its own refusal and calls no hook
const NO_HOOK: AccelCheck = () => {
  throw new Error('vtd_check_hiod has no accel hook before the seed');
};

/** The VT-d checker at a profile: a build with CONFIG_VTD_ACCEL=y, or before the seed any build with VTD. */
export function vtdPlugin(profile: ProfileId = 'seed'): CheckerPlugin {
  const accel = hasVtdAccel(profile) ? vtdCheckHiodAccel(profile) : NO_HOOK;
  return {
    name: `${hasVtdAccel(profile) ? 'vtd-accel' : 'vtd'}@${profile}`,
    implements: { profile, kconfig: { VTD_ACCEL: true } },
    check: (guest, device) => attachOutcome(guest, device, accel, profile),
  };
}

/** One VT-d checker per profile. */
export const VTD_PLUGINS: Readonly<Record<ProfileId, CheckerPlugin>> = Object.fromEntries(PROFILES.map((p) => [p, vtdPlugin(p)])) as Record<ProfileId, CheckerPlugin>;
