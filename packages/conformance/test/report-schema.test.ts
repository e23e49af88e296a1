// runConformance checks its own report against schemas/report.schema.json: every report the kit's tests make is a valid one.
import { describe, expect, it } from 'vitest';
import { vtdPlugin } from '@hiodkit/vtd';
import { ConformanceConfigError, KitError, inProcessPlugin, runConformance, type PluginHandle } from '../src/index.js';

function handle(overrides: Partial<PluginHandle>): PluginHandle {
  return { ...inProcessPlugin(vtdPlugin('seed'), 1000), ...overrides };
}

describe('the report a run returns', () => {
  it('is refused by the kit itself when it would not validate, naming the field', () => {
    expect(() => runConformance(handle({ isolation: 'on the moon' }), { seed: 1, numRuns: 1, properties: ['contract'] })).toThrow(KitError);
    expect(() => runConformance(handle({ isolation: 'on the moon' }), { seed: 1, numRuns: 1, properties: ['contract'] })).toThrow(/report\.plugin\.isolation: must be one of "in-process", "worker", "process"/);
  });

  it.each([
    ['an empty name', { name: '' }, /name: must be a non-empty string/],
    ['a declaration without kconfig', { declaration: { profile: 'seed' } as PluginHandle['declaration'] }, /implements\.kconfig\.VTD_ACCEL: must be a boolean/],
  ])('of an open handle with %s is never written: the run is refused first', (_what, overrides, problem) => {
    expect(() => runConformance(handle(overrides), { seed: 1, numRuns: 1 })).toThrow(ConformanceConfigError);
    expect(() => runConformance(handle(overrides), { seed: 1, numRuns: 1 })).toThrow(problem);
  });
});
