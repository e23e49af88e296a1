// @ts-check
// `pnpm mutation:core`: the core code a checker built on @hiodkit/core shares with the kit's expectations,
// mutated, with the same kit run (kit.mutation.ts) as the only test suite: a fault there must be caught too.
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  mutate: [
    // C printf: every message vtd and stub render
    'packages/core/src/printf.ts',
    // the realize-time checks the generators keep every guest within
    'packages/core/src/decide-config.ts',
    // what vtd reads the registers through: the field lookup, its mask (VTD_CAP_FS1GP) and bitField (PSS)
    'packages/core/src/registers.ts:106-123',
    'packages/core/src/integers.ts:93-96',
  ],
  htmlReporter: { fileName: 'reports/mutation/shared-core.html' },
  jsonReporter: { fileName: 'reports/mutation/shared-core.json' },
};
