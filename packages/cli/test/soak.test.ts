import { describe, expect, it } from 'vitest';
import { SLOW_LIMIT_MS, SOAK_KINDS, soak } from './soak/soak.js';

// The bounded soak: one conform run of every kind, all at once, beside a busy loop (a few hundred
// calls each, a few dozen for the slow kinds), so that `pnpm test` stays short. The five runs at once
// and the loop already ask more than two CPUs give, with the rest of the suite beside them (a second
// loop cost three seconds of CPU a run). `pnpm soak` runs the full one (over 300,000 calls, under two
// busy loops), which is where a rare false verdict shows.
const FAST_CALLS = 300;
// one conform run per slow kind (4 cases per property make 36 calls): a second run doubled the soak's time
const SLOW_CALLS = 30;
describe('soak: correct plugins under CPU load are always CONFORMANT', () => {
  it('the C example (plain and with blank lines), a module plugin, and slow calls inside their limit', { timeout: 300_000 }, async () => {
    const slow = (k: { timeLimitMs: number }) => k.timeLimitMs === SLOW_LIMIT_MS;
    const result = await soak({ callsPerKind: (k) => (slow(k) ? SLOW_CALLS : FAST_CALLS), runs: (k) => (slow(k) ? 4 : 40), firstSeed: 20_261_201, concurrent: true, busyLoops: 1 });
    expect(result.figures.map((f) => f.kind)).toEqual(SOAK_KINDS.map((k) => k.name));
    for (const [i, f] of result.figures.entries()) expect(f.calls).toBeGreaterThanOrEqual(slow(SOAK_KINDS[i] as (typeof SOAK_KINDS)[number]) ? SLOW_CALLS : FAST_CALLS);
    expect(result.falseVerdicts).toEqual([]);
  });
});
