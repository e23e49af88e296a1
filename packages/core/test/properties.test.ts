import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INTEL_IOMMU_DEFAULTS, InputError, PropertyValueError, parseGuestProperties, parseQemuBool, splitQemuOpts, type ProfileId } from '@hiodkit/core';
import { inputErrorFrom } from './fixtures.js';

describe('QEMU defaults (BEHAVIOUR §input.guest)', () => {
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

  it.each(['', 'auto', '1', 'enabled', 'ON', 'True', ' on', 'on '])('%j is not a bool: qobject_input_type_bool_keyval says so', (spelling) => {
    const error = inputErrorFrom(() => parseGuestProperties(`x-flts=${spelling}`));
    expect(error).toBeInstanceOf(PropertyValueError);
    expect(error.path).toBe('x-flts');
    expect(error.reason).toBe("Parameter 'x-flts' expects 'on' or 'off'");
  });
});

describe('on/off/auto (input_type_enum)', () => {
  it.each(['on', 'off', 'auto'] as const)('eim=%s and intremap=%s', (value) => {
    const props = parseGuestProperties(`eim=${value},intremap=${value}`);
    expect(props.eim).toBe(value);
    expect(props.intremap).toBe(value);
  });

  it.each(['yes', 'true', 'AUTO', 'On', ' on', ''])("eim=%j is refused: an enum takes its names exactly, not qapi_bool_parse's", (value) => {
    const error = inputErrorFrom(() => parseGuestProperties(`eim=${value}`));
    expect(error).toBeInstanceOf(PropertyValueError);
    expect(error.path).toBe('eim');
    expect(error.reason).toBe(`Parameter 'eim' does not accept value '${value}'`);
  });

  it('intremap words its refusal the same way', () => {
    expect(inputErrorFrom(() => parseGuestProperties('intremap=maybe')).reason).toBe("Parameter 'intremap' does not accept value 'maybe'");
  });
});

describe('uint8 and uint32 (qemu_strtou64, then visit_type_uintN)', () => {
  it.each([
    ['48', 48],
    ['0x30', 48],
    ['0X30', 48],
    ['060', 48],
    ['39', 39],
    ['0x27', 39],
    ['047', 39],
    ['0', 0],
    ['00', 0],
    ['255', 255],
    ['0xff', 255],
    ['0377', 255],
    ['0x0000030', 48],
    [' 48', 48],
    ['\t\n\v\f\r 48', 48],
    ['+48', 48],
    ['  +0x30', 48],
    ['-0', 0],
    ['-0x0', 0],
    ['-000', 0],
    ['-18446744073709551568', 48],
    ['-18446744073709551615', 1],
  ])('aw-bits=%j is %i', (text, expected) => {
    expect(parseGuestProperties(`aw-bits=${text}`).awBits).toBe(expected);
  });

  it.each(['256', '0x100', '0400', '1000', '-1', '-48', '18446744073709551615', '0xffffffffffffffff', '-18446744073709551360'])(
    'aw-bits=%j converts but does not fit a uint8_t',
    (text) => {
      const error = inputErrorFrom(() => parseGuestProperties(`aw-bits=${text}`));
      expect(error).toBeInstanceOf(PropertyValueError);
      expect(error.path).toBe('aw-bits');
      expect(error.reason).toBe("Parameter 'aw-bits' expects uint8_t");
    },
  );

  it.each([
    '',
    ' ',
    '+',
    '-',
    '48 ',
    '48\n',
    '4 8',
    '- 48',
    '+-48',
    '--48',
    '0x',
    '0x ',
    ' 0X',
    '0xg',
    '08',
    '09',
    '0b110000',
    '1e3',
    '48k',
    '48.0',
    'forty-eight',
    '\u00a048',
    '18446744073709551616',
    '0x10000000000000000',
    '-18446744073709551616',
  ])('aw-bits=%j is not an integer to qemu_strtou64', (text) => {
    const error = inputErrorFrom(() => parseGuestProperties(`aw-bits=${text}`));
    expect(error).toBeInstanceOf(PropertyValueError);
    expect(error.path).toBe('aw-bits');
    expect(error.reason).toBe("Parameter 'aw-bits' expects integer");
  });

  it.each([
    ['4294967295', 4294967295],
    ['0xffffffff', 4294967295],
    ['-18446744069414584321', 4294967295],
    [' +3', 3],
  ])('version=%j is %i (uint32)', (text, expected) => {
    expect(parseGuestProperties(`version=${text}`).version).toBe(expected);
  });

  it.each(['4294967296', '0x100000000', '-1', '-4294967295'])('version=%j does not fit a uint32_t', (text) => {
    expect(inputErrorFrom(() => parseGuestProperties(`version=${text}`)).reason).toBe("Parameter 'version' expects uint32_t");
  });

  it('pasid-bits=20 at the pasid profile', () => {
    expect(parseGuestProperties('pasid-bits=20', 'pasid').pasidBits).toBe(20);
    expect(parseGuestProperties('pasid-bits=0x14', 'pasid').pasidBits).toBe(20);
    expect(inputErrorFrom(() => parseGuestProperties('pasid-bits=256', 'pasid')).reason).toBe("Parameter 'pasid-bits' expects uint8_t");
  });
});

// an independent reading of the C: strtoull(s, &end, 0) per C17 7.22.1.4, qemu_strtou64's checks, visit_type_uintN
const C_ISSPACE = new Set([' ', '\t', '\n', '\v', '\f', '\r']);
const ULLONG_MAX = 2n ** 64n - 1n;

function digitValue(c: string | undefined): number {
  if (c === undefined) return 99;
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 122) return code - 87;
  if (code >= 65 && code <= 90) return code - 55;
  return 99;
}

