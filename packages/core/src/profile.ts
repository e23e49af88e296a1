/** The revisions of QEMU's check that hiodkit models, oldest first. */
export const PROFILES = ['seed', 'bridge', 'relaxed', 'fsts', 'pasid'] as const;
export type ProfileId = (typeof PROFILES)[number];

export interface ProfileInfo {
  readonly id: ProfileId;
  /** The qemu commit whose behaviour the profile models. */
  readonly commit: string;
  readonly title: string;
}

export const PROFILE_INFO: Readonly<Record<ProfileId, ProfileInfo>> = {
  seed: { id: 'seed', commit: 'cca621c782d2', title: 'intel_iommu_accel: check host caps, then reject unconditionally' },
  bridge: { id: 'bridge', commit: '42fa8991b5e3', title: 'reject a device behind a PCI bridge when x-flts=on' },
  relaxed: { id: 'relaxed', commit: 'b0163f43195a', title: 'accept a device that passes every check (x-flts=on usable)' },
  fsts: { id: 'fsts', commit: 'c068e00cff16', title: "properties renamed 'scalable-mode' and 'fsts'" },
  pasid: { id: 'pasid', commit: 'fa1ce94ea83d', title: "'pasid-bits' property and the PASID bits size check" },
};

export function isProfileId(value: unknown): value is ProfileId {
  return typeof value === 'string' && (PROFILES as readonly string[]).includes(value);
}

/** True from `since` onwards in the series. */
export function profileAtLeast(profile: ProfileId, since: ProfileId): boolean {
  return PROFILES.indexOf(profile) >= PROFILES.indexOf(since);
}
