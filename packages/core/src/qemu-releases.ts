import type { IntelIommuProps } from './guest.js';
import type { ProfileId } from './profile.js';

/** A QEMU release and the revision of the attach check it shipped. */
export interface QemuRelease {
  /** `X.Y`, for the `X.Y.0` release */
  readonly version: string;
  readonly profile: ProfileId;
  /** the "Update version for vX.Y.0 release" commit; null where no source for it could be read */
  readonly releaseCommit: string | null;
  /** intel-iommu properties of the profile's table this release does not have yet */
  readonly lacks: readonly string[];
  /** how the release was tied to its profile */
  readonly evidence: string;
}

/**
 * Every release from the first with vtd_check_hiod (9.1) to the newest, oldest first. Each
 * profile's commit was merged before the release and the next profile's after it (docs/FIDELITY.md).
 */
export const QEMU_RELEASES: readonly QemuRelease[] = [
  {
    version: '9.1',
    profile: 'aw-only',
    releaseCommit: 'fd1952d814da738ed107e05583b3e02ac11e88ff',
    lacks: ['stale-tm'],
    evidence: 'vtd_check_hiod read at 77f6efc0 (July 2024); release 2024-09-03',
  },
  {
    version: '9.2',
    profile: 'aw-only',
    releaseCommit: 'ae35f033b874c627d81d51070187fbf55f0bf1a7',
    lacks: [],
    evidence: 'stale-tm merged 2024-11-04; release 2024-12-10; x-flts and the 48-bit default merged 2025-01-15',
  },
  {
    version: '10.0',
    profile: 'xflts-refuse',
    releaseCommit: '7c949c53e936aa3a658d84ab53bae5cadaa5d59c',
    lacks: [],
    evidence: 'x-flts read at aa68a9fb (merged 2025-01-15); release 2025-04-22',
  },
  {
    version: '10.1',
    profile: 'xflts-refuse',
    releaseCommit: 'f8b2f64e2336a28bf0d50b6ef8a7d8c013e9bcf3',
    lacks: [],
    evidence: 'the caching-mode move (3cda33e0) sits on "Open 10.2 development tree", after this release',
  },
  {
    version: '10.2',
    profile: 'xflts-refuse-cm',
    releaseCommit: '698104725efad4b29079d857dfdebbd804e34c99',
    lacks: [],
    evidence: '3cda33e0 read (for_upstream 2025-10-05); 4fda086f came in pull-vfio-20260113, after "Open 11.0 development tree"',
  },
  {
    version: '11.0',
    profile: 'relaxed',
    releaseCommit: null,
    lacks: [],
    evidence: 'pull-vfio-20260113 (4fda086f to b0163f43) merged at once as d03c3e52; the fsts rename reached master in June 2026',
  },
  {
    version: '11.1',
    profile: 'pasid',
    releaseCommit: null,
    lacks: [],
    evidence: 'inferred: the rename and PASID series went upstream 2026-06-03..15, before v11.1.0-rc0 (eca2c162, 2026-07-26)',
  },
];

/** An intel-iommu global that pc_compat_X_Y[] (hw/i386/pc.c) sets for machine types X.Y and older. */
export interface MachineCompat {
  readonly compat: string;
  /** the newest machine type it applies to */
  readonly upTo: string;
  /** the first release that has the entry */
  readonly fromQemu: string;
  readonly property: string;
  readonly field: keyof IntelIommuProps;
  readonly value: number | boolean;
  readonly commit: string;
}

/** The intel-iommu entries of the pc compat arrays; pc_compat_9_2[] and later have none. */
export const INTEL_IOMMU_MACHINE_COMPAT: readonly MachineCompat[] = [
  // hw/i386/pc.c, 6ce12bd2 ("Introduce property stale-tm"): { TYPE_INTEL_IOMMU_DEVICE, "stale-tm", "on" }
  { compat: 'pc_compat_9_1', upTo: '9.1', fromQemu: '9.2', property: 'stale-tm', field: 'staleTm', value: true, commit: '6ce12bd29777' },
  // hw/i386/pc.c, ddd84fd0 ("Set default aw_bits to 48 starting from QEMU 9.2"): { TYPE_INTEL_IOMMU_DEVICE, "aw-bits", "39" }
  { compat: 'pc_compat_9_1', upTo: '9.1', fromQemu: '10.0', property: 'aw-bits', field: 'awBits', value: 39, commit: 'ddd84fd0c1f8' },
];

/** The oldest machine type the map covers: the compat arrays were read from pc_compat_9_1 up. */
export const OLDEST_MAPPED_MACHINE = '9.1';
