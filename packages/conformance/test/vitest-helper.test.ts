// The vitest helper as a consumer uses it: describeConformance(plugin) makes one test per property.
// The generated tests are this file's tests; the last describe checks what was generated and how
// a failure reads.
import { describe, expect, it } from 'vitest';
import type { RunnerTask } from 'vitest';
import { stubPlugin } from '@hiodkit/stub';
import { vtdPlugin } from '@hiodkit/vtd';
import { ConformanceConfigError, PROPERTY_IDS, PROPERTY_SPECS, formatFailure, openSession } from '../src/index.js';
import { ConformanceFailure, describeConformance } from '../src/vitest.js';
import { seedChecker } from './broken/seed-checker.js';

const SEED = 0x5eed;

describeConformance(vtdPlugin('seed'), { seed: SEED, numRuns: 100 });
describeConformance(stubPlugin('seed'), { seed: SEED, numRuns: 100 });
// a plugin with a known failure: its test passes
describeConformance(seedChecker('b55', { fs1gpBit: 55n }), { seed: SEED, numRuns: 50, properties: ['table-equivalence', 'contract'], knownFailures: ['table-equivalence'] });

describe('what describeConformance generated', () => {
  function generated(task: RunnerTask, pluginName: string): { suite: string; tests: { name: string; state: string | undefined }[] } | undefined {
    const suite = task.file.tasks.find((t) => t.type === 'suite' && t.name.startsWith(`hiodkit conformance: ${pluginName} `));
    if (!suite || suite.type !== 'suite') return undefined;
    return { suite: suite.name, tests: suite.tasks.map((t) => ({ name: t.name, state: t.result?.state })) };
  }

  it('for the accel checker: a suite named by plugin, profile and seed, one passed test per applicable property', ({ task }) => {
    const vtd = generated(task, 'vtd-accel@seed');
    expect(vtd?.suite).toBe(`hiodkit conformance: vtd-accel@seed (profile seed, seed ${SEED})`);
    expect(vtd?.tests).toEqual(PROPERTY_IDS.filter((id) => id !== 'stub').map((name) => ({ name, state: 'pass' })));
  });

  it('for the stub: no final-rejection test, a stub test', ({ task }) => {
    const stub = generated(task, 'vtd-stub@seed');
    expect(stub?.tests).toEqual(PROPERTY_IDS.filter((id) => id !== 'final-rejection').map((name) => ({ name, state: 'pass' })));
  });

  it('with properties chosen: only those, and a known failure passes', ({ task }) => {
    const b55 = generated(task, 'b55');
    expect(b55?.tests).toEqual([
      { name: 'contract', state: 'pass' },
      { name: 'table-equivalence', state: 'pass' },
    ]);
  });

  it('refuses bad options while the file is collected, as runConformance does', () => {
    expect(() => describeConformance(vtdPlugin('seed'), { seed: SEED, profile: 'bridge' })).toThrow(ConformanceConfigError);
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
      const failure = new ConformanceFailure(`[${spec.id}] ${spec.title}\n${formatFailure(result, session.run.seed, '  ')}`);
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
      expect(lines.at(-1)).toMatch(new RegExp(`^  shrunk \\d+ time\\(s\\); replay: --property table-equivalence --seed ${SEED} --path "\\d+(:\\d+)*"$`));
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
      if (contract) expect(formatFailure(session.check(contract), SEED)).toBe('');
    } finally {
      session.close();
    }
  });
});
