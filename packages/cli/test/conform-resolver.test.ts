import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RESOLVER_PROPERTY_IDS, schemaProblems, type ConformanceRun, type ResolverReport } from '@hiodkit/conformance';
import { FIXTURES, makeTempDir, removeTempDir, run } from './helpers.js';
import { junitSchemaErrors } from './xmllint.js';

/** The resolver fixture as --exec takes it: node, with the minikconf port from @hiodkit/core as built. */
const exec = (mode = '') => `${process.execPath} ${join(FIXTURES, 'protocol-cli', 'kconfig-resolver.mjs')}${mode === '' ? '' : ` ${mode}`}`;
const SEED_RUN = ['--seed', '7', '--runs', '40', '--time-limit', '5000'];
const tmp = makeTempDir('hiodkit-conform-resolver-');
afterAll(() => removeTempDir(tmp));

// each starts a resolver process with tsx: seconds on a loaded machine
describe('conform --exec on a Kconfig resolver (its hello says kind "kconfig-resolver")', { timeout: 60_000 }, () => {
  it('judges a correct resolver against minikconf: every resolver property passes, exit 0', () => {
    const r = run(['conform', '--exec', exec(), ...SEED_RUN]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('hiodkit conformance: cli-resolver (process) — Kconfig resolver, judged against minikconf');
    for (const id of RESOLVER_PROPERTY_IDS) expect(r.stdout).toMatch(new RegExp(`PASS +${id.replace('/', '\\/')} `));
    expect(r.stdout).toContain('CONFORMANT');
  });

  it('catches a resolver that treats imply as select: exit 1, the build it got wrong, and a replay command that fails again', () => {
    const r = run(['conform', '--exec', exec('imply-as-select'), '--property', 'kconfig-resolver/seed-builds', ...SEED_RUN]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL +kconfig-resolver\/seed-builds/);
    expect(r.stdout).toContain("the resolver's resolution differs from minikconf's");
    expect(r.stdout).toContain('    |     imply VTD_ACCEL');
    const replay = /replay: hiodkit (conform .*)$/m.exec(r.stdout);
    expect(replay?.[1]).toContain('--property kconfig-resolver/seed-builds --seed 7 --runs 40 --path');
    expect(r.stdout).toContain('NOT CONFORMANT');
  });

  it('writes the run with --json as a run document whose report is a resolver report', () => {
    const file = join(tmp, 'resolver.json');
    const r = run(['conform', '--exec', exec('imply-as-select'), '--property', 'kconfig-resolver/*', ...SEED_RUN, '--json', file]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as ConformanceRun;
    expect(schemaProblems('run.schema.json', doc, 'run')).toEqual([]);
    const [report] = doc.reports as ResolverReport[];
    expect(report).toMatchObject({ kind: 'kconfig-resolver', resolver: { name: 'imply-select', isolation: 'process' }, conformant: false });
    expect(report?.properties.map((p) => p.id)).toEqual([...RESOLVER_PROPERTY_IDS]);
    expect(doc.conformant).toBe(false);
  });

  it('writes JUnit with a testsuite for the resolver, valid by libxml2 against the Jenkins schema, the wrong build in the failure', async () => {
    const file = join(tmp, 'resolver.xml');
    const r = run(['conform', '--exec', exec('imply-as-select'), '--property', 'kconfig-resolver/seed-builds', ...SEED_RUN, '--junit', file]);
    expect(r.code).toBe(1);
    const xml = readFileSync(file, 'utf8');
    expect(await junitSchemaErrors(xml)).toEqual([]);
    expect(xml).toMatch(/<testsuite name="imply-select \(Kconfig resolver\)" tests="1" failures="1" errors="0" skipped="0" /);
    expect(xml).toContain('<property name="kind" value="kconfig-resolver"/>');
    expect(xml).toMatch(/<testcase name="kconfig-resolver\/seed-builds" classname="hiodkit\.imply-select" [^>]*>\n {6}<failure message="on the seed build [^"]*: the resolver's resolution differs from minikconf's" type="nonconformance">/);
    expect(xml).toContain('  |     imply VTD_ACCEL');
    expect(xml).toMatch(/shrunk \d+ time\(s\); replay: \{ seed: 7, numRuns: 40, path: "\d+(:\d+)*", properties: \["kconfig-resolver\/seed-builds"\] \}/);
  });

  it.each([
    [['--profile', 'seed'], '--profile is a checker'],
    [['--known-failure', 'contract'], '--known-failure lists a checker'],
    [['--html', '-'], '--html reports checkers'],
    [['--property', 'table-equivalence'], 'unknown resolver property ID "table-equivalence"'],
  ])('refuses what only a checker has (%j): exit 2, naming it', (extra, message) => {
    const r = run(['conform', '--exec', exec(), ...SEED_RUN, ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe('conform --plugin on a Kconfig resolver module (its export says kind "kconfig-resolver")', { timeout: 60_000 }, () => {
  const module = join(FIXTURES, 'resolver-module.ts');

  it('loads it in a worker and judges it against minikconf: every property passes, exit 0', () => {
    const r = run(['conform', '--plugin', module, ...SEED_RUN]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('hiodkit conformance: module-resolver (worker) — Kconfig resolver, judged against minikconf');
    for (const id of RESOLVER_PROPERTY_IDS) expect(r.stdout).toMatch(new RegExp(`PASS +${id.replace('/', '\\/')} `));
  });

  it('catches a resolver module that ignores --without-default-devices, with a replay that names the export', () => {
    const r = run(['conform', '--plugin', module, '--export', 'allnoconfigIgnored', '--property', 'kconfig-resolver/seed-builds', ...SEED_RUN]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL +kconfig-resolver\/seed-builds/);
    expect(r.stdout).toMatch(/replay: hiodkit conform --plugin \S+resolver-module\.ts --export allnoconfigIgnored --time-limit 5000 --property kconfig-resolver\/seed-builds --seed 7 --runs 40 --path \S+$/m);
  });

  it('an export that says kconfig-resolver but has no resolve is refused by name, exit 2', () => {
    const r = run(['conform', '--plugin', module, '--export', 'noResolve', '--runs', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('export "noResolve" is not a Kconfig resolver: resolve: must be a function (input) => KconfigResolution');
  });
});

