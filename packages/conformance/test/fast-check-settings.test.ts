import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { vtdPlugin } from '@hiodkit/vtd';
import { KitError, PROPERTY_SPECS, openSession, runConformance, runProperty, type ConformanceReport, type PropertySpec } from '../src/index.js';
import { seedChecker } from './broken/seed-checker.js';

const SEED = 31_337;

/** A report without what varies from run to run: durations. */
function stable(report: ConformanceReport): unknown {
  return JSON.parse(JSON.stringify(report, (key, value: unknown) => (key === 'durationMs' ? 0 : value)));
}

/** Everything fc.configureGlobal takes that could bend a run, set the hostile way. */
const HOSTILE: fc.GlobalParameters = {
  numRuns: 3,
  seed: 42,
  interruptAfterTimeLimit: 1,
  skipAllAfterTimeLimit: 1,
  markInterruptAsFailure: true,
  endOnFailure: true,
  baseSize: 'xsmall',
  defaultSizeToMaxWhenMaxSpecified: false,
  verbose: 2,
  unbiased: true,
  maxSkipsPerRun: 0,
  randomType: 'congruential32',
  ignoreEqualValues: true,
  beforeEach: () => {
    throw new Error('a consumer hook');
  },
  afterEach: () => {
    throw new Error('a consumer hook');
  },
  reporter: () => {
    throw new Error('a consumer reporter');
  },
};

afterEach(() => fc.resetConfigureGlobal());

describe("a consumer's fc.configureGlobal neither changes nor crashes the kit's runs", () => {
  it.each([
    ['a correct plugin', () => vtdPlugin('seed')],
    ['a broken one (FS1GP read from bit 55)', () => seedChecker('b55', { fs1gpBit: 55n })],
  ])('%s: the same report, property for property, counterexample for counterexample', (_what, plugin) => {
    const plain = runConformance(plugin(), { seed: SEED, numRuns: 60 });
    fc.configureGlobal(HOSTILE);
    const bent = runConformance(plugin(), { seed: SEED, numRuns: 60 });
    expect(stable(bent)).toEqual(stable(plain));
  });

  it("puts the consumer's settings back afterwards", () => {
    fc.configureGlobal(HOSTILE);
    runConformance(vtdPlugin('seed'), { seed: SEED, numRuns: 5, properties: ['contract'] });
    expect(fc.readConfigureGlobal()).toBe(HOSTILE);
  });
});

describe('a failure that is not a property violation', () => {
  it('is a KitError naming the property, the seed and the path, with the original error as its cause', () => {
    const session = openSession(vtdPlugin('seed'), { seed: SEED, numRuns: 5 });
    const base = PROPERTY_SPECS.find((s) => s.id === 'contract') as PropertySpec<never>;
    const broken: PropertySpec<never> = {
      ...base,
      check: () => {
        throw new TypeError('a kit bug');
      },
    };
    let thrown: unknown;
    try {
      runProperty(broken, session.context, { seed: SEED, numRuns: 5 });
    } catch (e) {
      thrown = e;
    } finally {
      session.close();
    }
    expect(thrown).toBeInstanceOf(KitError);
    expect((thrown as Error).message).toMatch(/^property contract \(seed 31337, path \d+(:\d+)*\) failed with TypeError: a kit bug, which is not a property violation: a bug in the kit$/);
    expect((thrown as Error).cause).toBeInstanceOf(TypeError);
  });
});
