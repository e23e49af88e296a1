import fc from 'fast-check';
import { describeResolution, minikconfResolution, sameResolution } from '@hiodkit/core';
import { generatedRulesBuildArb, seedRulesBuildArb } from '../../arbitraries/kconfig-rules.js';
import { Violation } from '../property.js';
import { resolverInvocationOf, type ResolverPropertySpec } from './resolver-property.js';

/** The resolver contract: a resolution every time, the same one twice, the input untouched, no throw, and values for exactly the symbols minikconf resolves. */
export const resolverContract: ResolverPropertySpec = {
  id: 'kconfig-resolver/contract',
  title: 'returns a schema-valid resolution, deterministically, without throwing or mutating its input, naming exactly the symbols the rules and assignments reference',
  arbitrary: () => fc.oneof(seedRulesBuildArb(), generatedRulesBuildArb()).map((input) => ({ label: 'generated', input })),
  check(ctx, { input }) {
    const answers = [0, 1].map(() => {
      const inv = resolverInvocationOf(ctx, input);
      if (inv.mutation !== undefined) throw new Violation(`the resolver modified its input: ${inv.mutation}`);
      return inv.resolution;
    });
    const [first, second] = answers as [(typeof answers)[0], (typeof answers)[0]];
    if (!sameResolution(first, second)) {
      throw new Violation('the resolver answered the same input differently on the second call', { expected: describeResolution(first), actual: describeResolution(second) });
    }
    const reference = minikconfResolution(input);
    if (reference.ok && first.ok) {
      const want = Object.keys(reference.values).sort();
      const got = Object.keys(first.values).sort();
      if (want.join(' ') !== got.join(' ')) {
        throw new Violation('the resolved symbols are not the ones the rules and assignments reference', { expected: want.join(' '), actual: got.join(' ') });
      }
    }
  },
};
