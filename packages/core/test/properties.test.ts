import { describe, expect, it } from 'vitest';
import { INTEL_IOMMU_DEFAULTS, InputError, parseGuestProperties, parseQemuBool } from '@hiodkit/core';
import { inputErrorFrom } from './fixtures.js';

describe('QEMU defaults (SPEC §2)', () => {
  it('an empty property list gives the seed defaults', () => {
    const props = parseGuestProperties('', 'seed');
    expect(props).toEqual(INTEL_IOMMU_DEFAULTS);
    expect(props).toMatchObject({
      awBits: 48,
      cachingMode: false,
      scalableMode: false,
      flts: false,
      fs1gp: true,
      pasidMode: false,
      dmaDrain: true,
      eim: 'auto',
      intremap: 'auto',
      deviceIotlb: false,
      pasidBits: 0,
    });
  });
});

describe('bool spellings (qapi_bool_parse)', () => {
  it.each(['on', 'yes', 'true', 'y'])('%s is true', (spelling) => {
    expect(parseGuestProperties(`caching-mode=${spelling}`).cachingMode).toBe(true);
    expect(parseQemuBool('caching-mode', spelling)).toBe(true);
  });

  it.each(['off', 'no', 'false', 'n'])('%s is false', (spelling) => {
    expect(parseGuestProperties(`fs1gp=${spelling}`).fs1gp).toBe(false);
    expect(parseQemuBool('fs1gp', spelling)).toBe(false);
  });

  it.each(['', 'auto', '1', 'enabled'])('%j is not a bool', (spelling) => {
    const error = inputErrorFrom(() => parseGuestProperties(`x-flts=${spelling}`));
    expect(error.path).toBe('x-flts');
    expect(error.reason).toMatch(/Parameter 'x-flts' expects 'on' or 'off'/);
  });
});

describe('on/off/auto', () => {
  it.each(['on', 'off', 'auto'] as const)('eim=%s and intremap=%s', (value) => {
    const props = parseGuestProperties(`eim=${value},intremap=${value}`);
    expect(props.eim).toBe(value);
    expect(props.intremap).toBe(value);
  });

  it('eim=yes is refused (an enum, not a bool)', () => {
    const error = inputErrorFrom(() => parseGuestProperties('eim=yes'));
    expect(error.path).toBe('eim');
    expect(error.reason.length).toBeGreaterThan(0);
  });
});

describe('uint8 (aw-bits, pasid-bits)', () => {
  it.each([
    ['48', 48],
    ['0x30', 48],
    ['0X30', 48],
    ['060', 48],
    ['39', 39],
    ['0x27', 39],
    ['047', 39],
    ['0', 0],
    ['255', 255],
    ['0xff', 255],
    ['0377', 255],
  ])('aw-bits=%s is %i', (text, expected) => {
    expect(parseGuestProperties(`aw-bits=${text}`).awBits).toBe(expected);
  });

  it.each(['256', '0x100', '0400', '1000'])('aw-bits=%s is out of range', (text) => {
    const error = inputErrorFrom(() => parseGuestProperties(`aw-bits=${text}`));
    expect(error.path).toBe('aw-bits');
    expect(error.reason).toMatch(/uint8_t/);
  });

  it.each(['', 'forty-eight', '48k', '0x', '08', '4 8'])('aw-bits=%j is not an integer', (text) => {
    const error = inputErrorFrom(() => parseGuestProperties(`aw-bits=${text}`));
    expect(error.path).toBe('aw-bits');
    expect(error.reason.length).toBeGreaterThan(0);
  });

  it('pasid-bits=20 at the pasid profile', () => {
    expect(parseGuestProperties('pasid-bits=20', 'pasid').pasidBits).toBe(20);
    expect(parseGuestProperties('pasid-bits=0x14', 'pasid').pasidBits).toBe(20);
  });
});

