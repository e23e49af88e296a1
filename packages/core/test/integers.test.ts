import { describe, expect, it } from 'vitest';
import { InputError, parseU32, parseU64 } from '@hiodkit/core';
import { inputErrorFrom } from './fixtures.js';

describe('parseU64', () => {
  it.each([
    ['0x0', 0n],
    ['0x1f', 31n],
    ['0x1F', 31n],
    ['0X1f', 31n],
    ['0XABCDEF', 0xabcdefn],
    ['0xffffffffffffffff', 18446744073709551615n],
    ['0xFFFFFFFFFFFFFFFF', 18446744073709551615n],
    ['0x0100000000000000', 72057594037927936n],
    ['0x00ffffffffffffff', 72057594037927935n],
  ])('accepts the 0x form %s', (text, expected) => {
    expect(parseU64(text, 'capReg')).toBe(expected);
  });

  it.each([
    // sysfs cap/ecap: lowercase hex, no 0x, no padding
    ['d2008c40660462', 0xd2008c40660462n],
    ['f050da', 0xf050dan],
    ['0', 0n],
    ['ffffffffffffffff', 18446744073709551615n],
  ])('accepts the bare lowercase sysfs form %s', (text, expected) => {
    expect(parseU64(text, 'capReg')).toBe(expected);
  });

  it.each([0, 1, 31, 2 ** 53 - 1])('refuses the JSON number %d and asks for a hex string', (value) => {
    const error = inputErrorFrom(() => parseU64(value, 'device.caps.vendorCaps.vtd.capReg'));
    expect(error.path).toBe('device.caps.vendorCaps.vtd.capReg');
    expect(error.reason).toMatch(/hex string/);
  });

  it('refuses a JSON number above 2^53 (already rounded by the JSON parser)', () => {
    const error = inputErrorFrom(() => parseU64(2 ** 56 + 2 ** 4, 'capReg'));
    expect(error.path).toBe('capReg');
    expect(error.reason).toMatch(/2\^53/);
    expect(error.reason).toMatch(/hex string/);
  });

  it.each([
    ['a negative number', -1],
    ['a fractional number', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a negative hex string', '-0x1'],
    ['a decimal-looking string with a non-hex letter', '12g4'],
    ['an empty string', ''],
    ['a bare 0x', '0x'],
    ['a string with spaces', ' 0x1'],
    ['2^64 as hex', '0x10000000000000000'],
    ['2^64 in the sysfs form', '10000000000000000'],
    ['a boolean', true],
    ['null', null],
    ['an object', {}],
  ])('refuses %s', (_label, value) => {
    const error = inputErrorFrom(() => parseU64(value, 'ecapReg'));
    expect(error).toBeInstanceOf(InputError);
    expect(error.path).toBe('ecapReg');
    expect(error.reason.length).toBeGreaterThan(0);
    expect(error.message).toBe(`ecapReg: ${error.reason}`);
  });

  it('says a negative string is negative', () => {
    expect(inputErrorFrom(() => parseU64('-0x1', 'p')).reason).toMatch(/negative/);
  });

  it('says a value above 2^64-1 does not fit', () => {
    expect(inputErrorFrom(() => parseU64('0x10000000000000000', 'p')).reason).toMatch(/does not fit a u64/);
  });
});

describe('parseU32', () => {
  it.each([
    [0, 0],
    [1, 1],
    [4294967295, 4294967295],
    [2147483648, 2147483648],
    ['0x1', 1],
    ['0X10', 16],
    ['0xffffffff', 4294967295],
    ['0xFFFFFFFF', 4294967295],
  ])('accepts %s', (value, expected) => {
    expect(parseU32(value, 'device.caps.type')).toBe(expected);
  });

  it.each([
    ['2^32', 4294967296],
    ['2^32 as hex', '0x100000000'],
    ['-1', -1],
    ['a negative hex string', '-0x1'],
    ['a fraction', 0.5],
    ['an unsafe integer', 2 ** 53 + 2],
    ['NaN', Number.NaN],
    ['a bigint', 1n],
    ['a non-hex string', 'one'],
    ['null', null],
  ])('refuses %s', (_label, value) => {
    const error = inputErrorFrom(() => parseU32(value, 'device.caps.type'));
    expect(error.path).toBe('device.caps.type');
    expect(error.reason.length).toBeGreaterThan(0);
  });

  it('says 2^32 does not fit', () => {
    expect(inputErrorFrom(() => parseU32(4294967296, 'p')).reason).toMatch(/does not fit a u32/);
  });

  it('says -1 is negative', () => {
    expect(inputErrorFrom(() => parseU32(-1, 'p')).reason).toMatch(/negative/);
  });

  it('says 0.5 is not an integer', () => {
    expect(inputErrorFrom(() => parseU32(0.5, 'p')).reason).toMatch(/not an integer/);
  });
});
