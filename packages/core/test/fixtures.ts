import { InputError } from '@hiodkit/core';

/** Runs `fn`, which must throw, and returns what it threw. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, and it returned');
}

/** Runs `fn`, which must throw an InputError, and returns it. */
export function inputErrorFrom(fn: () => unknown): InputError {
  const error = thrownBy(fn);
  if (!(error instanceof InputError)) throw new Error(`expected an InputError, got ${String(error)}`);
  return error;
}
