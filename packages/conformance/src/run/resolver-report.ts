import type { KconfigResolverInput } from '@hiodkit/core';

export interface ResolverPropertyFailure {
  readonly summary: string;
  readonly expected?: string;
  readonly actual?: string;
  /** The shrunk counterexample: the build the resolver got wrong. */
  readonly inputs: readonly { readonly label: string; readonly input: KconfigResolverInput }[];
  /** fast-check's path to the counterexample: with the seed, replays it exactly. */
  readonly path: string;
  readonly shrinks: number;
}

export type ResolverPropertyResult = {
  readonly id: string;
  readonly title: string;
  readonly runs: number;
  /** How many times the kit called the resolver, shrinking included. */
  readonly calls: number;
  readonly seed: number;
  readonly durationMs: number;
} & ({ readonly status: 'passed' } | { readonly status: 'failed'; readonly failure: ResolverPropertyFailure });

/** What runResolverConformance returns (schemas/resolver-report.schema.json). */
export interface ResolverReport {
  readonly kind: 'kconfig-resolver';
  readonly kit: { readonly name: string; readonly version: string };
  readonly resolver: { readonly name: string; readonly isolation: string };
  readonly options: { readonly seed: number; readonly numRuns: number; readonly timeLimitMs: number };
  readonly conformant: boolean;
  readonly properties: readonly ResolverPropertyResult[];
  readonly durationMs: number;
}
