import { decodeRegister, describeMeaning, type DomainAddressWidth } from '@hiodkit/core';
import { hostAwBitsEstimate } from './sysfs.js';

/** get_cap(AW_BITS) estimated from a unit's registers, with the words that say how. */
export interface AwBitsEstimate {
  readonly bits: number | undefined;
  readonly width: DomainAddressWidth;
  /** e.g. "SAGAW 48-bit (4-level) capped at MGAW 39" */
  readonly detail: string;
}

/** The kernel's VFIO domain width for a unit, as QEMU would read it back (sysfs shows no IOVA ranges). */
export function estimateAwBits(cap: bigint, ecap: bigint): AwBitsEstimate {
  const width = hostAwBitsEstimate(cap, ecap);
  const sagaw = decodeRegister('cap', cap).fields.find((f) => f.field.name === 'SAGAW');
  const levels = sagaw === undefined ? '' : describeMeaning(sagaw.field, sagaw.meaning);
  if (width.width === undefined) {
    return { bits: undefined, width, detail: `SAGAW ${levels} has no level at or below 57 bits the kernel can use, so it does not bring the unit up` };
  }
  const top = 30 + 9 * (width.agaw as number);
  const capped = width.width < top ? `${top}-bit level capped at MGAW ${width.mgaw}` : `${top}-bit level, within MGAW ${width.mgaw}`;
  const stage = width.stage === 'first' ? '; a first-stage domain (the unit has no second stage), one bit less for canonical addresses' : '';
  return { bits: width.awBits, width, detail: `SAGAW ${levels}: the ${capped}${stage}` };
}
