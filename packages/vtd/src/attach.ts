import {
  Errp,
  errorPropagate,
  errorSetg,
  profileAtLeast,
  reject,
  samePciAddress,
  ACCEPT,
  type HostIommuDevice,
  type Outcome,
  type ProfileId,
  type QemuError,
  type VIommuState,
} from '@hiodkit/core';

/** The link-time hook vtd_check_hiod() ends in: vtd_check_hiod_accel() or its stub. */
export type AccelCheck = (s: VIommuState, hiod: HostIommuDevice, errp: Errp) => boolean;

/**
 * vtd_check_hiod() (hw/i386/intel_iommu.c): the second-stage checks, then with x-flts on the
 * revision's refusal or, from the seed on, the accel hook.
 */
export function vtdCheckHiod(s: VIommuState, hiod: HostIommuDevice, errp: Errp, accel: AccelCheck, profile: ProfileId = 'seed'): boolean {
  // vtd_check_hiod: if (!hiodc->get_cap)
  if (hiod.awBits.kind === 'no-get-cap') {
    errorSetg(errp, '.get_cap() not implemented');
    return false;
  }
  // vtd_check_hiod: ret = hiodc->get_cap(hiod, HOST_IOMMU_DEVICE_CAP_AW_BITS, errp); if (ret < 0)
  if (hiod.awBits.kind === 'error') {
    errorPropagate(errp, hiod.awBits.error);
    return false;
  }
  // vtd_check_hiod: if (s->aw_bits > ret)
  if (s.props.awBits > hiod.awBits.bits) {
    errorSetg(errp, 'aw-bits %d > host aw-bits %d', s.props.awBits, hiod.awBits.bits);
    return false;
  }
  // intel_iommu.c@77f6efc0 vtd_check_hiod: return true, there is no x-flts yet
  if (!profileAtLeast(profile, 'xflts-refuse')) return true;
  // vtd_check_hiod: if (!s->fsts) return true: all second-stage checks passed
  if (!s.props.flts) return true;
  // intel_iommu.c@aa68a9fb vtd_check_hiod: error_setg(errp, "host device is uncompatible with stage-1 translation")
  if (!profileAtLeast(profile, 'xflts-refuse-fs')) {
    errorSetg(errp, 'host device is uncompatible with stage-1 translation');
    return false;
  }
  // intel_iommu.c@4fda086f vtd_check_hiod: the same refusal in VT-d 3.4's terms, until the seed hands it to the accel hook
  if (!profileAtLeast(profile, 'seed')) {
    errorSetg(errp, 'host device is uncompatible with first stage translation');
    return false;
  }
  return accel(s, hiod, errp);
}

/** vtd_dev_set_iommu_device() (hw/i386/intel_iommu.c): caching mode (from 3cda33e0), the duplicate, then vtd_check_hiod(). */
export function vtdDevSetIommuDevice(s: VIommuState, hiod: HostIommuDevice, errp: Errp, accel: AccelCheck, profile: ProfileId = 'seed'): boolean {
  // intel_iommu.c@3cda33e0 vtd_dev_set_iommu_device: if (!s->caching_mode); before it a machine-done notifier exited instead
  if (profileAtLeast(profile, 'xflts-refuse-cm') && !s.props.cachingMode) {
    errorSetg(errp, 'Device assignment is not allowed without enabling caching-mode=on for Intel IOMMU.');
    return false;
  }
  // vtd_dev_set_iommu_device: g_hash_table_lookup(s->vtd_host_iommu_dev, &key), key = {bus, devfn}
  if (s.attached.some((a) => samePciAddress(a, hiod.pci))) {
    errorSetg(errp, 'Host IOMMU device already exist');
    return false;
  }
  return vtdCheckHiod(s, hiod, errp, accel, profile);
}

/** Runs the attach path at a profile and turns QEMU's `bool` + `errp` into an Outcome. */
export function attachOutcome(s: VIommuState, hiod: HostIommuDevice, accel: AccelCheck, profile: ProfileId = 'seed'): Outcome {
  const errp = new Errp();
  const ok = vtdDevSetIommuDevice(s, hiod, errp, accel, profile);
  if (ok !== (errp.error === null)) {
    throw new Error(`attach path returned ${String(ok)} ${errp.error ? 'with' : 'without'} an error`);
  }
  return ok ? ACCEPT : reject(errp.error as QemuError);
}
