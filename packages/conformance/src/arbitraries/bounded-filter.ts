import fc from 'fast-check';
import { KitError } from '../oracle/realize.js';

/** fc's filter with a bound: after `tries` values in a row that fail the predicate, a KitError instead of a hang. */
class BoundedFilterArbitrary<T> extends fc.Arbitrary<T> {
  constructor(
    private readonly arb: fc.Arbitrary<T>,
    private readonly predicate: (value: T) => boolean,
    private readonly what: string,
    private readonly tries: number,
  ) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    for (let i = 0; i < this.tries; i++) {
      const candidate = this.arb.generate(mrng, biasFactor);
      if (this.predicate(candidate.value)) return candidate;
    }
    throw new KitError(`${this.what}: none of ${this.tries} generated values in a row passed the filter, which a correct generator never comes near`);
  }

  canShrinkWithoutContext(value: unknown): value is T {
    return this.arb.canShrinkWithoutContext(value) && this.predicate(value);
  }

  shrink(value: T, context: unknown): fc.Stream<fc.Value<T>> {
    return this.arb.shrink(value, context).filter((v) => this.predicate(v.value));
  }
}

/** `arb.filter(predicate)` that gives up with a KitError naming `what` when the predicate keeps failing. */
export function boundedFilter<T>(arb: fc.Arbitrary<T>, predicate: (value: T) => boolean, what: string, tries = 100): fc.Arbitrary<T> {
  return new BoundedFilterArbitrary(arb, predicate, what, tries);
}
