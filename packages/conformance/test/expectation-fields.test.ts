// Every field an expected outcome reads varies across the default mix, for every profile and both declarations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROFILES, hasVtdAccel, type PluginDeclaration } from '@hiodkit/core';
import { constantExpectationFields, defaultCaseArb, loadReferenceTable, type Case } from '../src/index.js';

const SEED = 0x5eed;
const ACCEL: Pick<PluginDeclaration, 'kconfig'> = { kconfig: { VTD_ACCEL: true } };
const STUB: Pick<PluginDeclaration, 'kconfig'> = { kconfig: { VTD_ACCEL: false } };
const DECLARATIONS = PROFILES.flatMap((profile) => [
  [profile, 'accel', ACCEL] as const,
  ...(hasVtdAccel(profile) ? [[profile, 'stub', STUB] as const] : []),
]);

describe('the default mix varies what the expectations read', () => {
  // the 200 cases of one property run, as a consumer's run makes them
  it.each(DECLARATIONS)('%s, %s: no field a reachable row reads is constant over 200 cases', (profile, _name, declaration) => {
    const cases = fc.sample(defaultCaseArb(loadReferenceTable(profile), declaration), { seed: SEED, numRuns: 200 });
    expect(constantExpectationFields(loadReferenceTable(profile), declaration, cases)).toEqual([]);
  });

  it('the check fails a mix whose get_cap errors never have hints', () => {
    const table = loadReferenceTable('seed');
    const hintless = (c: Case): Case => (c.device.awBits.kind === 'error' ? { ...c, device: { ...c.device, awBits: { kind: 'error', error: { ...c.device.awBits.error, hints: [] } } } } : c);
    const cases = fc.sample(defaultCaseArb(table, ACCEL), { seed: SEED, numRuns: 200 }).map(hintless);
    expect(constantExpectationFields(table, ACCEL, cases)).toEqual([`whether get_cap's error has hints: always "false"`, `get_cap's error hint text: always ""`]);
  });

  it('the check names a read field no case reaches', () => {
    const table = loadReferenceTable('pasid');
    const cases = fc.sample(defaultCaseArb(table, ACCEL), { seed: SEED, numRuns: 200 }).filter((c) => c.device.awBits.kind !== 'error');
    expect(constantExpectationFields(table, ACCEL, cases)).toEqual([
      "get_cap's error message: no case falls in a row that reads it",
      "whether get_cap's error has hints: no case falls in a row that reads it",
      "get_cap's error hint text: no case falls in a row that reads it",
    ]);
  });
});
