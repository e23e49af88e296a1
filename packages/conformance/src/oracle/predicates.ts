import type { HostIommuDevice, PluginDeclaration, VIommuState } from '@hiodkit/core';

/**
 * The abstract predicates of the attach checks (BEHAVIOUR §profile.order) a reference table keys its rows by. get_cap's state and the
 * aw-bits relation are one predicate (`awBits`): the relation exists only when get_cap answers.
 */
export const PREDICATE_VALUES = {
  cachingMode: ['on', 'off'],
  duplicate: ['no', 'yes'],
  awBits: ['guest-le-host', 'guest-gt-host', 'no-get-cap', 'get-cap-fails'],
  flts: ['on', 'off'],
  vtdAccel: ['y', 'n'],
  iommufd: ['yes', 'no'],
  vtdType: ['yes', 'no'],
  fs1gp: ['on', 'off'],
  hostFs1gp: ['set', 'clear'],
  aliased: ['no', 'yes'],
  pasid: ['host-no-pasid', 'guest-le-host', 'guest-gt-host'],
} as const;

export type PredicateName = keyof typeof PREDICATE_VALUES;
export type PredicateValue<P extends PredicateName = PredicateName> = (typeof PREDICATE_VALUES)[P][number];
/** A value for every predicate. */
export type Assignment = { readonly [P in PredicateName]: PredicateValue<P> };

export const PREDICATE_NAMES = Object.keys(PREDICATE_VALUES) as PredicateName[];

/** The guest's view and the host device: one input to a checker. */
export interface Case {
  readonly guest: VIommuState;
  readonly device: HostIommuDevice;
}

// The facts, written out here independently of @hiodkit/core's constants.
const VTD_CAP_FS1GP_BIT = 56n; // cap_reg FS1GP (Linux FL1GP)
const ECAP_PSS_LSB = 35n; // ecap_reg PSS, bits 39:35, PASID bits - 1
const ECAP_PSS_MASK = 0x1fn;
const IOMMU_HW_INFO_TYPE_INTEL_VTD = 1;
const TYPE_IOMMUFD = 'host-iommu-device-iommufd';

export function hostHasFs1gp(capReg: bigint): boolean {
  return ((capReg >> VTD_CAP_FS1GP_BIT) & 1n) === 1n;
}

/** VTD_ECAP_GET_PSS(ecap) + 1 */
export function hostPasidWidth(ecapReg: bigint): number {
  return Number((ecapReg >> ECAP_PSS_LSB) & ECAP_PSS_MASK) + 1;
}

export function isIommufdDevice(device: HostIommuDevice): boolean {
  return device.qom.type === TYPE_IOMMUFD || device.qom.ancestors.includes(TYPE_IOMMUFD);
}

/** Computes every predicate of a case; `vtdAccel` comes from what the plugin declares. */
export function classifyCase(c: Case, declaration: Pick<PluginDeclaration, 'kconfig'>): Assignment {
  const { guest, device } = c;
  const props = guest.props;
  const aw = device.awBits;
  return {
    cachingMode: props.cachingMode ? 'on' : 'off',
    duplicate: guest.attached.some((a) => a.bus === device.pci.bus && a.devfn === device.pci.devfn) ? 'yes' : 'no',
    awBits: aw.kind === 'no-get-cap' ? 'no-get-cap' : aw.kind === 'error' ? 'get-cap-fails' : props.awBits > aw.bits ? 'guest-gt-host' : 'guest-le-host',
    flts: props.flts ? 'on' : 'off',
    vtdAccel: declaration.kconfig.VTD_ACCEL ? 'y' : 'n',
    iommufd: isIommufdDevice(device) ? 'yes' : 'no',
    vtdType: device.caps.type === IOMMU_HW_INFO_TYPE_INTEL_VTD ? 'yes' : 'no',
    fs1gp: props.fs1gp ? 'on' : 'off',
    hostFs1gp: hostHasFs1gp(device.caps.vendorCaps.vtd.capReg) ? 'set' : 'clear',
    aliased: device.pci.upstreamBuses.includes('pci') ? 'yes' : 'no',
    pasid:
      device.caps.maxPasidLog2 === 0
        ? 'host-no-pasid'
        : props.pasidBits > hostPasidWidth(device.caps.vendorCaps.vtd.ecapReg)
          ? 'guest-gt-host'
          : 'guest-le-host',
  };
}
