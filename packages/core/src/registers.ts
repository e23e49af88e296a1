import { bitField } from './integers.js';

export type RegisterName = 'cap' | 'ecap';

/** How a field's raw bits turn into what they mean. */
export type FieldEncoding =
  | { readonly kind: 'flag' }
  /** stored as value−1: MGAW (width), NFR (count), PSS (PASID bits) */
  | { readonly kind: 'minus-one'; readonly unit: string }
  /** stored in 16-byte units: FRO, IRO (register offsets) */
  | { readonly kind: 'times-16' }
  /** one named capability per bit, lowest bit first; null marks a reserved bit */
  | { readonly kind: 'bitmap'; readonly bits: readonly (string | null)[] }
  /** ND: the unit supports 2^(4 + 2·ND) domain IDs */
  | { readonly kind: 'domains' }
  /** a plain number: MAMV, MHMV */
  | { readonly kind: 'number' };

export interface RegisterField {
  readonly register: RegisterName;
  /** Our name: the VT-d specification's abbreviation. */
  readonly name: string;
  /** The Linux macro stem (drivers/iommu/intel/iommu.h), where it differs. */
  readonly linuxName?: string;
  readonly lsb: number;
  readonly msb: number;
  readonly title: string;
  readonly encoding: FieldEncoding;
}

const flag = { kind: 'flag' } as const;

function field(
  register: RegisterName,
  name: string,
  lsb: number,
  msb: number,
  title: string,
  encoding: FieldEncoding = flag,
  linuxName?: string,
): RegisterField {
  return linuxName === undefined ? { register, name, lsb, msb, title, encoding } : { register, name, lsb, msb, title, encoding, linuxName };
}

/** Every named field of the Capability (VT-d 11.4.2) and Extended Capability (11.4.3) registers. */
export const VTD_REGISTER_FIELDS: readonly RegisterField[] = [
  field('cap', 'ND', 0, 2, 'Number of domains supported', { kind: 'domains' }),
  field('cap', 'AFL', 3, 3, 'Advanced fault logging'),
  field('cap', 'RWBF', 4, 4, 'Required write-buffer flushing'),
  field('cap', 'PLMR', 5, 5, 'Protected low-memory region'),
  field('cap', 'PHMR', 6, 6, 'Protected high-memory region'),
  field('cap', 'CM', 7, 7, 'Caching mode'),
  field('cap', 'SAGAW', 8, 12, 'Supported adjusted guest address widths', {
    kind: 'bitmap',
    bits: ['30-bit (2-level)', '39-bit (3-level)', '48-bit (4-level)', '57-bit (5-level)', null],
  }),
  field('cap', 'MGAW', 16, 21, 'Maximum guest address width', { kind: 'minus-one', unit: 'bits' }),
  field('cap', 'ZLR', 22, 22, 'Zero-length read'),
  field('cap', 'ISOCH', 23, 23, 'Isochrony'),
  field('cap', 'FRO', 24, 33, 'Fault-recording register offset', { kind: 'times-16' }),
  field('cap', 'SLLPS', 34, 37, 'Second-stage large page support', { kind: 'bitmap', bits: ['2MB', '1GB', null, null] }),
  field('cap', 'PSI', 39, 39, 'Page-selective invalidation'),
  field('cap', 'NFR', 40, 47, 'Number of fault-recording registers', { kind: 'minus-one', unit: 'registers' }),
  field('cap', 'MAMV', 48, 53, 'Maximum address mask value', { kind: 'number' }),
  field('cap', 'DWD', 54, 54, 'Write draining'),
  field('cap', 'DRD', 55, 55, 'Read draining'),
  field('cap', 'FS1GP', 56, 56, 'First-stage 1-GByte page support', flag, 'FL1GP'),
  field('cap', 'PI', 59, 59, 'Posted interrupts support'),
  field('cap', 'FS5LP', 60, 60, 'First-stage 5-level paging support', flag, 'FL5LP'),
  field('cap', 'ECMDS', 61, 61, 'Enhanced command support'),
  field('cap', 'ESIRTPS', 62, 62, 'Enhanced set interrupt root table pointer support'),
  field('cap', 'ESRTPS', 63, 63, 'Enhanced set root table pointer support'),

  field('ecap', 'C', 0, 0, 'Page-walk coherency'),
  field('ecap', 'QI', 1, 1, 'Queued invalidation support'),
  field('ecap', 'DT', 2, 2, 'Device-TLB support'),
  field('ecap', 'IR', 3, 3, 'Interrupt remapping support'),
  field('ecap', 'EIM', 4, 4, 'Extended interrupt mode'),
  field('ecap', 'PT', 6, 6, 'Pass through'),
  field('ecap', 'SC', 7, 7, 'Snoop control'),
  field('ecap', 'IRO', 8, 17, 'IOTLB register offset', { kind: 'times-16' }),
  field('ecap', 'MHMV', 20, 23, 'Maximum handle mask value', { kind: 'number' }),
  // VT-d 2.x fields that 3.0 made reserved (bits 24, 27, 28): named as legacy, so a 2.x-era unit's register decodes without "reserved" warnings
  field('ecap', 'ECS', 24, 24, 'Extended context support (legacy: VT-d 2.x; reserved from 3.0)'),
  field('ecap', 'MTS', 25, 25, 'Memory type support'),
  field('ecap', 'NEST', 26, 26, 'Nested translation support'),
  field('ecap', 'DIS', 27, 27, 'Deferred invalidate support (legacy: VT-d 2.x; reserved from 3.0)'),
  field('ecap', 'LPASID', 28, 28, 'PASID support (legacy: VT-d 2.x; reserved from 3.0, PASID moved to bit 40)', flag, 'BROKEN_PASID'),
  field('ecap', 'PRS', 29, 29, 'Page request support'),
  field('ecap', 'ERS', 30, 30, 'Execute request support'),
  field('ecap', 'SRS', 31, 31, 'Supervisor request support'),
  field('ecap', 'NWFS', 33, 33, 'No write flag support'),
  field('ecap', 'EAFS', 34, 34, 'Extended accessed flag support'),
  field('ecap', 'PSS', 35, 39, 'PASID size supported', { kind: 'minus-one', unit: 'PASID bits' }),
  field('ecap', 'PASID', 40, 40, 'Process address space ID support'),
  field('ecap', 'DIT', 41, 41, 'Device-TLB invalidation throttle'),
  field('ecap', 'PDS', 42, 42, 'Page-request drain support'),
  field('ecap', 'SMTS', 43, 43, 'Scalable mode translation support'),
  field('ecap', 'VCS', 44, 44, 'Virtual command support'),
  field('ecap', 'SLADS', 45, 45, 'Second-stage accessed/dirty support'),
  field('ecap', 'SSTS', 46, 46, 'Second-stage translation support', flag, 'SLTS'),
  field('ecap', 'FSTS', 47, 47, 'First-stage translation support', flag, 'FLTS'),
  field('ecap', 'SMPWC', 48, 48, 'Scalable-mode page-walk coherency'),
  field('ecap', 'RPS', 49, 49, 'RID-PASID support'),
  field('ecap', 'PMS', 51, 51, 'Performance monitoring support'),
];

