import { InputError, describeValue } from './input-error.js';

declare const u32Brand: unique symbol;
declare const u64Brand: unique symbol;

/** A C `uint32_t`: an integer in [0, 2^32-1]. */
export type U32 = number & { readonly [u32Brand]: true };
/** A C `uint64_t`, always a bigint: register bits 53..63 do not survive a JS number. */
export type U64 = bigint & { readonly [u64Brand]: true };

export const U32_MAX = 0xffff_ffff;
export const U64_MAX = (1n << 64n) - 1n;

export function isU32(value: unknown): value is U32 {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= U32_MAX;
}

export function isU64(value: unknown): value is U64 {
  return typeof value === 'bigint' && value >= 0n && value <= U64_MAX;
}

/** Brands a number as u32; throws RangeError outside [0, 2^32-1]. */
export function u32(value: number): U32 {
  if (!isU32(value)) throw new RangeError(`${String(value)} is not a u32 (an integer in 0..4294967295)`);
  return value;
}

/** Brands a bigint as u64; throws RangeError outside [0, 2^64-1]. */
export function u64(value: bigint): U64 {
  if (!isU64(value)) throw new RangeError(`${String(value)} is not a u64 (an integer in 0..2^64-1)`);
  return value;
}

/** `0x…` lowercase, no padding: the form u64 values take in JSON. */
export function toHex(value: bigint | number): string {
  return `0x${value.toString(16)}`;
}

const PREFIXED_HEX = /^0[xX]([0-9a-fA-F]+)$/;
const SYSFS_HEX = /^[0-9a-f]+$/;

function parseHexDigits(text: string, path: string, max: bigint, typeName: string): bigint {
  const value = BigInt(`0x${text}`);
  if (value > max) throw new InputError(path, `0x${text} does not fit a ${typeName} (above 0x${max.toString(16)})`);
  return value;
}

function rejectNumber(value: number, path: string, typeName: string): never {
  if (!Number.isFinite(value)) throw new InputError(path, `${String(value)} is not a ${typeName}`);
  if (!Number.isInteger(value)) throw new InputError(path, `${String(value)} is not an integer`);
  if (value < 0) throw new InputError(path, `${String(value)} is negative; a ${typeName} is unsigned`);
  throw new InputError(path, `${String(value)} is above 2^53 and cannot be read exactly from a JSON number; write it as a hex string like "0x1f"`);
}

/**
 * A u64 from JSON: a `0x…` hex string, or the sysfs form (bare lowercase hex).
 * JSON numbers are refused outright: above 2^53 they have already been rounded by the parser.
 */
export function parseU64(value: unknown, path: string): U64 {
  if (typeof value === 'bigint') {
    if (isU64(value)) return value;
    throw new InputError(path, `${value.toString()} is outside 0..2^64-1`);
  }
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) {
      throw new InputError(path, `a u64 is written as a hex string, not a JSON number (got ${String(value)}; write "${toHex(value)}")`);
    }
    rejectNumber(value, path, 'u64');
  }
  if (typeof value !== 'string') throw new InputError(path, `expected a u64 as a hex string like "0x1f", got ${describeValue(value)}`);
  const prefixed = PREFIXED_HEX.exec(value);
  if (prefixed) return parseHexDigits(prefixed[1] as string, path, U64_MAX, 'u64') as U64;
  if (SYSFS_HEX.test(value)) return parseHexDigits(value, path, U64_MAX, 'u64') as U64;
  if (value.startsWith('-')) throw new InputError(path, `${JSON.stringify(value)} is negative; a u64 is unsigned`);
  throw new InputError(path, `${JSON.stringify(value)} is not hexadecimal (expected "0x" and 1-16 hex digits, or bare lowercase hex)`);
}

/** A u32 from JSON: a safe non-negative integer, or a `0x…` hex string. */
export function parseU32(value: unknown, path: string): U32 {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) rejectNumber(value, path, 'u32');
    if (value > U32_MAX) throw new InputError(path, `${String(value)} does not fit a u32 (above 4294967295)`);
    return value as U32;
  }
  if (typeof value !== 'string') throw new InputError(path, `expected a u32 as a number or a hex string like "0x1", got ${describeValue(value)}`);
  const prefixed = PREFIXED_HEX.exec(value);
  if (prefixed) return Number(parseHexDigits(prefixed[1] as string, path, BigInt(U32_MAX), 'u32')) as U32;
  if (value.startsWith('-')) throw new InputError(path, `${JSON.stringify(value)} is negative; a u32 is unsigned`);
  throw new InputError(path, `${JSON.stringify(value)} is not a u32 (expected a number or "0x" and hex digits)`);
}

/** Bits [lsb, msb] of a register, shifted down. */
export function bitField(reg: bigint, lsb: number, msb: number): bigint {
  const width = BigInt(msb - lsb + 1);
  return (reg >> BigInt(lsb)) & ((1n << width) - 1n);
}
