import { describe, expect, it } from 'vitest';
import type { CheckerPlugin } from '@hiodkit/core';
import { vtdPlugin } from '@hiodkit/vtd';
import { runConformance } from '../src/index.js';

const seed = vtdPlugin('seed');
const LIMIT_MS = 40;

const nap = new Int32Array(new SharedArrayBuffer(4));

/** Blocks past the limit: a thread the machine stalled, as the clock that times the call sees it (and, like it, using no CPU). */
function lateBy(ms: number): void {
  const until = performance.now() + LIMIT_MS + ms;
  for (let left = until - performance.now(); left > 0; left = until - performance.now()) Atomics.wait(nap, 0, 0, left);
}

/** The seed checker, late on the calls `late` picks out. */
function sometimesLate(name: string, late: (call: number) => boolean): CheckerPlugin & { calls: number } {
  const plugin = {
    name,
    implements: seed.implements,
    calls: 0,
    check(guest: Parameters<CheckerPlugin['check']>[0], device: Parameters<CheckerPlugin['check']>[1]) {
      if (late(plugin.calls++)) lateBy(30);
      return seed.check(guest, device);
    },
  };
  return plugin;
}

const run = (plugin: CheckerPlugin) => runConformance(plugin, { seed: 11, numRuns: 20, timeLimitMs: LIMIT_MS, properties: ['contract'] });

describe('a late call is asked again before it is called a timeout', () => {
  it('one stalled call (the 5th) is not charged: the plugin conforms, and the kit made one call more', () => {
    const once = sometimesLate('stalled-once', (n) => n === 4);
    const report = run(once);
    expect(report.properties[0]?.status).toBe('passed');
    const calm = sometimesLate('calm', () => false);
    run(calm);
    expect(once.calls).toBe(calm.calls + 1);
  });

  it('late on every call: the timeout stands, named with the limit', () => {
    const report = run(sometimesLate('always-late', () => true));
    const contract = report.properties[0];
    expect(contract?.status).toBe('failed');
    expect(contract?.failure?.summary ?? '').toContain(`did not return within the ${LIMIT_MS} ms time limit`);
  });

  it('late every second call (each retry calm): conforms, as each case is answered in time when asked again', () => {
    expect(run(sometimesLate('alternate', (n) => n % 2 === 0)).properties[0]?.status).toBe('passed');
  });
});
