// The vitest helper as a consumer uses it: describeConformance(plugin) makes one test per property.
// The generated tests are this file's tests; the last describe checks what was generated and how
// a failure reads.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunnerTask } from 'vitest';
import { stubPlugin } from '@hiodkit/stub';
import { vtdPlugin } from '@hiodkit/vtd';
import { ConformanceConfigError, PROPERTY_IDS, PROPERTY_SPECS, formatFailure, openSession, runConformance } from '../src/index.js';
import { ConformanceFailure, describeConformance } from '../src/vitest.js';
import { seedChecker } from './broken/seed-checker.js';

const SEED = 0x5eed;

// the properties that apply to each: how one that does not is skipped is seen in the fixture vitest below
describeConformance(vtdPlugin('seed'), { seed: SEED, numRuns: 100, properties: PROPERTY_IDS.filter((id) => id !== 'stub') });
describeConformance(stubPlugin('seed'), { seed: SEED, numRuns: 100, properties: PROPERTY_IDS.filter((id) => id !== 'final-rejection') });
// a plugin with a known failure: its test is expected to fail, and does
describeConformance(seedChecker('b55', { fs1gpBit: 55n }), { seed: SEED, numRuns: 50, properties: ['table-equivalence', 'contract'], knownFailures: ['table-equivalence'] });

describe('what describeConformance generated', () => {
  function generated(task: RunnerTask, pluginName: string): { suite: string; tests: { name: string; state: string | undefined; fails: boolean }[] } | undefined {
    const suite = task.file.tasks.find((t) => t.type === 'suite' && t.name.startsWith(`hiodkit conformance: ${pluginName} `));
    if (!suite || suite.type !== 'suite') return undefined;
    return { suite: suite.name, tests: suite.tasks.map((t) => ({ name: t.name, state: t.result?.state, fails: t.type === 'test' && t.fails === true })) };
  }

  it('for the accel checker: a suite named by plugin and profile (the same every run), a test per property asked for', ({ task }) => {
    const vtd = generated(task, 'vtd-accel@seed');
    expect(vtd?.suite).toBe('hiodkit conformance: vtd-accel@seed (profile seed)');
    expect(vtd?.tests).toEqual(PROPERTY_IDS.filter((id) => id !== 'stub').map((name) => ({ name, state: 'pass', fails: false })));
  });

  it('for the stub: the stub test passed', ({ task }) => {
    const stub = generated(task, 'vtd-stub@seed');
    expect(stub?.tests).toEqual(PROPERTY_IDS.filter((id) => id !== 'final-rejection').map((name) => ({ name, state: 'pass', fails: false })));
  });

  it('with properties chosen: only those, and a known failure is expected to fail', ({ task }) => {
    const b55 = generated(task, 'b55');
    expect(b55?.tests).toEqual([
      { name: 'contract', state: 'pass', fails: false },
      { name: 'table-equivalence', state: 'pass', fails: true },
    ]);
  });

  it('refuses bad options while the file is collected, as runConformance does', () => {
    expect(() => describeConformance(vtdPlugin('seed'), { seed: SEED, profile: 'bridge' })).toThrow(ConformanceConfigError);
  });
});

interface Recorded {
  readonly suite: string;
  readonly name: string;
  readonly state: string;
  readonly fails: boolean;
  readonly note?: string;
  readonly annotations: string[];
  readonly errors: { message: string; cause?: { name: string; stack: string } }[];
}

