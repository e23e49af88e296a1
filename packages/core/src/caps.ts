import type { U32, U64 } from './integers.js';

/** Linux `enum iommu_hw_info_type` (include/uapi/linux/iommufd.h): HostIOMMUDeviceCaps.type. */
export const IOMMU_HW_INFO_TYPE = {
  NONE: 0,
  INTEL_VTD: 1,
  ARM_SMMUV3: 2,
  TEGRA241_CMDQV: 3,
} as const;
export type IommuHwInfoTypeName = keyof typeof IOMMU_HW_INFO_TYPE;

/** The name of a known `type` value, or undefined (AMD=4 exists only in proposed kernel patches). */
export function iommuHwInfoTypeName(type: number): IommuHwInfoTypeName | undefined {
  return (Object.keys(IOMMU_HW_INFO_TYPE) as IommuHwInfoTypeName[]).find((k) => IOMMU_HW_INFO_TYPE[k] === type);
}

/** IOMMU_GET_HW_INFO out_capabilities bits (enum iommufd_hw_capabilities): HostIOMMUDeviceCaps.hw_caps. */
export const IOMMU_HW_CAP = {
  DIRTY_TRACKING: 1n << 0n,
  PCI_PASID_EXEC: 1n << 1n,
  PCI_PASID_PRIV: 1n << 2n,
} as const;

/** struct iommu_hw_info_vtd flags: the only one defined; it never makes a device incompatible. */
export const IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17 = 1;

/** `struct iommu_hw_info_vtd` (its `__reserved` u32 is always 0 and not modelled). */
export interface VtdVendorCaps {
  /** flags */
  readonly flags: U32;
  /** cap_reg: the raw VT-d Capability Register */
  readonly capReg: U64;
  /** ecap_reg: the raw VT-d Extended Capability Register */
  readonly ecapReg: U64;
}

/** QEMU `HostIOMMUDeviceCaps` (include/system/host_iommu_device.h). */
export interface HostIommuDeviceCaps {
  /** type: an `enum iommu_hw_info_type` value; legacy VFIO always reports 0 */
  readonly type: U32;
  /** hw_caps: IOMMU_HW_CAP_* bits */
  readonly hwCaps: U64;
  /** vendor_caps: a union in QEMU; the VT-d view is the one the checker reads */
  readonly vendorCaps: { readonly vtd: VtdVendorCaps };
  /** max_pasid_log2: IOMMU_GET_HW_INFO out_max_pasid_log2, a u8; 0 = no PASID support (read from the pasid profile on) */
  readonly maxPasidLog2: number;
}
