import { bitField } from './integers.js';
import { registerField } from './registers.js';

/*
 * The IOVA width the Linux VT-d driver gives a paging domain on one unit, which is what QEMU's
 * get_cap(HOST_IOMMU_DEVICE_CAP_AW_BITS) reads back through the IOVA ranges (the last range's top
 * bit + 1). LuBaolu/intel-iommu:drivers/iommu/intel/iommu.c@75c36ace: iommu->agaw is the highest
 * level at or below DEFAULT_DOMAIN_ADDRESS_WIDTH (57) in __iommu_calculate_sagaw(); attaching a
 * domain caps agaw_to_width(iommu->agaw) at cap_mgaw(); the aperture ends at 2^width - 1 for a
 * second-stage domain and 2^(width-1) - 1 for a first-stage one (canonical addresses).
 */

const SAGAW = registerField('cap', 'SAGAW');
const MGAW = registerField('cap', 'MGAW');
const FS5LP = registerField('cap', 'FS5LP');
const SMTS = registerField('ecap', 'SMTS');
const FSTS = registerField('ecap', 'FSTS');
const SSTS = registerField('ecap', 'SSTS');

/** DEFAULT_DOMAIN_ADDRESS_WIDTH: iommu_calculate_agaw() starts its walk at width_to_agaw(57). */
export const DEFAULT_DOMAIN_ADDRESS_WIDTH = 57;
/** MAX_AGAW_WIDTH: agaw_to_width() never exceeds 64. */
const MAX_AGAW_WIDTH = 64;

/** agaw_to_width(): 30 + 9·agaw, at most 64. */
export function agawToWidth(agaw: number): number {
  return Math.min(30 + agaw * 9, MAX_AGAW_WIDTH);
}

function flag(value: bigint, field: typeof SAGAW): boolean {
  return bitField(value, field.lsb, field.msb) !== 0n;
}

/**
 * __iommu_calculate_sagaw(): second-stage SAGAW unless scalable mode is in use with first-stage
 * translation; then the first-stage levels (4, and 5 with FL5LP), or their overlap with SAGAW.
 */
export function effectiveSagaw(cap: bigint, ecap: bigint, scalableMode: boolean): number {
  const slSagaw = Number(bitField(cap, SAGAW.lsb, SAGAW.msb));
  const flSagaw = (1 << 2) | (flag(cap, FS5LP) ? 1 << 3 : 0);
  // sm_supported() is intel_iommu_sm && ecap_smts()
  if (!(scalableMode && flag(ecap, SMTS)) || !flag(ecap, FSTS)) return slSagaw;
  if (!flag(ecap, SSTS)) return flSagaw;
  return flSagaw & slSagaw;
}

/** The stage of the domain VFIO and iommufd get (IOMMU_DOMAIN_UNMANAGED in first_level_by_default()). */
export type DomainStage = 'second' | 'first';

/** What the kernel makes of one unit's registers for a VFIO domain. */
export interface DomainAddressWidth {
  /** the AGAW bitmap iommu_calculate_agaw() walks */
  readonly sagaw: number;
  /** iommu->agaw, or undefined when no level at or below 57 bits is set (the kernel refuses the unit) */
  readonly agaw: number | undefined;
  /** cap_mgaw() */
  readonly mgaw: number;
  /** domain->gaw: agaw_to_width(agaw) capped at MGAW */
  readonly width: number | undefined;
  /** first_level_by_default(IOMMU_DOMAIN_UNMANAGED): first stage only where the unit has no second stage */
  readonly stage: DomainStage;
  /** the IOVA width QEMU reads: width, or width - 1 for a first-stage domain */
  readonly awBits: number | undefined;
}

/** The VT-d domain width for a unit, as the kernel computes it; `scalableMode` is intel_iommu=sm_on (or the kernel's default). */
export function vtdDomainAddressWidth(cap: bigint, ecap: bigint, scalableMode: boolean): DomainAddressWidth {
  const sagaw = effectiveSagaw(cap, ecap, scalableMode);
  const mgaw = Number(bitField(cap, MGAW.lsb, MGAW.msb)) + 1;
  // __iommu_calculate_agaw(): for (agaw = width_to_agaw(max_gaw); agaw >= 0; agaw--) if (test_bit(agaw, &sagaw)) break;
  let agaw: number | undefined;
  for (let a = Math.ceil((DEFAULT_DOMAIN_ADDRESS_WIDTH - 30) / 9); a >= 0; a--) {
    if ((sagaw >> a) & 1) {
      agaw = a;
      break;
    }
  }
  const width = agaw === undefined ? undefined : Math.min(agawToWidth(agaw), mgaw);
  // first_level_by_default(): legacy mode is second stage; one stage only is that stage; both give UNMANAGED the second
  const sm = scalableMode && flag(ecap, SMTS);
  const stage: DomainStage = sm && flag(ecap, FSTS) && !flag(ecap, SSTS) ? 'first' : 'second';
  const awBits = width === undefined ? undefined : stage === 'first' ? width - 1 : width;
  return { sagaw, agaw, mgaw, width, stage, awBits };
}