describe('what a vitest user sees, from a vitest of its own (test/fixtures/vitest-helper)', () => {
  let recorded: Recorded[] = [];
  beforeAll(() => {
    // the path of b55's failure, recorded with a plugin that no longer has the fault
    const first = runConformance(seedChecker('b55', { fs1gpBit: 55n }), { seed: SEED, numRuns: 20, properties: ['table-equivalence'] });
    const path = first.properties[0]?.failure?.path ?? '';
    const child = spawnSync(process.execPath, [fileURLToPath(new URL('./fixtures/vitest-helper/run.mjs', import.meta.url))], {
      encoding: 'utf8',
      env: { ...process.env, HIODKIT_FIXTURE_PATH: path },
      timeout: 120_000,
    });
    if (child.status !== 0) throw new Error(`the fixture vitest failed to run: ${child.stderr}`);
    recorded = JSON.parse(child.stdout) as Recorded[];
  }, 150_000);
  const find = (suite: string, name: string) => recorded.find((t) => t.suite === `hiodkit conformance: ${suite} (profile seed)` && t.name === name);

  it('every test is annotated with its seed, its runs and its calls', () => {
    expect(recorded.length).toBe(7);
    for (const t of recorded.filter((r) => r.state !== 'skip' || r.note?.startsWith('not found') === true)) expect(t.annotations[0]).toMatch(/^seed 24301 · \d+ run\(s\) · \d+ plugin call\(s\)$/);
  });

  it('a known failure found again is expected to fail, and passes as such', () => {
    expect(find('b55', 'table-equivalence')).toMatchObject({ state: 'pass', fails: true });
  });

  it('a known failure not found this run is skipped, saying so', () => {
    expect(find('vtd-accel@seed', 'contract')).toMatchObject({ state: 'skip', note: 'not found this run (seed 24301); record its counterexample in knownFailures to replay it every run' });
  });

  it('a property that does not apply is skipped with its reason', () => {
    expect(find('vtd-accel@seed', 'stub')).toMatchObject({ state: 'skip', fails: false, note: 'not applicable: the plugin declares the accel checker (CONFIG_VTD_ACCEL=y)' });
  });

  it('a known failure whose recorded case passes now fails the test, saying why', () => {
    const fixed = find('fixed', 'table-equivalence');
    expect(fixed).toMatchObject({ state: 'fail', fails: true });
    expect(fixed?.annotations).toContain('the counterexample recorded with it conforms now: remove it from knownFailures');
  });

  it('a failure shows the call that replays it, to paste into the test file', () => {
    const failed = recorded.find((t) => t.suite === 'hiodkit conformance: b55 (profile seed)' && !t.fails);
    expect(failed?.state).toBe('fail');
    expect(failed?.errors[0]?.message).toMatch(/replay: describeConformance\(plugin, \{ seed: 24301, numRuns: 50, path: "\d+(:\d+)*", properties: \["table-equivalence"\] \}\)$/);
  });

  it("a plugin's thrown error reaches the user as the failure's cause, with the stack that names the plugin's code", () => {
    const thrown = find('thrower', 'contract');
    expect(thrown?.state).toBe('fail');
    expect(thrown?.errors[0]?.message).toContain('the plugin threw TypeError: boom');
    expect(thrown?.errors[0]?.cause?.name).toBe('TypeError');
    expect(thrown?.errors[0]?.cause?.stack).toMatch(/at throwsFromHere \(.*outcomes\.fixture\.ts:\d+:\d+\)/);
  });

  it('a module plugin given by a path relative to the test file loads, wherever vitest runs from', () => {
    expect(find('beside-the-test', 'contract')).toMatchObject({ state: 'pass' });
  });
});

describe('ConformanceFailure: how a failed property reads in vitest', () => {
  const spec = PROPERTY_SPECS.find((s) => s.id === 'table-equivalence');

  it('names the property, shows expected and actual, and how to replay it; its stack is the message alone', () => {
    expect(spec).toBeDefined();
    if (!spec) return;
    const session = openSession(seedChecker('b55', { fs1gpBit: 55n }), { seed: SEED, numRuns: 50 });
    try {
      const result = session.check(spec);
      expect(result.status).toBe('failed');
      // what describeConformance throws for a failed property
      const failure = new ConformanceFailure(`[${spec.id}] ${spec.title}\n${formatFailure(result, session.run.numRuns, '  ')}`);
      expect(failure.name).toBe('ConformanceFailure');
      expect(failure).toBeInstanceOf(Error);
      const lines = failure.message.split('\n');
      expect(lines[0]).toBe(`[table-equivalence] ${spec.title}`);
      expect(lines[1]).toMatch(/^ {2}the outcome differs from row fs1gp-unsupported/);
      expect(failure.message).toContain('\n  row:      fs1gp-unsupported (BEHAVIOUR §attach.fs1gp;');
      expect(failure.message).toContain('\n  expected: reject: "First stage 1GB large page is unsupported by host IOMMU"');
      expect(failure.message).toContain('\n  actual:   reject: "host IOMMU is incompatible with guest first stage translation"');
      expect(failure.message).toMatch(/\n {2}predicates: cachingMode=on duplicate=no .*hostFs1gp=clear/);
      expect(failure.message).toMatch(/\n {2}case: \{"guest":\{"props":/);
      expect(lines.at(-1)).toMatch(new RegExp(`^  shrunk \\d+ time\\(s\\); replay: \\{ seed: ${SEED}, numRuns: 50, path: "\\d+(:\\d+)*", properties: \\["table-equivalence"\\] \\}$`));
      expect(failure.stack).toBe(`ConformanceFailure: ${failure.message}`);
    } finally {
      session.close();
    }
  });

  it('formatFailure is empty for a result without a failure', () => {
    const session = openSession(vtdPlugin('seed'), { seed: SEED, numRuns: 10 });
    try {
      const contract = PROPERTY_SPECS.find((s) => s.id === 'contract');
      expect(contract).toBeDefined();
      if (contract) expect(formatFailure(session.check(contract), 10)).toBe('');
    } finally {
      session.close();
    }
  });
});
