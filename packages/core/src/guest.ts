import type { PciAddress } from './pci.js';
import { PROFILES, profileAtLeast, type ProfileId } from './profile.js';

export type OnOffAuto = 'on' | 'off' | 'auto';

/**
 * The `-device intel-iommu` properties (IntelIOMMUState and its X86IOMMUState parent) across every
 * profile. A field a revision lacks keeps its default there; the property table says which
 * property name sets which field in which profile.
 */
export interface IntelIommuProps {
  /** aw-bits (aw_bits, u8) */
  readonly awBits: number;
  /** caching-mode (caching_mode) */
  readonly cachingMode: boolean;
  /** x-scalable-mode, later scalable-mode (scalable_mode) */
  readonly scalableMode: boolean;
  /** x-flts, later fsts (IntelIOMMUState.fsts): first-stage translation, i.e. nesting */
  readonly flts: boolean;
  /** fs1gp: advertise first-stage 1GB pages to the guest */
  readonly fs1gp: boolean;
  /** x-pasid-mode (pasid, bool) until the pasid profile */
  readonly pasidMode: boolean;
  /** pasid-bits (pasid, u8) from the pasid profile */
  readonly pasidBits: number;
  /** dma-drain (dma_drain); removed by the fsts profile */
  readonly dmaDrain: boolean;
  /** svm, from the fsts profile */
  readonly svm: boolean;
  /** eim (intr_eim) */
  readonly eim: OnOffAuto;
  /** x-buggy-eim (buggy_eim); removed by the fsts profile */
  readonly buggyEim: boolean;
  /** snoop-control (snoop_control) */
  readonly snoopControl: boolean;
  /** stale-tm (stale_tm) */
  readonly staleTm: boolean;
  /** version (u32) */
  readonly version: number;
  /** intremap (X86IOMMUState.intr_supported) */
  readonly intremap: OnOffAuto;
  /** device-iotlb (X86IOMMUState.dt_supported) */
  readonly deviceIotlb: boolean;
  /** pt (X86IOMMUState.pt_supported) */
  readonly pt: boolean;
  /** dma-translation (X86IOMMUState.dma_translation) */
  readonly dmaTranslation: boolean;
}

/** QEMU's defaults (DEFINE_PROP_* in hw/i386/intel_iommu.c and hw/i386/x86-iommu.c), from xflts-refuse on. */
export const INTEL_IOMMU_DEFAULTS: IntelIommuProps = {
  awBits: 48,
  cachingMode: false,
  scalableMode: false,
  flts: false,
  fs1gp: true,
  pasidMode: false,
  pasidBits: 0,
  dmaDrain: true,
  svm: false,
  eim: 'auto',
  buggyEim: false,
  snoopControl: false,
  staleTm: false,
  version: 0,
  intremap: 'auto',
  deviceIotlb: false,
  pt: true,
  dmaTranslation: true,
};

/**
 * The defaults at a revision. aw-bits defaults to VTD_HOST_ADDRESS_WIDTH, which was VTD_HOST_AW_39BIT
 * until ddd84fd0, two patches before x-flts in the same pull, made it VTD_HOST_AW_48BIT.
 */
export function intelIommuDefaults(profile: ProfileId): IntelIommuProps {
  return profileAtLeast(profile, 'xflts-refuse') ? INTEL_IOMMU_DEFAULTS : { ...INTEL_IOMMU_DEFAULTS, awBits: 39 };
}

export type PropertyKind = 'bool' | 'on-off-auto' | 'uint8' | 'uint32';

/** One qdev property: its name at a revision and the field it sets. */
export interface PropertyDef {
  readonly name: string;
  readonly field: keyof IntelIommuProps;
  readonly kind: PropertyKind;
  /** The profiles in which the property exists under this name. */
  readonly profiles: readonly ProfileId[];
}

/** The profiles from `from` up to, not including, `until`. */
function between(from: ProfileId, until?: ProfileId): readonly ProfileId[] {
  return PROFILES.filter((p) => profileAtLeast(p, from) && (until === undefined || !profileAtLeast(p, until)));
}

