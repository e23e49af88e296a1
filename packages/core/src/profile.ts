/**
 * The profiles with CONFIG_VTD_ACCEL and vtd_check_hiod_accel(): both arrive with
 * intel_iommu_accel.[ch] and the VTD_ACCEL Kconfig symbol in the seed commit (cca621c7).
 */
export const VTD_ACCEL_PROFILES = ['seed', 'bridge', 'relaxed', 'fsts', 'pasid'] as const;
export type VtdAccelProfileId = (typeof VTD_ACCEL_PROFILES)[number];

/** The revisions of QEMU's check that hiodkit models, oldest first. */
export const PROFILES = ['aw-only', 'xflts-refuse', 'xflts-refuse-cm', 'xflts-refuse-fs', ...VTD_ACCEL_PROFILES] as const;
export type ProfileId = (typeof PROFILES)[number];

/** `release`: the code a QEMU release shipped; `development`: a state between releases, never shipped. */
export type ProfileState = 'release' | 'development';

export interface ProfileInfo {
  readonly id: ProfileId;
  /** The qemu commit whose behaviour the profile models. */
  readonly commit: string;
  readonly title: string;
  readonly state: ProfileState;
}

export const PROFILE_INFO: Readonly<Record<ProfileId, ProfileInfo>> = {
  'aw-only': { id: 'aw-only', commit: '77f6efc0ab93', title: 'vtd_check_hiod checks get_cap and aw-bits only', state: 'release' },
  'xflts-refuse': { id: 'xflts-refuse', commit: 'aa68a9fbdb81', title: "x-flts=on refused unconditionally: 'stage-1 translation'", state: 'release' },
  'xflts-refuse-cm': { id: 'xflts-refuse-cm', commit: '3cda33e06e72', title: 'caching-mode checked at attach, before the duplicate check', state: 'release' },
  'xflts-refuse-fs': { id: 'xflts-refuse-fs', commit: '4fda086f76c0', title: "the refusal says 'first stage translation'", state: 'development' },
  seed: { id: 'seed', commit: 'cca621c782d2', title: 'intel_iommu_accel: check host caps, then reject unconditionally', state: 'development' },
  bridge: { id: 'bridge', commit: '42fa8991b5e3', title: 'reject a device behind a PCI bridge when x-flts=on', state: 'development' },
  relaxed: { id: 'relaxed', commit: 'b0163f43195a', title: 'accept a device that passes every check (x-flts=on usable)', state: 'release' },
  fsts: { id: 'fsts', commit: 'c068e00cff16', title: "properties renamed 'scalable-mode' and 'fsts'", state: 'development' },
  pasid: { id: 'pasid', commit: 'fa1ce94ea83d', title: "'pasid-bits' property and the PASID bits size check", state: 'release' },
};

export function isProfileId(value: unknown): value is ProfileId {
  return typeof value === 'string' && (PROFILES as readonly string[]).includes(value);
}

/** True from `since` onwards in the series. */
export function profileAtLeast(profile: ProfileId, since: ProfileId): boolean {
  return PROFILES.indexOf(profile) >= PROFILES.indexOf(since);
}

/** Whether the revision has CONFIG_VTD_ACCEL, so that a build may link the accel checker or its stub. */
export function hasVtdAccel(profile: ProfileId): profile is VtdAccelProfileId {
  return (VTD_ACCEL_PROFILES as readonly string[]).includes(profile);
}
