/** A mistake in how the kit was asked to run: unknown property or profile, replay without a seed, a bad path. */
export class ConformanceConfigError extends Error {
  override readonly name = 'ConformanceConfigError';
}
