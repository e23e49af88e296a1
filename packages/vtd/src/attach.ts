import {
  Errp,
  errorPropagate,
  errorSetg,
  reject,
  samePciAddress,
  ACCEPT,
  type HostIommuDevice,
  type Outcome,
  type QemuError,
  type VIommuState,
} from '@hiodkit/core';

/** The link-time hook vtd_check_hiod() ends in: vtd_check_hiod_accel() or its stub. */
export type AccelCheck = (s: VIommuState, hiod: HostIommuDevice, errp: Errp) => boolean;

/** vtd_check_hiod() (hw/i386/intel_iommu.c): the second-stage checks, then the accel hook when x-flts=on. */
export function vtdCheckHiod(s: VIommuState, hiod: HostIommuDevice, errp: Errp, accel: AccelCheck): boolean {
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
  // vtd_check_hiod: if (!s->fsts) return true: all second-stage checks passed
  if (!s.props.flts) return true;
  return accel(s, hiod, errp);
}

/** vtd_dev_set_iommu_device() (hw/i386/intel_iommu.c): steps 1-2, then vtd_check_hiod(). */
export function vtdDevSetIommuDevice(s: VIommuState, hiod: HostIommuDevice, errp: Errp, accel: AccelCheck): boolean {
  // vtd_dev_set_iommu_device: if (!s->caching_mode)
  if (!s.props.cachingMode) {
    errorSetg(errp, 'Device assignment is not allowed without enabling caching-mode=on for Intel IOMMU.');
    return false;
  }
  // vtd_dev_set_iommu_device: g_hash_table_lookup(s->vtd_host_iommu_dev, &key), key = {bus, devfn}
  if (s.attached.some((a) => samePciAddress(a, hiod.pci))) {
    errorSetg(errp, 'Host IOMMU device already exist');
    return false;
  }
  return vtdCheckHiod(s, hiod, errp, accel);
}

/** Runs the attach path and turns QEMU's `bool` + `errp` into an Outcome. */
export function attachOutcome(s: VIommuState, hiod: HostIommuDevice, accel: AccelCheck): Outcome {
  const errp = new Errp();
  const ok = vtdDevSetIommuDevice(s, hiod, errp, accel);
  if (ok !== (errp.error === null)) {
    throw new Error(`attach path returned ${String(ok)} ${errp.error ? 'with' : 'without'} an error`);
  }
  return ok ? ACCEPT : reject(errp.error as QemuError);
}
