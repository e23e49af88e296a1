import { describe, expect, it } from 'vitest';
import {
  VTD_CAP_FS1GP,
  decodeRegister,
  encodeRegister,
  registerField,
  registerFields,
  type DecodedRegister,
  type RegisterName,
} from '@hiodkit/core';
import { thrownBy } from './fixtures.js';

// Written out by hand from Linux drivers/iommu/intel/iommu.h and VT-d spec 11.4.2/11.4.3: [name, lsb, msb]
const CAP_FIELDS: readonly (readonly [string, number, number])[] = [
  ['ND', 0, 2],
  ['AFL', 3, 3],
  ['RWBF', 4, 4],
  ['PLMR', 5, 5],
  ['PHMR', 6, 6],
  ['CM', 7, 7],
  ['SAGAW', 8, 12],
  ['MGAW', 16, 21],
  ['ZLR', 22, 22],
  ['ISOCH', 23, 23],
  ['FRO', 24, 33],
  ['SLLPS', 34, 37],
  ['PSI', 39, 39],
  ['NFR', 40, 47],
  ['MAMV', 48, 53],
  ['DWD', 54, 54],
  ['DRD', 55, 55],
  ['FS1GP', 56, 56],
  ['PI', 59, 59],
  ['FS5LP', 60, 60],
  ['ECMDS', 61, 61],
  ['ESIRTPS', 62, 62],
  ['ESRTPS', 63, 63],
];

const ECAP_FIELDS: readonly (readonly [string, number, number])[] = [
  ['C', 0, 0],
  ['QI', 1, 1],
  ['DT', 2, 2],
  ['IR', 3, 3],
  ['EIM', 4, 4],
  ['PT', 6, 6],
  ['SC', 7, 7],
  ['IRO', 8, 17],
  ['MHMV', 20, 23],
  ['ECS', 24, 24],
  ['MTS', 25, 25],
  ['NEST', 26, 26],
  ['DIS', 27, 27],
  ['LPASID', 28, 28],
  ['PRS', 29, 29],
  ['ERS', 30, 30],
  ['SRS', 31, 31],
  ['NWFS', 33, 33],
  ['EAFS', 34, 34],
  ['PSS', 35, 39],
  ['PASID', 40, 40],
  ['DIT', 41, 41],
  ['PDS', 42, 42],
  ['SMTS', 43, 43],
  ['VCS', 44, 44],
  ['SLADS', 45, 45],
  ['SSTS', 46, 46],
  ['FSTS', 47, 47],
  ['SMPWC', 48, 48],
  ['RPS', 49, 49],
  ['PMS', 51, 51],
];

function fieldOf(decoded: DecodedRegister, name: string) {
  const found = decoded.fields.find((f) => f.field.name === name);
  if (!found) throw new Error(`no field ${name}`);
  return found;
}

function roundTrip(register: RegisterName, value: bigint): bigint {
  const decoded = decodeRegister(register, value);
  return encodeRegister(register, Object.fromEntries(decoded.fields.map((f) => [f.field.name, f.raw])), decoded.reserved);
}

describe('field positions (Linux iommu.h, VT-d spec 11.4.2/11.4.3)', () => {
  it('cap_reg has exactly the listed fields, lowest bit first', () => {
    expect(registerFields('cap').map((f) => [f.name, f.lsb, f.msb])).toEqual(CAP_FIELDS);
  });

  it('ecap_reg has exactly the listed fields, lowest bit first', () => {
    expect(registerFields('ecap').map((f) => [f.name, f.lsb, f.msb])).toEqual(ECAP_FIELDS);
  });

  it.each([
    ...CAP_FIELDS.map(([name, lsb, msb]) => ['cap', name, lsb, msb] as const),
    ...ECAP_FIELDS.map(([name, lsb, msb]) => ['ecap', name, lsb, msb] as const),
  ])('%s %s (bits %i..%i) decodes from exactly its bits', (register, name, lsb, msb) => {
    const ones = (1n << BigInt(msb - lsb + 1)) - 1n;
    const decoded = decodeRegister(register, ones << BigInt(lsb));
    for (const f of decoded.fields) expect(f.raw).toBe(f.field.name === name ? ones : 0n);
    expect(decoded.reserved).toBe(0n);
  });

  it('FS1GP is bit 56 (VTD_CAP_FS1GP = 1ULL << 56)', () => {
    expect(VTD_CAP_FS1GP).toBe(0x0100000000000000n);
  });

  it.each([
    ['cap', 'FL1GP', 'FS1GP', 56],
    ['cap', 'FL5LP', 'FS5LP', 60],
    ['ecap', 'SLTS', 'SSTS', 46],
    ['ecap', 'FLTS', 'FSTS', 47],
  ] as const)('%s field %s (Linux name) is %s at bit %i', (register, linux, name, bit) => {
    const f = registerField(register, linux);
    expect(f.name).toBe(name);
    expect([f.lsb, f.msb]).toEqual([bit, bit]);
  });

  it('an unknown field name is refused', () => {
    expect(thrownBy(() => registerField('cap', 'NOPE'))).toBeInstanceOf(RangeError);
  });
});

