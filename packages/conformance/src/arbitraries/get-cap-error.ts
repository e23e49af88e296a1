import fc from 'fast-check';
import type { QemuError } from '@hiodkit/core';

/**
 * Errors a get_cap() may set, each a different trap for a checker that does not pass the error on
 * as it is: VFIO's own message bare and with hints, hints in one or two pieces, a message with a
 * printf conversion in it (for a checker that formats it again), one ending in a newline, and a
 * hint of no text (error_append_hint with an empty string).
 */
export function getCapErrors(name: string): readonly QemuError[] {
  return [
    { message: `${name}: unsupported capability 1`, hints: [] },
    { message: `${name}: unsupported capability 1`, hints: ['the host kernel reports no IOVA ranges\n'] },
    { message: `${name}: failed to get IOMMU capabilities`, hints: ['iommufd: IOMMU_GET_HW_INFO failed\n', 'errno 25: Inappropriate ioctl for device\n'] },
    { message: `${name}: capability %d unsupported, 100% sure`, hints: ['%s is not a hint\n'] },
    { message: `${name}: unsupported capability 1\n`, hints: [] },
    { message: `${name}: unsupported capability 1`, hints: [''] },
  ];
}

/** An error get_cap() sets: one of getCapErrors, or any text with zero to two hint pieces. */
export const getCapErrorArb = (name: string): fc.Arbitrary<QemuError> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...getCapErrors(name)) },
    { weight: 2, arbitrary: fc.record({ message: fc.string({ minLength: 1, maxLength: 40 }), hints: fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 2 }) }) },
    { weight: 1, arbitrary: fc.record({ message: fc.string({ minLength: 1, maxLength: 40 }), hints: fc.constant([]) }) },
  );
