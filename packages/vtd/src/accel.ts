import {
  TYPE_HOST_IOMMU_DEVICE_IOMMUFD,
  IOMMU_HW_INFO_TYPE,
  VTD_CAP_FS1GP,
  bitField,
  dynamicCast,
  errorSetg,
  hasVtdAccel,
  isRequesterIdAliased,
  profileAtLeast,
  registerField,
  type ProfileId,
} from '@hiodkit/core';
import type { AccelCheck } from './attach.js';

const PSS = registerField('ecap', 'PSS');

/** VTD_ECAP_GET_PSS(ecap) + 1: the host's PASID width in bits. */
export function hostPasidBits(ecapReg: bigint): number {
  return Number(bitField(ecapReg, PSS.lsb, PSS.msb)) + 1;
}

/**
 * vtd_check_hiod_accel() (hw/i386/intel_iommu_accel.c) as of a profile's commit: the checks that
 * the host IOMMU can run the guest's first-stage page tables.
 */
export function vtdCheckHiodAccel(profile: ProfileId = 'seed'): AccelCheck {
  if (!hasVtdAccel(profile)) throw new RangeError(`profile ${profile} predates intel_iommu_accel.c (added by the seed, cca621c7)`);
  const renamed = profileAtLeast(profile, 'fsts');
  return (s, hiod, errp) => {
    const caps = hiod.caps;
    const vtd = caps.vendorCaps.vtd;

    // intel_iommu_accel.c: if (!object_dynamic_cast(OBJECT(hiod), TYPE_HOST_IOMMU_DEVICE_IOMMUFD))
    if (!dynamicCast(hiod.qom, TYPE_HOST_IOMMU_DEVICE_IOMMUFD)) {
      errorSetg(errp, renamed ? 'Need IOMMUFD backend when fsts=on' : 'Need IOMMUFD backend when x-flts=on');
      return false;
    }
    // intel_iommu_accel.c: if (caps->type != IOMMU_HW_INFO_TYPE_INTEL_VTD)
    if (caps.type !== IOMMU_HW_INFO_TYPE.INTEL_VTD) {
      errorSetg(errp, 'Incompatible host platform IOMMU type %d', caps.type);
      return false;
    }
    // intel_iommu_accel.c: if (s->fs1gp && !(vtd->cap_reg & VTD_CAP_FS1GP))
    if (s.props.fs1gp && (vtd.capReg & VTD_CAP_FS1GP) === 0n) {
      errorSetg(errp, 'First stage 1GB large page is unsupported by host IOMMU');
      return false;
    }
    // intel_iommu_accel.c (pasid): if (caps->max_pasid_log2 && s->pasid > hpasid)
    if (profileAtLeast(profile, 'pasid')) {
      const hpasid = hostPasidBits(vtd.ecapReg);
      if (caps.maxPasidLog2 !== 0 && s.props.pasidBits > hpasid) {
        errorSetg(errp, 'PASID bits size %d > host IOMMU PASID bits size %d', s.props.pasidBits, hpasid);
        return false;
      }
    }
    // intel_iommu_accel.c (bridge): if (pci_device_get_iommu_bus_devfn(pdev, &bus, NULL, NULL))
    if (profileAtLeast(profile, 'bridge') && isRequesterIdAliased(hiod.pci)) {
      errorSetg(
        errp,
        renamed ? 'Host device downstream to a PCI bridge is unsupported when fsts=on' : 'Host device downstream to a PCI bridge is unsupported when x-flts=on',
      );
      return false;
    }
    // intel_iommu_accel.c (relaxed): return true
    if (profileAtLeast(profile, 'relaxed')) return true;
    // intel_iommu_accel.c (seed, bridge): rejected unconditionally until the series is complete
    errorSetg(errp, 'host IOMMU is incompatible with guest first stage translation');
    return false;
  };
}
