import fc from 'fast-check';

/** HostIOMMUDeviceCaps.type: INTEL_VTD (1) often, every other named type, small values and values ≥ 2^31. */
export const hwInfoTypeArb = (): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(1) },
    { weight: 3, arbitrary: fc.constantFrom(0, 2, 3) },
    { weight: 1, arbitrary: fc.integer({ min: 4, max: 255 }) },
    { weight: 1, arbitrary: fc.constantFrom(0x8000_0000, 0xffff_ffff) },
    { weight: 1, arbitrary: fc.integer({ min: 0x8000_0000, max: 0xffff_ffff }) },
  );
