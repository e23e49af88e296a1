import { describe, expect, it } from 'vitest';
import { SLOW_LIMIT_MS, SOAK_KINDS, soak } from './soak/soak.js';

// The bounded soak: a few thousand calls of every kind under two busy loops. `pnpm soak` runs the full one.
describe('soak: correct plugins under CPU load are always CONFORMANT', () => {
  it('the C example (plain and with blank lines), a module plugin, and slow calls inside their limit', { timeout: 300_000 }, async () => {
    const slow = (k: { timeLimitMs: number }) => k.timeLimitMs === SLOW_LIMIT_MS;
    const result = await soak({ callsPerKind: (k) => (slow(k) ? 100 : 1_500), runs: (k) => (slow(k) ? 8 : 100), firstSeed: 20_261_201 });
    expect(result.figures.map((f) => f.kind)).toEqual(SOAK_KINDS.map((k) => k.name));
    for (const [i, f] of result.figures.entries()) expect(f.calls).toBeGreaterThanOrEqual(slow(SOAK_KINDS[i] as (typeof SOAK_KINDS)[number]) ? 100 : 1_500);
    expect(result.falseVerdicts).toEqual([]);
  });
});
