import fc from 'fast-check';

/**
 * Runs `body` with fast-check's global settings at their defaults, then puts the caller's back.
 * A consumer's fc.configureGlobal (time limits, numRuns, a seed, hooks, sizes) is for its own
 * tests; the kit's verdict must be the same whatever it says. Arbitraries read some settings when
 * they are built, so the kit builds its own inside `body` too.
 */
export function withDefaultFastCheckSettings<T>(body: () => T): T {
  const saved = fc.readConfigureGlobal();
  fc.resetConfigureGlobal();
  try {
    return body();
  } finally {
    fc.configureGlobal(saved);
  }
}
