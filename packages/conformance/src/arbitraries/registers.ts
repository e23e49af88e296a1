import fc from 'fast-check';

const U64_MAX = (1n << 64n) - 1n;
const FS1GP = 1n << 56n;

/** Registers worth trying on their own: the all-ones/all-zeros edges and the bits around FS1GP. */
export const SPECIAL_U64 = [
  0n,
  U64_MAX,
  1n << 63n,
  1n << 55n,
  1n << 56n,
  1n << 57n,
  // bits 0..55 set: Number() rounds this up to 2^56, inventing FS1GP
  FS1GP - 1n,
  // every bit but FS1GP: Number() rounds the carry into bit 56 as well
  U64_MAX ^ FS1GP,
] as const;

/** A contiguous run of ones from bit `lo` to bit `hi`: the patterns that make a JS number round. */
export const onesRunArb = (): fc.Arbitrary<bigint> =>
  fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 })).map(([a, b]) => {
    const lo = BigInt(Math.min(a, b));
    const hi = BigInt(Math.max(a, b));
    return ((1n << (hi - lo + 1n)) - 1n) << lo;
  });

/** A u64 register: uniform 64-bit values mixed with values biased to the bits that matter. */
export const u64Arb = (): fc.Arbitrary<bigint> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.bigInt({ min: 0n, max: U64_MAX }) },
    { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_U64) },
    { weight: 2, arbitrary: onesRunArb() },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.bigInt({ min: 0n, max: U64_MAX }), fc.constantFrom(55n, 56n, 57n, 63n))
        .map(([v, bit]) => v ^ (1n << bit)),
    },
  );

/**
 * Registers whose bit 56 a JS number gets wrong: all ones below bit 56 round up into it (FS1GP
 * clear reads as set), all ones below bit 57 round up past it (FS1GP set reads as clear).
 */
export const fs1gpRoundingArb = (): fc.Arbitrary<bigint> =>
  fc.oneof(
    fc.tuple(fc.bigInt({ min: 0n, max: 127n }), fc.bigInt({ min: 0n, max: 3n })).map(([high, low]) => (high << 57n) | ((FS1GP - 1n) & ~(high === 0n ? low : 0n))),
    fc.bigInt({ min: 0n, max: 63n }).map((high) => (high << 58n) | ((FS1GP << 1n) - 1n)),
  );

/** cap_reg: any u64, with FS1GP (bit 56) set in about half the values and clear in the rest. */
export const capRegArb = (): fc.Arbitrary<bigint> =>
  fc.oneof(
    { weight: 7, arbitrary: fc.tuple(u64Arb(), fc.boolean()).map(([v, fs1gp]) => (fs1gp ? v | FS1GP : v & ~FS1GP)) },
    { weight: 2, arbitrary: fs1gpRoundingArb() },
  );

/** ecap_reg: any u64 (PSS, bits 39:35, is then uniform over 0..31). */
export const ecapRegArb = (): fc.Arbitrary<bigint> => u64Arb();