/** The fields of one register, lowest bit first. */
export function registerFields(register: RegisterName): RegisterField[] {
  return VTD_REGISTER_FIELDS.filter((f) => f.register === register);
}

/** Looks a field up by our name or its Linux name; throws on an unknown name. */
export function registerField(register: RegisterName, name: string): RegisterField {
  const found = VTD_REGISTER_FIELDS.find((f) => f.register === register && (f.name === name || f.linuxName === name));
  if (!found) throw new RangeError(`${register}_reg has no field named ${name}`);
  return found;
}

/** A bit mask covering the field. */
export function fieldMask(f: RegisterField): bigint {
  return ((1n << BigInt(f.msb - f.lsb + 1)) - 1n) << BigInt(f.lsb);
}

/** VTD_CAP_FS1GP (hw/i386/intel_iommu_internal.h): cap_reg bit 56, the bit the seed's check reads. */
export const VTD_CAP_FS1GP = fieldMask(registerField('cap', 'FS1GP'));

/** What a field's bits mean: a flag, a number in the field's unit, or the names of the set bits. */
export type FieldMeaning = boolean | number | readonly string[];

export function meaningOf(f: RegisterField, raw: bigint): FieldMeaning {
  const e = f.encoding;
  switch (e.kind) {
    case 'flag':
      return raw !== 0n;
    case 'minus-one':
      return Number(raw) + 1;
    case 'times-16':
      return Number(raw) * 16;
    case 'domains':
      return 2 ** (4 + 2 * Number(raw));
    case 'number':
      return Number(raw);
    case 'bitmap':
      return e.bits.flatMap((name, bit) => ((raw >> BigInt(bit)) & 1n ? [name ?? `reserved bit ${bit}`] : []));
  }
}

