import { seedRulesBuildArb } from '../../arbitraries/kconfig-rules.js';
import { expectMinikconf, type ResolverPropertySpec } from './resolver-property.js';

/** Over the seed's rules, any .mak file and host symbols resolve as minikconf resolves them. */
export const generatedBuilds: ResolverPropertySpec = {
  id: 'kconfig-resolver/generated-builds',
  title: "resolves generated .mak files and host symbols over the seed's rules, with or without default devices, as minikconf does",
  arbitrary: () => seedRulesBuildArb().map((input) => ({ label: 'generated build', input })),
  check(ctx, { input }) {
    expectMinikconf(ctx, input, 'on this build of the seed rules');
  },
};