function referenceStrtoull(s: string): { value: bigint; end: number; erange: boolean } {
  let i = 0;
  while (i < s.length && C_ISSPACE.has(s[i]!)) i++;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') {
    negative = s[i] === '-';
    i++;
  }
  let base = 10;
  if (s[i] === '0') {
    base = 8;
    if ((s[i + 1] === 'x' || s[i + 1] === 'X') && digitValue(s[i + 2]) < 16) {
      base = 16;
      i += 2;
    }
  }
  const first = i;
  let value = 0n;
  while (digitValue(s[i]) < base) {
    value = value * BigInt(base) + BigInt(digitValue(s[i]));
    i++;
  }
  if (i === first) return { value: 0n, end: 0, erange: false };
  if (value > ULLONG_MAX) return { value: ULLONG_MAX, end: i, erange: true };
  return { value: negative ? (2n ** 64n - value) % 2n ** 64n : value, end: i, erange: false };
}

function referenceUintN(name: string, text: string, max: bigint, cType: string): { ok: number } | { error: string } {
  const { value, end, erange } = referenceStrtoull(text);
  if (end === 0 || end !== text.length || erange) return { error: `Parameter '${name}' expects integer` };
  if (value > max) return { error: `Parameter '${name}' expects ${cType}` };
  return { ok: Number(value) };
}

function modelOutcome(list: string, profile: ProfileId, field: 'awBits' | 'version' | 'pasidBits'): { ok: number } | { error: string } {
  try {
    return { ok: parseGuestProperties(list, profile)[field] };
  } catch (e) {
    if (e instanceof PropertyValueError) return { error: e.reason };
    throw e;
  }
}

const bigNear = (n: bigint) => fc.bigInt({ min: n > 300n ? n - 300n : 0n, max: n + 300n });
const numberish = fc.oneof(
  fc.constantFrom(' ', '\t', '\n', '\v', '\f', '\r', '\u00a0', '+', '-', '0', '0x', '0X', '0b', 'x', '.', 'e', 'k', '='),
  fc.constantFrom(...'0123456789abcdefgABCDEFG'),
  fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 70n }), bigNear(255n), bigNear(2n ** 32n), bigNear(ULLONG_MAX)).chain((n) =>
    fc.constantFrom(n.toString(), `0x${n.toString(16)}`, `0X${n.toString(16).toUpperCase()}`, `0${n.toString(8)}`, `-${n.toString()}`),
  ),
);
const valueText = fc.oneof(
  { weight: 4, arbitrary: fc.array(numberish, { maxLength: 5 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
).filter((text) => !text.includes(','));

describe('integer values against a reference reading of strtoull and the visitors', () => {
  it('aw-bits (uint8), version (uint32) and pasid-bits (uint8) accept and refuse as the reference does', () => {
    fc.assert(
      fc.property(valueText, (text) => {
        expect(modelOutcome(`aw-bits=${text}`, 'seed', 'awBits')).toEqual(referenceUintN('aw-bits', text, 0xffn, 'uint8_t'));
        expect(modelOutcome(`version=${text}`, 'seed', 'version')).toEqual(referenceUintN('version', text, 0xffff_ffffn, 'uint32_t'));
        expect(modelOutcome(`pasid-bits=${text}`, 'pasid', 'pasidBits')).toEqual(referenceUintN('pasid-bits', text, 0xffn, 'uint8_t'));
      }),
      { numRuns: 3000 },
    );
  });

  it('the generated values reach every outcome: accepted, out of range, not an integer', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(valueText, (text) => {
        const r = referenceUintN('aw-bits', text, 0xffn, 'uint8_t');
        seen.add('ok' in r ? 'ok' : r.error);
      }),
      { numRuns: 3000, seed: 1 },
    );
    expect([...seen].sort()).toEqual(["Parameter 'aw-bits' expects integer", "Parameter 'aw-bits' expects uint8_t", 'ok']);
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

  it('a short form of a non-boolean property fails on its value, "on"', () => {
    const error = inputErrorFrom(() => parseGuestProperties('aw-bits'));
    expect(error.path).toBe('aw-bits');
    expect(error.reason).toBe("Parameter 'aw-bits' expects integer");
  });

  it('a doubled comma is an escaped comma inside the value, so the value is wrong', () => {
    expect(splitQemuOpts('caching-mode=on,,x-flts=on')).toEqual([{ name: 'caching-mode', value: 'on,x-flts=on' }]);
    const error = inputErrorFrom(() => parseGuestProperties('caching-mode=on,,x-flts=on'));
    expect(error.path).toBe('caching-mode');
    expect(error.reason).toBe("Parameter 'caching-mode' expects 'on' or 'off'");
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

  it('an earlier value of a repeated property is never parsed, as qemu_opts_to_qdict keeps only the last', () => {
    expect(parseGuestProperties('aw-bits=abc,aw-bits=48').awBits).toBe(48);
    expect(parseGuestProperties('eim=maybe,caching-mode=on,eim=on')).toMatchObject({ eim: 'on', cachingMode: true });
    expect(inputErrorFrom(() => parseGuestProperties('aw-bits=48,aw-bits=abc')).reason).toBe("Parameter 'aw-bits' expects integer");
  });

  it('every short form warns, as QemuOpts warns while parsing, even one a later value replaces', () => {
    const warnings: string[] = [];
    expect(parseGuestProperties('x-flts,x-flts=off', 'seed', { onWarning: (w) => warnings.push(w) }).flts).toBe(false);
    expect(warnings).toEqual(["short-form boolean option 'x-flts' deprecated\nPlease use x-flts=on instead"]);
  });

  it('parses a nested-translation -device line', () => {
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