describe('field meanings', () => {
  it('MGAW raw 47 means 48 bits', () => {
    const mgaw = fieldOf(decodeRegister('cap', 47n << 16n), 'MGAW');
    expect(mgaw.raw).toBe(47n);
    expect(mgaw.meaning).toBe(48);
  });

  it('MGAW raw 38 means 39 bits', () => {
    expect(fieldOf(decodeRegister('cap', 38n << 16n), 'MGAW').meaning).toBe(39);
  });

  it('PSS raw 19 means 20 PASID bits', () => {
    const pss = fieldOf(decodeRegister('ecap', 19n << 35n), 'PSS');
    expect(pss.raw).toBe(19n);
    expect(pss.meaning).toBe(20);
  });

  it('NFR raw 7 means 8 fault-recording registers', () => {
    expect(fieldOf(decodeRegister('cap', 7n << 40n), 'NFR').meaning).toBe(8);
  });

  it.each([
    [0n, 16],
    [2n, 256],
    [6n, 65536],
  ])('ND raw %i means %i domains (1 << (4 + 2*ND))', (raw, domains) => {
    expect(fieldOf(decodeRegister('cap', raw), 'ND').meaning).toBe(domains);
  });

  it('FRO is in 16-byte units: raw 0x22 is offset 0x220', () => {
    expect(fieldOf(decodeRegister('cap', 0x22n << 24n), 'FRO').meaning).toBe(0x220);
  });

  it('IRO is in 16-byte units: raw 0x50 is offset 0x500', () => {
    expect(fieldOf(decodeRegister('ecap', 0x50n << 8n), 'IRO').meaning).toBe(0x500);
  });

  it('SAGAW bit 2 alone is 48-bit 4-level; 0b01110 is 39/48/57', () => {
    expect(fieldOf(decodeRegister('cap', 0b00100n << 8n), 'SAGAW').meaning).toEqual(['48-bit (4-level)']);
    expect(fieldOf(decodeRegister('cap', 0b01110n << 8n), 'SAGAW').meaning).toEqual([
      '39-bit (3-level)',
      '48-bit (4-level)',
      '57-bit (5-level)',
    ]);
  });

  it('MAMV and MHMV are plain numbers', () => {
    expect(fieldOf(decodeRegister('cap', 0x3fn << 48n), 'MAMV').meaning).toBe(63);
    expect(fieldOf(decodeRegister('ecap', 0xfn << 20n), 'MHMV').meaning).toBe(15);
  });

  it('flags read as booleans, including bit 63', () => {
    const decoded = decodeRegister('cap', 1n << 63n);
    expect(fieldOf(decoded, 'ESRTPS').meaning).toBe(true);
    expect(fieldOf(decoded, 'FS1GP').meaning).toBe(false);
  });

  it('FS1GP of 0x01ffffffffffffff is set and of 0x00ffffffffffffff clear (bits a JS number would round away)', () => {
    expect(fieldOf(decodeRegister('cap', 0x01ffffffffffffffn), 'FS1GP').meaning).toBe(true);
    expect(fieldOf(decodeRegister('cap', 0x00ffffffffffffffn), 'FS1GP').meaning).toBe(false);
  });

  it('a client-style cap d2008c40660462: MGAW 39 with 48-bit-only SAGAW, no FS1GP', () => {
    const cap = decodeRegister('cap', 0xd2008c40660462n);
    expect(fieldOf(cap, 'MGAW').meaning).toBe(39);
    expect(fieldOf(cap, 'SAGAW').meaning).toEqual(['48-bit (4-level)']);
    expect(fieldOf(cap, 'FS1GP').meaning).toBe(false);
    expect(fieldOf(cap, 'ND').meaning).toBe(256);
  });
});

describe('encode and decode', () => {
  it.each([
    ['cap', 0n],
    ['cap', 0xffffffffffffffffn],
    ['cap', 0xd2008c40660462n],
    ['cap', 0x0380000000000000n],
    // reserved bits 13..15, 38, 57, 58
    ['cap', (0b111n << 13n) | (1n << 38n) | (0b11n << 57n)],
    ['ecap', 0n],
    ['ecap', 0xffffffffffffffffn],
    ['ecap', 0xf050dan],
    // reserved bits 5, 18, 19, 24, 28, 32, 50, 52..63
    ['ecap', (1n << 5n) | (0b11n << 18n) | (1n << 24n) | (1n << 28n) | (1n << 32n) | (1n << 50n) | (0xfffn << 52n)],
  ] as const)('encode(decode(%s %s)) gives the value back', (register, value) => {
    expect(roundTrip(register, value)).toBe(value);
  });

  it('keeps reserved bits separately', () => {
    expect(decodeRegister('cap', (1n << 57n) | (1n << 56n)).reserved).toBe(1n << 57n);
    expect(decodeRegister('ecap', (1n << 32n) | (1n << 63n) | 1n).reserved).toBe((1n << 32n) | (1n << 63n));
    // bits 24, 27 and 28 are VT-d 2.x fields, named as legacy: a 2.x-era unit has no reserved bit set there
    expect(decodeRegister('ecap', 0x7e3ff0505en).reserved).toBe(0n);
  });

  it('encodes by our name and by the Linux name', () => {
    expect(encodeRegister('cap', { FS1GP: 1n })).toBe(0x0100000000000000n);
    expect(encodeRegister('cap', { FL1GP: 1n })).toBe(0x0100000000000000n);
    expect(encodeRegister('cap', { MGAW: 47n, SAGAW: 0b100n })).toBe((47n << 16n) | (0b100n << 8n));
    expect(encodeRegister('ecap', { PSS: 19n, FLTS: 1n })).toBe((19n << 35n) | (1n << 47n));
  });

  it.each([
    ['cap', 'MGAW', 64n],
    ['cap', 'FS1GP', 2n],
    ['cap', 'ND', 8n],
    ['cap', 'FRO', 1024n],
    ['ecap', 'PSS', 32n],
    ['cap', 'MGAW', -1n],
  ] as const)('refuses %s %s = %s (overflow)', (register, name, raw) => {
    expect(thrownBy(() => encodeRegister(register, { [name]: raw }))).toBeInstanceOf(RangeError);
  });

  it('refuses reserved bits that overlap a named field', () => {
    expect(thrownBy(() => encodeRegister('cap', {}, 1n << 56n))).toBeInstanceOf(RangeError);
  });
});
