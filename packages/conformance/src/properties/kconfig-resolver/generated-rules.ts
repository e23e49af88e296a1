import { generatedRulesBuildArb } from '../../arbitraries/kconfig-rules.js';
import { expectMinikconf, type ResolverPropertySpec } from './resolver-property.js';

/** Any small rule set (depends, select, imply, default, `if`, `&&`, `||`, `!`, CONFIG_ lines) with any build resolves as minikconf resolves it. */
export const generatedRules: ResolverPropertySpec = {
  id: 'kconfig-resolver/generated-rules',
  title: "resolves generated rule sets (depends on, select/imply/default with if, && || ! in minikconf's precedence) with generated builds as minikconf does",
  arbitrary: () => generatedRulesBuildArb().map((input) => ({ label: 'generated rules and build', input })),
  check(ctx, { input }) {
    expectMinikconf(ctx, input, 'on these rules and build');
  },
};
