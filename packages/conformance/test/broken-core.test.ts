// A checker built on a broken @hiodkit/core is caught: the kit renders its expected messages with its own formatter.
import { describe, expect, it, vi } from 'vitest';
import { vtdPlugin } from '@hiodkit/vtd';
import { runConformance } from '../src/index.js';

type Fault = 'none' | '%d in hex' | 'a stray +' | 'undefined for a number';
const state = vi.hoisted(() => ({ fault: 'none' as Fault }));

// core's printf as vtd (and, before the kit had its own, the kit) reaches it, with one fault planted at a time
vi.mock('../../core/src/printf.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../core/src/printf.js')>();
  const broken: typeof original.cFormat = (format, ...args) => {
    if (state.fault === '%d in hex') return original.cFormat(format.replaceAll('%d', '%x'), ...args);
    if (state.fault === 'a stray +') return original.cFormat(format.replaceAll('%d', '%+d'), ...args);
    if (state.fault === 'undefined for a number') return original.cFormat(format.replaceAll('%d', 'undefined'), ...args.filter((a) => typeof a !== 'number'));
    return original.cFormat(format, ...args);
  };
  return { ...original, cFormat: broken };
});

describe('a checker sharing a printf fault with core', () => {
  it.each(['%d in hex', 'a stray +', 'undefined for a number'] as const)('%s: vtd@seed fails table-equivalence', (fault) => {
    state.fault = fault;
    try {
      const report = runConformance(vtdPlugin('seed'), { seed: 0x5eed, numRuns: 100, properties: ['table-equivalence'] });
      expect(report.properties[0]?.status).toBe('failed');
      expect(report.properties[0]?.failure?.row?.id).toMatch(/^(aw-bits-exceed-host|type-not-vtd)$/);
    } finally {
      state.fault = 'none';
    }
  });

  it('with the fault removed, the same run conforms', () => {
    expect(runConformance(vtdPlugin('seed'), { seed: 0x5eed, numRuns: 100, properties: ['table-equivalence'] }).conformant).toBe(true);
  });
});
