import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { stubPlugin } from '@hiodkit/stub';
import { vtdPlugin } from '@hiodkit/vtd';
import { MINIKCONF_RESOLVER } from '@hiodkit/core';
import { conformanceRun, runConformance, runResolverConformance, schemaProblems } from '../src/index.js';
import { BROKEN_RESOLVERS } from './broken/kconfig-resolvers.js';
import { seedChecker } from './broken/seed-checker.js';
import { RUN_SCHEMA_URL, bundledText } from './bundle-run-schema.js';

const committed = readFileSync(RUN_SCHEMA_URL, 'utf8');

/** Every $ref in a schema. */
function refs(node: unknown, found: string[] = []): string[] {
  if (node === null || typeof node !== 'object') return found;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') found.push(value);
    else refs(value, found);
  }
  return found;
}

// a run on a conformant checker, its stub, and one that fails with a counterexample (cases and all)
const start = new Date();
const reports = [vtdPlugin('seed'), stubPlugin('seed'), seedChecker('run-schema-typo', { messages: { iommufd: 'Need IOMMUFD backend when x-flts=on!' } })].map((p) =>
  runConformance(p, { seed: 11, numRuns: 20, properties: ['contract', 'table-equivalence', 'stub'] }),
);
const run = conformanceRun(reports, { seed: 11, start, end: new Date() });

describe('schemas/run.schema.json', () => {
  it('is what bundle-run-schema.ts builds from report.schema.json and case.schema.json (regenerate with its --write)', () => {
    expect(committed).toBe(bundledText());
  });

  it('has no $ref that leaves the file', () => {
    const all = refs(JSON.parse(committed));
    expect(all.length).toBeGreaterThan(10);
    expect(all.filter((r) => !r.startsWith('#/definitions/'))).toEqual([]);
  });

  it('alone, in a fresh strict Ajv, compiles and accepts a real run document', () => {
    expect(run.reports.map((r) => r.conformant)).toEqual([true, true, false]);
    expect(reports[2]?.properties.find((p) => p.id === 'table-equivalence')?.failure?.cases.length).toBeGreaterThan(0);
    const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(committed) as object);
    expect(validate(JSON.parse(JSON.stringify(run))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('accepts Kconfig resolver reports beside checker reports, a failing one with its counterexample input', () => {
    const broken = BROKEN_RESOLVERS.find((b) => b.id === 'imply-as-select')?.resolver ?? MINIKCONF_RESOLVER;
    const resolverReports = [MINIKCONF_RESOLVER, broken].map((r) => runResolverConformance(r, { seed: 11, numRuns: 20 }));
    const mixed = conformanceRun([reports[0], ...resolverReports].filter((r) => r !== undefined), { seed: 11, start, end: new Date() });
    expect(mixed.reports.map((r) => r.conformant)).toEqual([true, true, false]);
    const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(committed) as object);
    expect(validate(JSON.parse(JSON.stringify(mixed))), JSON.stringify(validate.errors)).toBe(true);
    const bad = JSON.parse(JSON.stringify(mixed)) as { reports: { properties: { failure?: { inputs: { input: { mak: unknown } }[] } }[] }[] };
    const failure = bad.reports[2]?.properties.find((p) => p.failure)?.failure;
    if (!failure?.inputs[0]) throw new Error('no counterexample in the resolver report');
    failure.inputs[0].input.mak = { VTD: 'y' };
    expect(validate(bad)).toBe(false);
  });

  it('refuses a counterexample whose case breaks case.schema.json, and a document with no reports', () => {
    const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(committed) as object);
    const bad = JSON.parse(JSON.stringify(run)) as { reports: { properties: { failure?: { cases: { case: { device: { caps: { type: unknown } } } }[] } }[] }[] };
    const failure = bad.reports[2]?.properties.find((p) => p.failure)?.failure;
    if (!failure?.cases[0]) throw new Error('no counterexample in the run');
    failure.cases[0].case.device.caps.type = 'one';
    expect(validate(bad)).toBe(false);
    expect(validate({ ...run, reports: [] })).toBe(false);
  });

  it('is registered with the others: schemaProblems takes it', () => {
    expect(schemaProblems('run.schema.json', JSON.parse(JSON.stringify(run)), 'run')).toEqual([]);
    expect(schemaProblems('run.schema.json', { ...run, version: 2 }, 'run')).toEqual(['run.version: must be 1']);
  });

  it('records the run: kit, Node, OS, seed and times', () => {
    expect(run.runInfo).toMatchObject({ kit: { name: '@hiodkit/conformance' }, node: process.version, seed: 11 });
    expect(Date.parse(run.runInfo.endTime)).toBeGreaterThanOrEqual(Date.parse(run.runInfo.startTime));
    expect(run.conformant).toBe(false);
  });
});