describe('property names', () => {
  it('an unknown property is named in the error', () => {
    const error = inputErrorFrom(() => parseGuestProperties('caching-mode=on,no-such-prop=on'));
    expect(error).toBeInstanceOf(InputError);
    expect(error.path).toBe('no-such-prop');
    expect(error.reason).toMatch(/Property 'intel-iommu\.no-such-prop' not found/);
  });

  it('x-flts at profile fsts says it is now fsts', () => {
    const error = inputErrorFrom(() => parseGuestProperties('scalable-mode=on,x-flts=on', 'fsts'));
    expect(error.path).toBe('x-flts');
    expect(error.reason).toMatch(/Property 'intel-iommu\.x-flts' not found/);
    expect(error.reason).toMatch(/'fsts'/);
  });

  it('x-scalable-mode at profile pasid says it is now scalable-mode', () => {
    const error = inputErrorFrom(() => parseGuestProperties('x-scalable-mode=on', 'pasid'));
    expect(error.path).toBe('x-scalable-mode');
    expect(error.reason).toMatch(/'scalable-mode'/);
  });

  it('fsts at profile seed says it is x-flts there', () => {
    const error = inputErrorFrom(() => parseGuestProperties('fsts=on', 'seed'));
    expect(error.path).toBe('fsts');
    expect(error.reason).toMatch(/'x-flts'/);
  });

  it.each([
    ['dma-drain', 'fsts'],
    ['x-buggy-eim', 'fsts'],
    ['x-pasid-mode', 'pasid'],
    ['pasid-bits', 'seed'],
    ['svm', 'relaxed'],
  ] as const)('%s does not exist at profile %s', (name, profile) => {
    const error = inputErrorFrom(() => parseGuestProperties(`${name}=on`, profile));
    expect(error.path).toBe(name);
    expect(error.reason).toMatch(new RegExp(`Property 'intel-iommu\\.${name}' not found`));
  });

  it('the renamed properties work at fsts and pasid', () => {
    for (const profile of ['fsts', 'pasid'] as const) {
      const props = parseGuestProperties('scalable-mode=on,fsts=on,caching-mode=on', profile);
      expect([props.scalableMode, props.flts, props.cachingMode]).toEqual([true, true, true]);
    }
  });
});

describe('the list syntax', () => {
  it('a bare boolean key is QemuOpts short form for on, with its deprecation warning', () => {
    const warnings: string[] = [];
    const props = parseGuestProperties('caching-mode=on,x-scalable-mode,x-flts', 'seed', { onWarning: (w) => warnings.push(w) });
    expect([props.cachingMode, props.scalableMode, props.flts]).toEqual([true, true, true]);
    expect(warnings).toEqual([
      "short-form boolean option 'x-scalable-mode' deprecated\nPlease use x-scalable-mode=on instead",
      "short-form boolean option 'x-flts' deprecated\nPlease use x-flts=on instead",
    ]);
  });

  it('a bare no-prefixed key is QemuOpts short form for off', () => {
    const warnings: string[] = [];
    expect(parseGuestProperties('nofs1gp', 'seed', { onWarning: (w) => warnings.push(w) }).fs1gp).toBe(false);
    expect(warnings).toEqual(["short-form boolean option 'nofs1gp' deprecated\nPlease use fs1gp=off instead"]);
  });

  it('a short form of a non-boolean property fails on its value', () => {
    const error = inputErrorFrom(() => parseGuestProperties('aw-bits'));
    expect(error.path).toBe('aw-bits');
    expect(error.reason).toBe(`Parameter 'aw-bits' expects an integer (got "on")`);
  });

  it('a doubled comma is an escaped comma inside the value, so the value is wrong', () => {
    const error = inputErrorFrom(() => parseGuestProperties('caching-mode=on,,x-flts=on'));
    expect(error.path).toBe('caching-mode');
    expect(error.reason).toBe(`Parameter 'caching-mode' expects 'on' or 'off' (got "on,x-flts=on")`);
  });

  it('a trailing comma ends the list, as in QemuOpts', () => {
    expect(parseGuestProperties('caching-mode=on,').cachingMode).toBe(true);
  });

  it('a leading comma is an empty property name', () => {
    const error = inputErrorFrom(() => parseGuestProperties(',caching-mode=on'));
    expect(error.path).toBe('properties[0]');
    expect(error.reason).toMatch(/^empty property name/);
  });

  it('an unknown short form names the key as written', () => {
    expect(inputErrorFrom(() => parseGuestProperties('nosuch')).path).toBe('nosuch');
  });

  it('accepts a leading intel-iommu driver token', () => {
    expect(parseGuestProperties('intel-iommu,caching-mode=on,x-scalable-mode=on')).toMatchObject({ cachingMode: true, scalableMode: true });
    expect(parseGuestProperties('driver=intel-iommu,caching-mode=on').cachingMode).toBe(true);
  });

  it('ignores id=', () => {
    expect(parseGuestProperties('intel-iommu,id=vtd0,caching-mode=on')).toEqual({ ...INTEL_IOMMU_DEFAULTS, cachingMode: true });
  });

  it('a repeated property takes its last value', () => {
    expect(parseGuestProperties('caching-mode=on,caching-mode=off').cachingMode).toBe(false);
    expect(parseGuestProperties('aw-bits=39,aw-bits=48').awBits).toBe(48);
    expect(parseGuestProperties('fs1gp=off,fs1gp=on').fs1gp).toBe(true);
  });

  it('parses the SPEC §1 command line', () => {
    expect(parseGuestProperties('intel-iommu,x-scalable-mode=on,x-flts=on,caching-mode=on,aw-bits=48,fs1gp=off')).toEqual({
      ...INTEL_IOMMU_DEFAULTS,
      scalableMode: true,
      flts: true,
      cachingMode: true,
      awBits: 48,
      fs1gp: false,
    });
  });
});