/** The inverse of meaningOf(); throws RangeError for a meaning the field cannot hold. */
export function rawOf(f: RegisterField, meaning: FieldMeaning): bigint {
  const e = f.encoding;
  const max = (1n << BigInt(f.msb - f.lsb + 1)) - 1n;
  let raw: bigint;
  if (e.kind === 'flag') {
    if (typeof meaning !== 'boolean') throw new RangeError(`${f.name} is a flag: give true or false`);
    raw = meaning ? 1n : 0n;
  } else if (e.kind === 'bitmap') {
    if (!Array.isArray(meaning)) throw new RangeError(`${f.name} is a bitmap: give the names of the set bits`);
    raw = 0n;
    for (const name of meaning as readonly string[]) {
      const bit = e.bits.indexOf(name);
      const reserved = /^reserved bit (\d+)$/.exec(name);
      if (bit >= 0) raw |= 1n << BigInt(bit);
      else if (reserved) raw |= 1n << BigInt(reserved[1] as string);
      else throw new RangeError(`${f.name} has no bit named ${JSON.stringify(name)} (known: ${e.bits.filter((b) => b !== null).join(', ')})`);
    }
  } else {
    if (typeof meaning !== 'number' || !Number.isInteger(meaning)) throw new RangeError(`${f.name} needs an integer`);
    if (e.kind === 'minus-one') raw = BigInt(meaning - 1);
    else if (e.kind === 'number') raw = BigInt(meaning);
    else if (e.kind === 'times-16') {
      if (meaning % 16 !== 0) throw new RangeError(`${f.name} is in 16-byte units: ${meaning} is not a multiple of 16`);
      raw = BigInt(meaning / 16);
    } else {
      const n = (Math.log2(meaning) - 4) / 2;
      if (!Number.isInteger(n)) throw new RangeError(`${f.name}: ${meaning} domains is not 2^(4+2n)`);
      raw = BigInt(n);
    }
  }
  if (raw < 0n || raw > max) throw new RangeError(`${f.name} (bits ${f.msb}:${f.lsb}) cannot hold ${JSON.stringify(meaning)}`);
  return raw;
}

export interface DecodedField {
  readonly field: RegisterField;
  readonly raw: bigint;
  readonly meaning: FieldMeaning;
}

export interface DecodedRegister {
  readonly register: RegisterName;
  readonly value: bigint;
  readonly fields: readonly DecodedField[];
  /** Bits set outside every named field (reserved in the specification); kept so encode(decode(x)) === x. */
  readonly reserved: bigint;
}

export function decodeRegister(register: RegisterName, value: bigint): DecodedRegister {
  const fields = registerFields(register);
  let covered = 0n;
  const decoded = fields.map((f) => {
    covered |= fieldMask(f);
    const raw = bitField(value, f.lsb, f.msb);
    return { field: f, raw, meaning: meaningOf(f, raw) };
  });
  return { register, value, fields: decoded, reserved: value & ~covered & ((1n << 64n) - 1n) };
}

/** Builds a register from raw field values (by our name or the Linux name) plus any reserved bits. */
export function encodeRegister(register: RegisterName, raw: Readonly<Record<string, bigint>>, reserved = 0n): bigint {
  let value = 0n;
  for (const [name, bits] of Object.entries(raw)) {
    const f = registerField(register, name);
    const max = (1n << BigInt(f.msb - f.lsb + 1)) - 1n;
    if (bits < 0n || bits > max) throw new RangeError(`${f.name} (bits ${f.msb}:${f.lsb}) cannot hold raw value ${bits}`);
    value |= bits << BigInt(f.lsb);
  }
  const overlap = reserved & registerFields(register).reduce((m, f) => m | fieldMask(f), 0n);
  if (overlap !== 0n) throw new RangeError(`reserved bits 0x${overlap.toString(16)} overlap named fields of ${register}_reg`);
  return value | reserved;
}

/** A one-line rendering of a field's meaning for tables. */
export function describeMeaning(f: RegisterField, meaning: FieldMeaning): string {
  if (typeof meaning === 'boolean') return meaning ? 'yes' : 'no';
  if (typeof meaning === 'number') {
    const e = f.encoding;
    // NFR 1 is "1 register", PSS 1 "1 PASID bit"
    if (e.kind === 'minus-one') return `${meaning} ${meaning === 1 ? e.unit.replace(/s$/, '') : e.unit}`;
    if (e.kind === 'times-16') return `offset 0x${meaning.toString(16)}`;
    if (e.kind === 'domains') return `${meaning} domains`;
    return String(meaning);
  }
  return meaning.length === 0 ? 'none' : meaning.join(', ');
}
