import fc from 'fast-check';
import {
  TYPE_HOST_IOMMU_DEVICE,
  TYPE_HOST_IOMMU_DEVICE_IOMMUFD,
  TYPE_HOST_IOMMU_DEVICE_IOMMUFD_VFIO,
  TYPE_HOST_IOMMU_DEVICE_LEGACY_VFIO,
  hostIommuTypeRegistry,
  type QomObject,
  type TypeRegistry,
} from '@hiodkit/core';

/** A concrete iommufd subtype QEMU does not have: a checker must cast, not compare names. */
export const TYPE_KIT_IOMMUFD_SUBTYPE = 'host-iommu-device-iommufd-hiodkit';
/** A concrete host IOMMU device type outside iommufd that no checker knows by name. */
export const TYPE_KIT_UNKNOWN = 'host-iommu-device-hiodkit';

/** QEMU's host-IOMMU-device types plus the kit's two. */
export function kitTypeRegistry(): TypeRegistry {
  return hostIommuTypeRegistry()
    .register({ name: TYPE_KIT_IOMMUFD_SUBTYPE, parent: TYPE_HOST_IOMMU_DEVICE_IOMMUFD })
    .register({ name: TYPE_KIT_UNKNOWN, parent: TYPE_HOST_IOMMU_DEVICE });
}

const registry = kitTypeRegistry();

/** An instance of a host IOMMU device type: iommufd-vfio most often, legacy-vfio, the iommufd subtype, the unknown type. */
export const qomObjectArb = (): fc.Arbitrary<QomObject> =>
  fc
    .oneof(
      { weight: 5, arbitrary: fc.constant(TYPE_HOST_IOMMU_DEVICE_IOMMUFD_VFIO) },
      { weight: 2, arbitrary: fc.constant(TYPE_HOST_IOMMU_DEVICE_LEGACY_VFIO) },
      { weight: 2, arbitrary: fc.constant(TYPE_KIT_IOMMUFD_SUBTYPE) },
      { weight: 2, arbitrary: fc.constant(TYPE_KIT_UNKNOWN) },
    )
    .map((name) => registry.instantiate(name));
