// The kit's own C formatter: QEMU's messages as QEMU prints them, and agreement with core's cFormat on the kit's conversions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROFILES, cFormat } from '@hiodkit/core';
import { loadReferenceTable } from '../src/index.js';
import { TemplateError, renderTemplate } from '../src/oracle/c-format.js';

describe('renderTemplate: golden strings', () => {
  it.each([
    ['aw-bits %d > host aw-bits %d', 'aw-bits 48 > host aw-bits 39', [48, 39]],
    ['aw-bits %d > host aw-bits %d', 'aw-bits 48 > host aw-bits 0', [48, 0]],
    ['Incompatible host platform IOMMU type %d', 'Incompatible host platform IOMMU type 2', [2]],
    // a u32 type with its high bit set goes negative through %d, as in QEMU
    ['Incompatible host platform IOMMU type %d', 'Incompatible host platform IOMMU type -1', [0xffff_ffff]],
    ['Incompatible host platform IOMMU type %d', 'Incompatible host platform IOMMU type -2147483648', [0x8000_0000]],
    ['Incompatible host platform IOMMU type %d', 'Incompatible host platform IOMMU type 2147483647', [0x7fff_ffff]],
    ['PASID bits size %d > host IOMMU PASID bits size %d', 'PASID bits size 20 > host IOMMU PASID bits size 8', [20, 8]],
    ['host IOMMU cannot be checked!', 'host IOMMU cannot be checked!', []],
    ['%i', '-7', [-7]],
    ['%u', '4294967295', [0xffff_ffff]],
    ['%u', '4294967295', [-1]],
    ['%x', 'bee', [0xbee]],
    ['%x', 'ffffffff', [-1]],
    ['%lx', '8000000000000000', [1n << 63n]],
    ['%llx', 'ffffffffffffffff', [(1n << 64n) - 1n]],
    ['%ld', '-9223372036854775808', [1n << 63n]],
    ['%lu', '18446744073709551615', [(1n << 64n) - 1n]],
    ['100%% of %d', '100% of 3', [3]],
    ['%d%d', '12', [1, 2]],
  ] as const)('%s → %s', (template, expected, args) => {
    expect(renderTemplate(template, args)).toBe(expected);
  });

  it.each([
    ['%s', ['x'], /offset 0 is not one of/],
    ['%5d', [1], /offset 0 is not one of/],
    ['%#x', [1], /offset 0 is not one of/],
    ['%X', [1], /offset 0 is not one of/],
    ['trailing %', [], /offset 9 is not one of/],
    ['%d > %d', [1], /needs more than 1 argument/],
    ['%d', [1, 2], /takes 1 argument\(s\), got 2/],
    ['%d', [1.5], /%d needs an integer, got 1.5/],
  ] as const)('refuses %s (%s)', (template, args, message) => {
    expect(() => renderTemplate(template, args as never)).toThrow(TemplateError);
    expect(() => renderTemplate(template, args as never)).toThrow(message);
  });
});

describe('renderTemplate against core', () => {
  it('every template and hint of every shipped table renders, and as core cFormat renders it, for u32 arguments of any value', () => {
    const templates = new Map<string, number>();
    for (const profile of PROFILES) {
      for (const row of loadReferenceTable(profile).rows) {
        if (!('reject' in row.expect)) continue;
        templates.set(row.expect.reject.message, row.expect.reject.args?.length ?? 0);
        for (const hint of row.expect.reject.hints ?? []) templates.set(hint, 0);
      }
    }
    expect(templates.size).toBeGreaterThan(10);
    for (const [template, count] of templates) {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: 0xffff_ffff }), { minLength: count, maxLength: count }), (args) => {
          expect(renderTemplate(template, args)).toBe(cFormat(template, ...args));
        }),
        { seed: 0x5eed, numRuns: 50 },
      );
    }
  });

  it.each(['%d', '%i', '%u', '%x', '%ld', '%lu', '%lx', '%lld', '%llu', '%llx'])('%s agrees with core on any 64-bit value', (template) => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n }), (v) => {
        expect(renderTemplate(template, [v])).toBe(cFormat(template, v));
      }),
      { seed: 0x5eed, numRuns: 300 },
    );
  });
});
