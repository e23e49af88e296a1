import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROPERTY_IDS, schemaProblems, type ConformanceReport, type ConformanceRun } from '@hiodkit/conformance';
import { FIXTURES, hasStackTrace, makeTempDir, removeTempDir, run, runBin, type RunResult } from './helpers.js';
import { WRONG_MESSAGE } from './fixtures/wrong-type-message.js';
import { junitSchemaErrors } from './xmllint.js';

const BROKEN = join(FIXTURES, 'wrong-type-message.ts');
const GOOD = join(FIXTURES, 'good-plugin.ts');
const SEED_RUN = ['--runs', '50', '--seed', '7'] as const;

const tmp = makeTempDir('hiodkit-conform-test-');
afterAll(() => removeTempDir(tmp));

/** The status column of each property line: id → PASS/FAIL/XFAIL/XPASS/n/a. */
function statuses(r: RunResult): Record<string, string> {
  return Object.fromEntries([...r.stdout.matchAll(/^ {2}(PASS|FAIL|XFAIL\?|XFAIL|XPASS|n\/a) +(\S+)/gm)].map((m) => [m[2] as string, m[1] as string]));
}

function expectClean(r: RunResult): void {
  expect(hasStackTrace(r.stdout), `stdout:\n${r.stdout}`).toBe(false);
  expect(hasStackTrace(r.stderr), `stderr:\n${r.stderr}`).toBe(false);
}

