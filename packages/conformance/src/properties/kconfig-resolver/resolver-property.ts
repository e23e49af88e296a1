import fc from 'fast-check';
import { describeResolution, minikconfResolution, sameResolution, type KconfigResolution, type KconfigResolverInput } from '@hiodkit/core';
import { describeFailedResolverCall, type ResolverHandle, type ResolverInvocation } from '../../plugins/resolver-invocation.js';
import { Violation, countedCall, type CallCounts } from '../property.js';

export const RESOLVER_PROPERTY_IDS = ['kconfig-resolver/contract', 'kconfig-resolver/seed-builds', 'kconfig-resolver/generated-builds', 'kconfig-resolver/generated-rules'] as const;
export type ResolverPropertyId = (typeof RESOLVER_PROPERTY_IDS)[number];

export function isResolverPropertyId(value: unknown): value is ResolverPropertyId {
  return typeof value === 'string' && (RESOLVER_PROPERTY_IDS as readonly string[]).includes(value);
}

/** What a resolver property needs to judge one resolver. */
export interface ResolverContext extends CallCounts {
  readonly resolver: ResolverHandle;
}

/** One build to resolve, with what it is (a seed build's label, or `generated`). */
export interface LabelledInput {
  readonly label: string;
  readonly input: KconfigResolverInput;
}

export interface ResolverPropertySpec {
  readonly id: ResolverPropertyId;
  readonly title: string;
  arbitrary(): fc.Arbitrary<LabelledInput>;
  /** Fixed inputs run before the generated ones, every time. */
  examples?(): LabelledInput[];
  /** Throws a Violation when the resolver breaks the property on this input. */
  check(ctx: ResolverContext, value: LabelledInput): void;
}

/** Calls the resolver and insists on a resolution (with any mutation noted); anything else violates every property. */
export function resolverInvocationOf(ctx: ResolverContext, input: KconfigResolverInput): Extract<ResolverInvocation, { kind: 'resolution' }> {
  const inv = countedCall(ctx, () => ctx.resolver.invoke(input), () => ctx.resolver.invoke(input));
  if (inv.kind === 'resolution') return inv;
  throw new Violation(`the resolver ${describeFailedResolverCall(inv)}`, inv.kind === 'threw' && inv.cause !== undefined ? { cause: inv.cause } : {});
}

/** The resolution minikconf (the project's port) gives, and the resolver's, which must be the same. */
export function expectMinikconf(ctx: ResolverContext, input: KconfigResolverInput, what: string): KconfigResolution {
  const expected = minikconfResolution(input);
  const actual = resolverInvocationOf(ctx, input).resolution;
  if (!sameResolution(expected, actual)) {
    throw new Violation(`${what}: the resolver's resolution differs from minikconf's`, { expected: describeResolution(expected), actual: describeResolution(actual) });
  }
  return actual;
}
