import { qemuError } from './error.js';
import type { IntelIommuProps } from './guest.js';
import { ACCEPT, reject, type Outcome } from './outcome.js';
import { profileAtLeast, type ProfileId } from './profile.js';

/** VTD_HOST_AW_39BIT / VTD_HOST_AW_48BIT */
export const VTD_HOST_AW_39BIT = 39;
export const VTD_HOST_AW_48BIT = 48;
/** PCI_EXT_CAP_PASID_MAX_WIDTH */
export const PCI_EXT_CAP_PASID_MAX_WIDTH = 20;

/**
 * x86_iommu_ir_supported() after x86_iommu_realize(): intremap=auto resolves to on unless the
 * machine runs kernel-irqchip=on, which hiodkit does not model (TCG and split irqchip give on).
 */
function irSupported(props: IntelIommuProps): boolean {
  return props.intremap !== 'off';
}

/** s->pasid: x-pasid-mode until the pasid profile, then pasid-bits (non-zero). */
function pasidEnabled(props: IntelIommuProps, profile: ProfileId): boolean {
  return profileAtLeast(profile, 'pasid') ? props.pasidBits !== 0 : props.pasidMode;
}

/**
 * vtd_realize()'s configuration checks, first failure wins: the realize-time PASID check (until
 * fsts), then vtd_decide_config() (hw/i386/intel_iommu.c). The KVM X2APIC check is out of scope.
 */
export function decideConfig(props: IntelIommuProps, profile: ProfileId = 'seed'): Outcome {
  const renamed = profileAtLeast(profile, 'fsts');
  const pasid = pasidEnabled(props, profile);
  // intel_iommu.c@77f6efc0 has no flts field: nothing before x-flts reads it
  const flts = profileAtLeast(profile, 'xflts-refuse') && props.flts;

  // vtd_realize, until fsts: PASID-based device-TLB invalidation is not emulated
  if (!renamed && props.pasidMode && props.deviceIotlb) return reject(qemuError('PASID based device IOTLB is not supported'));
  if (props.eim === 'on' && !irSupported(props)) return reject(qemuError('eim=on cannot be selected without intremap=on'));
  if (flts && !props.scalableMode) {
    return reject(qemuError(renamed ? 'fsts is only available in scalable mode' : 'x-flts is only available in scalable mode'));
  }
  if (!flts && props.awBits !== VTD_HOST_AW_39BIT && props.awBits !== VTD_HOST_AW_48BIT) {
    // intel_iommu.c@77f6efc0 vtd_decide_config: no mode named before x-flts
    if (!profileAtLeast(profile, 'xflts-refuse')) return reject(qemuError('Supported values for aw-bits are: %d, %d', VTD_HOST_AW_39BIT, VTD_HOST_AW_48BIT));
    const mode = props.scalableMode ? (renamed ? 'Scalable mode(fsts=off)' : 'Scalable mode(flts=off)') : 'Legacy mode';
    return reject(qemuError('%s: supported values for aw-bits are: %d, %d', mode, VTD_HOST_AW_39BIT, VTD_HOST_AW_48BIT));
  }
  if (flts && props.awBits !== VTD_HOST_AW_48BIT) {
    // 4fda086f rewrote intel_iommu.c@aa68a9fb's "flts=on" as "x-flts=on"; c068e00c made it "fsts=on"
    const format = renamed
      ? 'Scalable mode(fsts=on): supported value for aw-bits is: %d'
      : profileAtLeast(profile, 'xflts-refuse-fs')
        ? 'Scalable mode(x-flts=on): supported value for aw-bits is: %d'
        : 'Scalable mode(flts=on): supported value for aw-bits is: %d';
    return reject(qemuError(format, VTD_HOST_AW_48BIT));
  }
  if (!renamed && props.scalableMode && !props.dmaDrain) return reject(qemuError('Need to set dma_drain for scalable mode'));
  if (pasid && !props.scalableMode) return reject(qemuError('Need to set scalable mode for PASID'));
  if (profileAtLeast(profile, 'pasid') && props.pasidBits > PCI_EXT_CAP_PASID_MAX_WIDTH) {
    return reject(qemuError('PASID width %d exceeds Max PASID Width %d allowed in PCI spec', props.pasidBits, PCI_EXT_CAP_PASID_MAX_WIDTH));
  }
  if (renamed && props.svm) {
    if (!props.deviceIotlb) return reject(qemuError('Need to set device IOTLB for svm'));
    if (!flts) return reject(qemuError('Need to set fsts for svm'));
    if (!props.dmaTranslation) return reject(qemuError('Need to set dma-translation for svm'));
    if (!pasid) return reject(qemuError('Need to set PASID support for svm'));
  }
  return ACCEPT;
}
