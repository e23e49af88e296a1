// Cases per second of each property on the vtd plugin, beside a bare fc.assert over the same
// arbitrary with a no-op predicate: the kit's overhead is the ratio vitest prints per group.
import fc from 'fast-check';
import { bench, describe } from 'vitest';
import { vtdPlugin } from '@hiodkit/vtd';
import { PROPERTY_SPECS, openSession, runProperty } from '../src/index.js';

const RUNS = 100;
const session = openSession(vtdPlugin('seed'), { seed: 1, numRuns: RUNS });
const ctx = session.context;

// steady state: every property once before any is timed, so the first group does not pay for JIT warm-up
for (const spec of PROPERTY_SPECS) if (spec.notApplicable(ctx) === undefined) runProperty(spec, ctx, { seed: 0, numRuns: 500 });

for (const spec of PROPERTY_SPECS) {
  if (spec.notApplicable(ctx) !== undefined) continue;
  describe(`${spec.id} (${RUNS} cases per iteration)`, () => {
    let seed = 0;
    bench('kit property on vtd-accel@seed', () => {
      const result = runProperty(spec, ctx, { seed: seed++, numRuns: RUNS });
      if (result.status !== 'passed') throw new Error(`${spec.id} failed: ${result.failure?.summary}`);
    });
    bench('bare fc.assert, no-op predicate', () => {
      fc.assert(
        fc.property(spec.arbitrary(ctx), () => {}),
        { seed: seed++, numRuns: RUNS },
      );
    });
  });
}