const ALL = between('aw-only');
const UNTIL_FSTS = between('aw-only', 'fsts');
const FROM_FSTS = between('fsts');
// x-flts and fs1gp arrive together (aa68a9fb, d9d32478)
const XFLTS = between('xflts-refuse', 'fsts');
const FROM_XFLTS = between('xflts-refuse');

/** Every intel-iommu property, by revision. */
export const INTEL_IOMMU_PROPERTIES: readonly PropertyDef[] = [
  { name: 'version', field: 'version', kind: 'uint32', profiles: ALL },
  { name: 'eim', field: 'eim', kind: 'on-off-auto', profiles: ALL },
  { name: 'x-buggy-eim', field: 'buggyEim', kind: 'bool', profiles: UNTIL_FSTS },
  { name: 'aw-bits', field: 'awBits', kind: 'uint8', profiles: ALL },
  { name: 'caching-mode', field: 'cachingMode', kind: 'bool', profiles: ALL },
  { name: 'x-scalable-mode', field: 'scalableMode', kind: 'bool', profiles: UNTIL_FSTS },
  { name: 'scalable-mode', field: 'scalableMode', kind: 'bool', profiles: FROM_FSTS },
  { name: 'x-flts', field: 'flts', kind: 'bool', profiles: XFLTS },
  { name: 'fsts', field: 'flts', kind: 'bool', profiles: FROM_FSTS },
  { name: 'snoop-control', field: 'snoopControl', kind: 'bool', profiles: ALL },
  { name: 'x-pasid-mode', field: 'pasidMode', kind: 'bool', profiles: between('aw-only', 'pasid') },
  { name: 'pasid-bits', field: 'pasidBits', kind: 'uint8', profiles: ['pasid'] },
  { name: 'dma-drain', field: 'dmaDrain', kind: 'bool', profiles: UNTIL_FSTS },
  { name: 'svm', field: 'svm', kind: 'bool', profiles: FROM_FSTS },
  // stale-tm: 6ce12bd2, after 9.1.0; the version map drops it for 9.1
  { name: 'stale-tm', field: 'staleTm', kind: 'bool', profiles: ALL },
  { name: 'fs1gp', field: 'fs1gp', kind: 'bool', profiles: FROM_XFLTS },
  // X86IOMMUState, the parent class
  { name: 'intremap', field: 'intremap', kind: 'on-off-auto', profiles: ALL },
  { name: 'device-iotlb', field: 'deviceIotlb', kind: 'bool', profiles: ALL },
  { name: 'pt', field: 'pt', kind: 'bool', profiles: ALL },
  { name: 'dma-translation', field: 'dmaTranslation', kind: 'bool', profiles: ALL },
];

/** The properties intel-iommu has at a revision. */
export function propertiesOf(profile: ProfileId): PropertyDef[] {
  return INTEL_IOMMU_PROPERTIES.filter((p) => p.profiles.includes(profile));
}

/** The property name that sets `field` at a revision (e.g. flts → `x-flts` or `fsts`). */
export function propertyName(profile: ProfileId, field: keyof IntelIommuProps): string {
  const def = propertiesOf(profile).find((p) => p.field === field);
  if (!def) throw new RangeError(`intel-iommu has no property for ${field} in profile ${profile}`);
  return def.name;
}

/** IntelIOMMUState at attach time: its properties and the devices already attached. */
export interface VIommuState {
  readonly props: IntelIommuProps;
  /** the keys of s->vtd_host_iommu_dev: devices already set */
  readonly attached: readonly PciAddress[];
}

/** A vIOMMU with the given properties over QEMU's defaults and nothing attached. */
export function vIommu(props: Partial<IntelIommuProps> = {}, attached: readonly PciAddress[] = []): VIommuState {
  return { props: { ...INTEL_IOMMU_DEFAULTS, ...props }, attached };
}
