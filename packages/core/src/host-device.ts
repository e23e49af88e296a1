import type { HostIommuDeviceCaps } from './caps.js';
import type { QemuError } from './error.js';
import type { PciPlacement } from './pci.js';
import type { QomObject } from './qom.js';

/** HOST_IOMMU_DEVICE_CAP_AW_BITS: the capability id vtd_check_hiod asks get_cap() for. */
export const HOST_IOMMU_DEVICE_CAP_AW_BITS = 1;
/** HOST_IOMMU_DEVICE_CAP_AW_BITS_MAX: what VFIO answers when the kernel reports no IOVA ranges. */
export const HOST_IOMMU_DEVICE_CAP_AW_BITS_MAX = 64;

/** What `HostIOMMUDeviceClass.get_cap(hiod, HOST_IOMMU_DEVICE_CAP_AW_BITS, errp)` does for a device. */
export type AwBitsAnswer =
  /** get_cap returns the host address width, 1..64 */
  | { readonly kind: 'value'; readonly bits: number }
  /** the class has no get_cap */
  | { readonly kind: 'no-get-cap' }
  /** get_cap returns < 0 having set this error (VFIO: "%s: unsupported capability %x") */
  | { readonly kind: 'error'; readonly error: QemuError };

/** QEMU `HostIOMMUDevice` as plain data, plus where its PCI device sits in the guest. */
export interface HostIommuDevice {
  /** name: the host BDF, e.g. `0000:02:00.0` */
  readonly name: string;
  /** the object's QOM type and its class chain */
  readonly qom: QomObject;
  readonly caps: HostIommuDeviceCaps;
  /** get_cap(HOST_IOMMU_DEVICE_CAP_AW_BITS) */
  readonly awBits: AwBitsAnswer;
  readonly pci: PciPlacement;
}