describe('conform --builtin', () => {
  it('vtd at seed, 50 runs, seed 7: exit 0 with the report', () => {
    const r = run(['conform', '--builtin', 'vtd', '--profile', 'seed', ...SEED_RUN]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('hiodkit conformance: vtd-accel@seed (in-process) — profile seed, CONFIG_VTD_ACCEL=y\n');
    expect(r.stdout).toContain('table reference/seed.json (qemu cca621c782d2, 11 rows) · seed 7 · 50 runs per property · 1000 ms per call\n');
    expect(statuses(r)).toEqual({
      contract: 'PASS',
      'table-equivalence': 'PASS',
      'precedence/first-failure': 'PASS',
      'precedence/repair-exposes-next': 'PASS',
      'precedence/break-hides-later': 'PASS',
      'final-rejection': 'PASS',
      stub: 'n/a',
      kconfig: 'PASS',
    });
    expect(r.stdout).toMatch(/row coverage \(\d+ generated cases in table-equivalence\):/);
    expect(r.stdout).toMatch(/^ {4}first-stage-rejected +\d+\.\d%/m);
    expect(r.stdout).toMatch(/^ {2}CONFORMANT in /m);
    expectClean(r);
  });

  it('--json FILE writes the run document for one plugin, valid against run.schema.json', () => {
    const file = join(tmp, 'vtd-seed.json');
    const r = run(['conform', '--builtin', 'vtd', '--profile', 'seed', ...SEED_RUN, '--json', file]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as ConformanceRun;
    expect(schemaProblems('run.schema.json', doc, 'run')).toEqual([]);
    expect(doc).toMatchObject({ hiodkit: 'conformance-run', version: 1, conformant: true, runInfo: { seed: 7, node: process.version } });
    expect(doc.reports).toHaveLength(1);
    const [report] = doc.reports as ConformanceReport[];
    expect(report?.profile).toBe('seed');
    expect(report?.options).toMatchObject({ seed: 7, numRuns: 50 });
    expect(report?.properties.map((p) => p.id)).toEqual([...PROPERTY_IDS]);
  });

  it('every built-in checker at every profile is conformant; --json writes the same document shape for all 14', () => {
    const file = join(tmp, 'all.json');
    const r = run(['conform', '--runs', '3', '--seed', '1', '--json', file]);
    expect(r.code).toBe(0);
    // nine vtd checkers, and a stub for each of the five profiles with CONFIG_VTD_ACCEL
    expect(r.stdout).toContain('14 of 14 plugins conformant\n');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as ConformanceRun;
    expect(schemaProblems('run.schema.json', doc, 'run')).toEqual([]);
    expect(doc.reports).toHaveLength(14);
    expect(doc.conformant).toBe(true);
  });

  it('--json - writes the document on stdout and the report on stderr', () => {
    const r = run(['conform', '--builtin', 'vtd', '--profile', 'seed', '--runs', '5', '--seed', '3', '--property', 'contract', '--json', '-']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as ConformanceRun;
    expect(schemaProblems('run.schema.json', doc, 'run')).toEqual([]);
    expect(r.stderr).toContain('hiodkit conformance: vtd-accel@seed (in-process)');
    expect(r.stderr).toMatch(/^ {2}CONFORMANT in /m);
  });

  it('--junit - writes the XML on stdout, and no file named -', async () => {
    const r = run(['conform', '--builtin', 'vtd', '--profile', 'seed', '--runs', '5', '--seed', '3', '--property', 'contract', '--junit', '-'], { cwd: tmp });
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(await junitSchemaErrors(r.stdout)).toEqual([]);
    expect(r.stderr).toContain('PASS   contract');
    expect(existsSync(join(tmp, '-'))).toBe(false);
  }, 30_000);

  it('--builtin stub runs the stub property', () => {
    const r = run(['conform', '--builtin', 'stub', '--profile', 'relaxed', '--runs', '10', '--seed', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('CONFIG_VTD_ACCEL=n');
    expect(statuses(r)['stub']).toBe('PASS');
  });

  it('--builtin stub at a profile before the seed is bad usage', () => {
    const r = run(['conform', '--builtin', 'stub', '--profile', 'aw-only', '--runs', '1', '--seed', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--builtin stub: profile aw-only predates CONFIG_VTD_ACCEL and its stub (added by the seed, cca621c7)');
  });

  it('--property runs only the properties named', () => {
    const r = run(['conform', '--builtin', 'vtd', '--profile', 'seed', ...SEED_RUN, '--property', 'contract', '--property', 'final-rejection']);
    expect(r.code).toBe(0);
    expect(statuses(r)).toEqual({ contract: 'PASS', 'final-rejection': 'PASS' });
    expect(r.stdout).not.toContain('row coverage');
  });

  it('--property takes globs: * matches any run of characters, / included', () => {
    const argv = ['conform', '--builtin', 'vtd', '--profile', 'seed', '--runs', '5', '--seed', '7'];
    expect(Object.keys(statuses(run([...argv, '--property', 'precedence/*'])))).toEqual(['precedence/first-failure', 'precedence/repair-exposes-next', 'precedence/break-hides-later']);
    expect(Object.keys(statuses(run([...argv, '--property', '*-rejection', '--property', 'con*'])))).toEqual(['contract', 'final-rejection']);
    expect(Object.keys(statuses(run([...argv, '--property', '*first*', '--property', 'precedence/first-failure'])))).toEqual(['precedence/first-failure']);
  });

  it('--help lists the exit codes, 3 included, and examples', () => {
    const r = run(['conform', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Exit codes:\n {2}0 {2}conformant\n {2}1 {2}nonconformant.*\n {2}2 {2}bad usage.*\n(?: {5}.*\n)* {2}3 {2}an internal error in hiodkit/m);
    expect(r.stdout).toContain("\nExamples:\n  hiodkit conform --plugin ./my-plugin.js\n");
    expect(r.stdout).toContain("--property 'precedence/*'");
  });

  it('--known-failure ID for a property that passes: XFAIL? (not found this run), exit 0', () => {
    const r = run(['conform', '--builtin', 'vtd', '--profile', 'seed', ...SEED_RUN, '--known-failure', 'contract']);
    expect(r.code).toBe(0);
    expect(statuses(r)['contract']).toBe('XFAIL?');
    expect(r.stdout).toContain('not found this run (seed');
  });
});

describe('conform --plugin', () => {
  const broken = run(['conform', '--plugin', BROKEN, ...SEED_RUN]);

  it('a broken checker: exit 1, the failing property with its counterexample and replay line', () => {
    expect(broken.code).toBe(1);
    expect(broken.stderr).toBe('');
    expect(broken.stdout).toContain('hiodkit conformance: cli-fixture-wrong-type-message (worker) — profile seed');
    expect(statuses(broken)['table-equivalence']).toBe('FAIL');
    expect(broken.stdout).toContain('expected: reject: "Incompatible host platform IOMMU type 2"\n');
    expect(broken.stdout).toContain(`actual:   reject: ${JSON.stringify(WRONG_MESSAGE)}\n`);
    expect(broken.stdout).toMatch(/^ {6}case: \{"guest":.*"caps":\{"type":2,/m);
    // the whole command, to paste into a shell: the plugin as given, the property, seed, runs and path
    expect(broken.stdout).toContain(`replay: hiodkit conform --plugin ${BROKEN} --property table-equivalence --seed 7 --runs 50 --path `);
    expect(broken.stdout).toMatch(/^ {6}shrunk \d+ time\(s\); replay: hiodkit conform .* --path [\d:]+$/m);
    expect(broken.stdout).toMatch(/^ {2}NOT CONFORMANT in /m);
    expectClean(broken);
  });

  it('replaying --seed and --path from the failing run reproduces the same counterexample', () => {
    const replay = /replay: hiodkit (conform .*)$/m.exec(broken.stdout);
    if (!replay) throw new Error('no replay line');
    // the printed command, run as printed (its words need no shell quoting here)
    const argv = (replay[1] ?? '').split(' ');
    const [property = '', seed = '', path = ''] = ['--property', '--seed', '--path'].map((o) => argv[argv.indexOf(o) + 1]);
    const caseLine = (r: RunResult) => r.stdout.split('\n').find((l) => l.startsWith('      case: '));
    const again = run(argv);
    expect([property, seed]).toEqual(['table-equivalence', '7']);
    expect(path).toMatch(/^\d+(:\d+)*$/);
    expect(again.code).toBe(1);
    expect(Object.keys(statuses(again))).toEqual([property]);
    expect(caseLine(again)).toBeDefined();
    expect(caseLine(again)).toBe(caseLine(broken));
    expect(again.stdout).toContain(`actual:   reject: ${JSON.stringify(WRONG_MESSAGE)}\n`);
  });

  it('--known-failure for the failing property makes the run conformant (XFAIL)', () => {
    const r = run(['conform', '--plugin', BROKEN, ...SEED_RUN, '--known-failure', 'table-equivalence', '--property', 'table-equivalence', '--property', 'contract']);
    expect(r.code).toBe(0);
    expect(statuses(r)).toEqual({ contract: 'PASS', 'table-equivalence': 'XFAIL' });
    expect(r.stdout).toMatch(/^ {2}CONFORMANT in /m);
  });

  it('--known-failure ID@SEED:PATH replays that case first: XFAIL while it fails, XPASS and exit 1 once it conforms', () => {
    const replay = /replay: hiodkit conform .* --property table-equivalence --seed (-?\d+) --runs \d+ --path ([\d:]+)$/m.exec(broken.stdout);
    if (!replay) throw new Error('no replay line');
    const known = `table-equivalence@${replay[1] ?? ''}:${replay[2] ?? ''}`;
    const still = run(['conform', '--plugin', BROKEN, '--runs', '5', '--seed', '99', '--property', 'table-equivalence', '--known-failure', known]);
    expect(still.code).toBe(0);
    expect(statuses(still)).toEqual({ 'table-equivalence': 'XFAIL' });
    const fixed = run(['conform', '--plugin', GOOD, '--runs', '5', '--seed', '99', '--property', 'table-equivalence', '--known-failure', known]);
    expect(fixed.code).toBe(1);
    expect(statuses(fixed)).toEqual({ 'table-equivalence': 'XPASS' });
    expect(fixed.stdout).toContain('the counterexample recorded with it conforms now: remove it from knownFailures');
  });

  it('a good module: exit 0', () => {
    const r = run(['conform', '--plugin', GOOD, '--runs', '20', '--seed', '7']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('hiodkit conformance: cli-fixture-good (worker) — profile seed');
    expect(Object.values(statuses(r)).filter((s) => s !== 'PASS' && s !== 'n/a')).toEqual([]);
  });

  it('--export names the export holding the plugin', () => {
    const r = run(['conform', '--plugin', GOOD, '--export', 'nope', '--runs', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"nope"');
    expectClean(r);
  });

  it('--junit FILE: valid against the Jenkins JUnit schema, a testcase per property, the failure counted and its <&> escaped', async () => {
    const file = join(tmp, 'broken.xml');
    const r = run(['conform', '--plugin', BROKEN, ...SEED_RUN, '--property', 'contract', '--property', 'table-equivalence', '--property', 'stub', '--junit', file]);
    expect(r.code).toBe(1);
    const xml = readFileSync(file, 'utf8');
    expect(await junitSchemaErrors(xml)).toEqual([]);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="hiodkit conformance" tests="3" failures="1" errors="0" time="[\d.]+">/);
    expect(xml).toMatch(/<testsuite name="cli-fixture-wrong-type-message \(profile seed\)" tests="3" failures="1" errors="0" skipped="1" /);
    const cases = [...xml.matchAll(/<testcase name="([^"]+)" classname="hiodkit\.cli-fixture-wrong-type-message"/g)].map((m) => m[1]);
    expect(cases).toEqual(['contract', 'table-equivalence', 'stub']);
    const failures = [...xml.matchAll(/<failure message="([^"]*)" type="nonconformance">([^<]*)<\/failure>/g)];
    expect(failures).toHaveLength(1);
    expect(failures[0]?.[2]).toContain('actual:   reject: "IOMMU type 2 &lt;&amp;&gt; is not VT-d"');
    expect(xml).not.toContain(WRONG_MESSAGE);
    expect(xml).toMatch(/<skipped>not applicable: [^<]*<\/skipped>/);
  }, 30_000);

  it('--junit for a conformant run: every property a testcase, no failures', async () => {
    const file = join(tmp, 'good.xml');
    expect(run(['conform', '--builtin', 'vtd', '--profile', 'seed', ...SEED_RUN, '--junit', file]).code).toBe(0);
    const xml = readFileSync(file, 'utf8');
    expect(await junitSchemaErrors(xml)).toEqual([]);
    expect(xml).toContain(`<testsuites name="hiodkit conformance" tests="${PROPERTY_IDS.length}" failures="0"`);
    expect([...xml.matchAll(/<testcase name="([^"]+)"/g)].map((m) => m[1])).toEqual([...PROPERTY_IDS]);
  }, 30_000);
});

/*
 * Text a plugin supplies (a thrown message, its stderr) can hold a stack trace: wrapping code often
 * writes `${cause.stack}` into a message, and node prints an uncaught exception's stack on stderr.
 * No command may print a stack trace on any input, plugins included.
 */
describe('conform never prints a stack trace a plugin supplies', () => {
  it('a module that throws at import with a stack in its message: exit 2, the reason, no stack', () => {
    const r = run(['conform', '--plugin', join(FIXTURES, 'import-throws-stack.mjs')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('import-throws-stack.mjs');
    expect(r.stderr).toContain('plugin setup failed: Error: cli-fixture: settings.json is missing');
    expectClean(r);
  });

  it('a check that throws with a stack in its message: exit 1, the reason, no stack', () => {
    const r = run(['conform', '--plugin', join(FIXTURES, 'check-throws-stack.mjs'), '--property', 'contract', '--runs', '2', '--seed', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('check failed: Error: cli-fixture: lookup table not loaded');
    expectClean(r);
  });

  it('an --exec plugin that crashes mid-run: exit 1, the error quoted, no stack frames', () => {
    const r = run(['conform', '--exec', `${process.execPath} ${join(FIXTURES, 'protocol-cli', 'crashes-mid-run.mjs')}`, '--property', 'contract', '--runs', '2', '--seed', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('the plugin crashed');
    expect(r.stdout).toContain("TypeError: Cannot read properties of undefined (reading 'outcome')");
    expectClean(r);
  }, 30_000);
});

describe('conform progress line', () => {
  const argv = ['conform', '--builtin', 'vtd', '--profile', 'seed', '--runs', '2', '--seed', '1', '--property', 'contract', '--property', 'kconfig'];

  it('is written to stderr on a terminal outside CI', () => {
    const r = run(argv, { isTTY: true, env: {} });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('[1/2] vtd-accel@seed: contract…');
    expect(r.stderr).toContain('[2/2] vtd-accel@seed: kconfig…');
    expect(r.stderr.endsWith('\r\u001b[2K')).toBe(true);
    expect(r.stdout).not.toContain('[1/2]');
  });

  it('is not written when stderr is not a terminal', () => {
    expect(run(argv, { isTTY: false, env: {} }).stderr).toBe('');
  });

  it('is not written under CI, even on a terminal', () => {
    expect(run(argv, { isTTY: true, env: { CI: 'true' } }).stderr).toBe('');
    expect(run(argv, { isTTY: true, env: { CI: '1' } }).stderr).toBe('');
  });

  it('CI=false or CI= (empty) does not count as CI', () => {
    expect(run(argv, { isTTY: true, env: { CI: 'false' } }).stderr).toContain('[1/2]');
    expect(run(argv, { isTTY: true, env: { CI: '' } }).stderr).toContain('[1/2]');
  });
});

// each spawns node with tsx and runs the kit: seconds, more on a loaded machine
describe('conform, the real binary', { timeout: 30_000 }, () => {
  it('HIODKIT_SEED sets the default seed; the exit code is real; no progress without a terminal', () => {
    const b = runBin(['conform', '--builtin', 'vtd', '--profile', 'seed', '--runs', '5'], { env: { ...process.env, HIODKIT_SEED: '4242', CI: '' } });
    expect(b.code).toBe(0);
    expect(b.stdout).toContain('· seed 4242 ·');
    expect(b.stderr).toBe('');
    expect(hasStackTrace(b.stdout + b.stderr)).toBe(false);
  });

  it('a broken plugin exits 1', () => {
    const b = runBin(['conform', '--plugin', BROKEN, '--property', 'table-equivalence', ...SEED_RUN]);
    expect(b.code).toBe(1);
    expect(b.stdout).toContain('FAIL   table-equivalence');
    expect(hasStackTrace(b.stdout + b.stderr)).toBe(false);
  });

  it('piped, the report has no escape codes at all (isatty(1) is false); FORCE_COLOR colours it all the same', () => {
    const argv = ['conform', '--builtin', 'vtd', '--profile', 'seed', '--runs', '3', '--seed', '7', '--property', 'contract'];
    const { NO_COLOR: _n, FORCE_COLOR: _f, ...env } = process.env;
    const piped = runBin(argv, { env: { ...env, TERM: 'xterm-256color' } });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain('  PASS   contract');
    expect(piped.stdout + piped.stderr).not.toContain('\u001b');
    const forced = runBin(argv, { env: { ...env, TERM: 'xterm-256color', FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain('  \u001b[32mPASS\u001b[39m   contract');
  });
});
