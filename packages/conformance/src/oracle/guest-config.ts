import { PROFILES, type IntelIommuProps, type ProfileId } from '@hiodkit/core';

/**
 * Which guests a case may hold at a profile, written out by the kit from QEMU's sources (vtd_realize
 * and vtd_decide_config in hw/i386/intel_iommu.c, the DEFINE_PROP_* lists) rather than taken from
 * @hiodkit/core: the generators stay within QEMU's domain even when core's decideConfig is wrong.
 */

const at = (profile: ProfileId, since: ProfileId) => PROFILES.indexOf(profile) >= PROFILES.indexOf(since);

type Field = keyof IntelIommuProps;

/** The fields some profiles have no property for, when each exists, and the value it keeps elsewhere. */
const PARTIAL_FIELDS: readonly { readonly field: Field; readonly exists: (p: ProfileId) => boolean; readonly absentValue: IntelIommuProps[Field] }[] = [
  // x-flts and fs1gp: aa68a9fb, d9d32478 (xflts-refuse); x-flts is renamed fsts later but stays
  { field: 'flts', exists: (p) => at(p, 'xflts-refuse'), absentValue: false },
  { field: 'fs1gp', exists: (p) => at(p, 'xflts-refuse'), absentValue: true },
  // x-buggy-eim and dma-drain: removed with the fsts rename; svm arrives with it
  { field: 'buggyEim', exists: (p) => !at(p, 'fsts'), absentValue: false },
  { field: 'dmaDrain', exists: (p) => !at(p, 'fsts'), absentValue: true },
  { field: 'svm', exists: (p) => at(p, 'fsts'), absentValue: false },
  // x-pasid-mode (a bool) until pasid-bits (a width) replaces it
  { field: 'pasidMode', exists: (p) => !at(p, 'pasid'), absentValue: false },
  { field: 'pasidBits', exists: (p) => at(p, 'pasid'), absentValue: 0 },
];

/** The fields with no property at the profile, each set to the value it keeps there. */
export function absentFieldsAtDefault(props: IntelIommuProps, profile: ProfileId): IntelIommuProps {
  const out: Record<string, unknown> = { ...props };
  for (const { field, exists, absentValue } of PARTIAL_FIELDS) if (!exists(profile)) out[field] = absentValue;
  return out as unknown as IntelIommuProps;
}

/** One of vtd_realize's refusals, as a condition on the properties that makes QEMU refuse them. */
interface RealizeRule {
  readonly refuses: string;
  readonly when: (props: IntelIommuProps, profile: ProfileId) => boolean;
}

/** s->pasid: x-pasid-mode until the pasid profile, a non-zero pasid-bits from it. */
const pasidOn = (props: IntelIommuProps, profile: ProfileId) => (at(profile, 'pasid') ? props.pasidBits !== 0 : props.pasidMode);
/** s->fsts, which nothing sets before x-flts exists. */
const fltsOn = (props: IntelIommuProps, profile: ProfileId) => at(profile, 'xflts-refuse') && props.flts;

const REALIZE_RULES: readonly RealizeRule[] = [
  { refuses: 'x-pasid-mode with device-iotlb (until fsts)', when: (p, profile) => !at(profile, 'fsts') && p.pasidMode && p.deviceIotlb },
  { refuses: 'eim=on with intremap=off', when: (p) => p.eim === 'on' && p.intremap === 'off' },
  { refuses: 'x-flts without scalable mode', when: (p, profile) => fltsOn(p, profile) && !p.scalableMode },
  { refuses: 'aw-bits other than 39 or 48', when: (p, profile) => !fltsOn(p, profile) && p.awBits !== 39 && p.awBits !== 48 },
  { refuses: 'aw-bits other than 48 with x-flts', when: (p, profile) => fltsOn(p, profile) && p.awBits !== 48 },
  { refuses: 'scalable mode without dma-drain (until fsts)', when: (p, profile) => !at(profile, 'fsts') && p.scalableMode && !p.dmaDrain },
  { refuses: 'PASID without scalable mode', when: (p, profile) => pasidOn(p, profile) && !p.scalableMode },
  { refuses: 'pasid-bits above 20, the PCI maximum', when: (p, profile) => at(profile, 'pasid') && p.pasidBits > 20 },
  {
    refuses: 'svm without device-iotlb, fsts, dma-translation and PASID',
    when: (p, profile) => at(profile, 'fsts') && p.svm && !(p.deviceIotlb && fltsOn(p, profile) && p.dmaTranslation && pasidOn(p, profile)),
  },
];

/** Fields the profile has no property for that do not hold the value they keep there. */
export function absentFieldProblems(props: IntelIommuProps, profile: ProfileId): string[] {
  return PARTIAL_FIELDS.filter(({ field, exists, absentValue }) => !exists(profile) && props[field] !== absentValue).map(
    ({ field, absentValue }) => `${field} is ${JSON.stringify(props[field])}, but profile ${profile} has no property for it: it is always ${JSON.stringify(absentValue)} there`,
  );
}

/** What makes QEMU at the profile refuse these properties at realize, before any device is attached. */
export function realizeProblems(props: IntelIommuProps, profile: ProfileId): string[] {
  return REALIZE_RULES.filter((r) => r.when(props, profile)).map((r) => `vtd_realize refuses ${r.refuses}`);
}

/** Why these properties are not a guest of the profile, the plugin contract's domain: empty when they are one. */
export function guestProblems(props: IntelIommuProps, profile: ProfileId): string[] {
  return [...absentFieldProblems(props, profile), ...realizeProblems(props, profile)];
}
