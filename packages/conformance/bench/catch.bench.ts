// How many cases each broken plugin survives before the property meant to catch it fails, over
// several seeds: the kit's fault-finding speed. Printed as a table; the bench row times one sweep.
import { bench, describe } from 'vitest';
import { runConformance } from '../src/index.js';
import { BROKEN_PLUGINS } from '../test/broken/corpus.js';

const SEEDS = Array.from({ length: 20 }, (_, i) => 1000 + i);

function casesToCatch(): { id: string; median: number; max: number; missed: number }[] {
  return BROKEN_PLUGINS.map((b) => {
    const seeds = b.id === 'never-returns' ? SEEDS.slice(0, 3) : SEEDS;
    const runs: number[] = [];
    let missed = 0;
    for (const seed of seeds) {
      const report = runConformance(b.plugin, { seed, numRuns: 200, timeLimitMs: 100, properties: [b.caughtBy] });
      const result = report.properties[0];
      if (result?.status === 'failed') runs.push(result.runs);
      else missed++;
    }
    runs.sort((x, y) => x - y);
    return { id: b.id, median: runs[Math.floor(runs.length / 2)] ?? NaN, max: runs[runs.length - 1] ?? NaN, missed };
  });
}

const table = casesToCatch();
const width = Math.max(...table.map((r) => r.id.length));
console.log(
  [
    `\ncases until caught (intended property, 200 runs allowed, ${SEEDS.length} seeds; never-returns 3):`,
    `${'broken plugin'.padEnd(width)}  median  max  missed`,
    ...table.map((r) => `${r.id.padEnd(width)}  ${String(r.median).padStart(6)}  ${String(r.max).padStart(3)}  ${String(r.missed).padStart(6)}`),
    `overall: median ${table.map((r) => r.median).sort((a, b) => a - b)[Math.floor(table.length / 2)]}, max ${Math.max(...table.map((r) => r.max))}, missed ${table.reduce((a, r) => a + r.missed, 0)}`,
  ].join('\n'),
);

describe('catching the corpus', () => {
  bench('one seed over every broken plugin but never-returns', () => {
    for (const b of BROKEN_PLUGINS) if (b.id !== 'never-returns') runConformance(b.plugin, { seed: 7, numRuns: 200, properties: [b.caughtBy] });
  }, { iterations: 3 });
});
