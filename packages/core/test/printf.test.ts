import { describe, expect, it } from 'vitest';
import { FormatError, cFormat } from '@hiodkit/core';
import { thrownBy } from './fixtures.js';

describe('cFormat (C printf)', () => {
  it.each([
    // %d of a uint32_t, as QEMU prints caps->type
    ['%d', 1, '1'],
    ['%d', 2147483647, '2147483647'],
    ['%d', 2147483648, '-2147483648'],
    ['%d', 4294967295, '-1'],
    ['%d', 0, '0'],
    ['%i', 4294967294, '-2'],
    ['%d', -5, '-5'],
    ['%u', 4294967295, '4294967295'],
    ['%u', -1, '4294967295'],
    ['%x', 255, 'ff'],
    ['%X', 255, 'FF'],
    ['%x', 1, '1'],
    ['%#x', 255, '0xff'],
    ['%#x', 0, '0'],
    ['%x', -1, 'ffffffff'],
    ['%lx', 18446744073709551615n, 'ffffffffffffffff'],
    ['%llu', 18446744073709551615n, '18446744073709551615'],
    ['%lld', 18446744073709551615n, '-1'],
    ['%hhu', 256, '0'],
    ['%hd', 65535, '-1'],
    ['%5d', 42, '   42'],
    ['%-5d|', 42, '42   |'],
    ['%05d', 42, '00042'],
    ['%05d', -42, '-0042'],
    ['%+d', 42, '+42'],
    ['% d', 42, ' 42'],
    ['%#06x', 1, '0x0001'],
    ['%s', '0000:02:00.0', '0000:02:00.0'],
    ['%8s|', 'ab', '      ab|'],
    ['%-4s|', 'ab', 'ab  |'],
  ] as const)('%s of %s is %s', (format, arg, expected) => {
    expect(cFormat(format, arg)).toBe(expected);
  });

  it('%% prints a percent sign and takes no argument', () => {
    expect(cFormat('100%%')).toBe('100%');
    expect(cFormat('%d%%', 5)).toBe('5%');
  });

  it('formats QEMU\'s aw-bits message', () => {
    expect(cFormat('aw-bits %d > host aw-bits %d', 48, 47)).toBe('aw-bits 48 > host aw-bits 47');
  });

  it('formats VFIO\'s get_cap error (%x)', () => {
    expect(cFormat('%s: unsupported capability %x', '0000:02:00.0', 1)).toBe('0000:02:00.0: unsupported capability 1');
  });

  it('throws FormatError for too few arguments', () => {
    expect(thrownBy(() => cFormat('%s: unsupported capability %x', '0000:02:00.0'))).toBeInstanceOf(FormatError);
    expect(thrownBy(() => cFormat('%d'))).toBeInstanceOf(FormatError);
  });

  it('throws FormatError for too many arguments', () => {
    expect(thrownBy(() => cFormat('%d', 1, 2))).toBeInstanceOf(FormatError);
    expect(thrownBy(() => cFormat('no conversions', 1))).toBeInstanceOf(FormatError);
  });

  it.each(['%f', '%p', '%c', '%', 'trailing %'])('throws FormatError for the unsupported conversion in %j', (format) => {
    expect(thrownBy(() => cFormat(format, 1))).toBeInstanceOf(FormatError);
  });

  it('throws FormatError for a type mismatch', () => {
    expect(thrownBy(() => cFormat('%s', 1))).toBeInstanceOf(FormatError);
    expect(thrownBy(() => cFormat('%d', 'one'))).toBeInstanceOf(FormatError);
    expect(thrownBy(() => cFormat('%d', 1.5))).toBeInstanceOf(FormatError);
  });
});
