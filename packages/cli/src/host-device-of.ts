import {
  IOMMU_HW_INFO_TYPE,
  decodeRegister,
  hostIommuTypeRegistry,
  TYPE_HOST_IOMMU_DEVICE_IOMMUFD_VFIO,
  u32,
  u64,
  type HostIommuDevice,
  type PciPlacement,
} from '@hiodkit/core';
import type { AwBitsSource } from './device-report.js';
import { estimateAwBits } from './host-aw-bits.js';
import type { SysfsUnit } from './sysfs.js';

/**
 * The HostIOMMUDevice QEMU would build for a device behind a DMAR unit: VT-d caps from the unit's
 * registers (sysfs shows neither hw_caps nor the errata flags), max_pasid_log2 from PSS where the
 * unit has PASID, and get_cap's aw-bits from the kernel's domain width unless given.
 */
export function hostDeviceOf(name: string, unit: SysfsUnit, pci: PciPlacement, awBits: number | undefined): { device: HostIommuDevice; awBits: AwBitsSource } {
  const fields = decodeRegister('ecap', unit.ecap).fields;
  const pss = fields.find((f) => f.field.name === 'PSS')?.meaning as number;
  const pasid = fields.find((f) => f.field.name === 'PASID')?.meaning === true;
  const estimate = estimateAwBits(unit.cap, unit.ecap);
  const bits = awBits ?? estimate.bits;
  const device: HostIommuDevice = {
    name,
    qom: hostIommuTypeRegistry().instantiate(TYPE_HOST_IOMMU_DEVICE_IOMMUFD_VFIO),
    caps: {
      type: u32(IOMMU_HW_INFO_TYPE.INTEL_VTD),
      hwCaps: u64(0n),
      vendorCaps: { vtd: { flags: u32(0), capReg: unit.cap, ecapReg: unit.ecap } },
      maxPasidLog2: pasid ? pss : 0,
    },
    // a unit the kernel brings up has a width; one it refuses gives VFIO no ranges, which QEMU takes as 64
    awBits: { kind: 'value', bits: bits ?? 64 },
    pci,
  };
  return { device, awBits: awBits !== undefined ? { from: 'option' } : { from: 'estimate', detail: estimate.detail } };
}
