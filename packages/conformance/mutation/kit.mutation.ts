// The kit as the only test suite of vtd and stub: each profile's built-in checkers, judged by runConformance.
import { readdirSync, readFileSync } from 'node:fs';
import { beforeEach, expect, it, vi } from 'vitest';
import type { ConformanceReport } from '../src/index.js';

/** Fixed, so a mutation run is reproducible case for case. */
const SEED = 0x6d75;
const NUM_RUNS = 200;

// The profiles and which of them have the stub, from the kit's own reference tables: nothing under test is loaded here.
const referenceDir = new URL('../reference/', import.meta.url);
const tables = readdirSync(referenceDir).map((f) => JSON.parse(readFileSync(new URL(f, referenceDir), 'utf8')) as { profile: string; rows: { id: string }[] });
const PROFILES = tables.map((t) => t.profile).sort();
const STUB_PROFILES = tables.filter((t) => t.rows.some((r) => r.id === 'accel-stub')).map((t) => t.profile).sort();

// Every test loads the kit and the checkers afresh, inside the test: a mutant that makes a module
// throw while loading fails each test instead of the file, and load-time code is covered per test.
beforeEach(() => {
  vi.resetModules();
});

function failures(report: ConformanceReport): [string, string | undefined][] {
  return report.properties.filter((p) => p.status !== 'passed' && p.status !== 'not-applicable').map((p) => [p.id, p.failure?.summary ?? p.reason]);
}

it.each(PROFILES)('the vtd checker at %s conforms', async (profile) => {
  const [{ runConformance }, { VTD_PLUGINS }] = await Promise.all([import('@hiodkit/conformance'), import('@hiodkit/vtd')]);
  const report = runConformance(VTD_PLUGINS[profile as keyof typeof VTD_PLUGINS], { seed: SEED, numRuns: NUM_RUNS });
  expect(failures(report)).toEqual([]);
  expect(report.conformant).toBe(true);
});

it.each(STUB_PROFILES)('the stub at %s conforms', async (profile) => {
  const [{ runConformance }, { STUB_PLUGINS }] = await Promise.all([import('@hiodkit/conformance'), import('@hiodkit/stub')]);
  const report = runConformance(STUB_PLUGINS[profile as keyof typeof STUB_PLUGINS], { seed: SEED, numRuns: NUM_RUNS });
  expect(failures(report)).toEqual([]);
  expect(report.conformant).toBe(true);
});
