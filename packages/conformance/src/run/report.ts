import type { PluginDeclaration, ProfileId } from '@hiodkit/core';
import type { CaseJson } from '../plugins/wire.js';

/**
 * `known-failure`: failed as the plugin declares; `unexpected-pass`: the counterexample recorded with
 * a known failure conforms now; `known-failure-not-found`: declared without a counterexample, and
 * this run found none (which proves nothing).
 */
export type PropertyStatus = 'passed' | 'failed' | 'known-failure' | 'unexpected-pass' | 'known-failure-not-found' | 'not-applicable';

export interface PropertyFailure {
  readonly summary: string;
  readonly expected?: string;
  readonly actual?: string;
  readonly row?: { readonly id: string; readonly spec: string };
  /** The case's predicates, as the reference table sees them. */
  readonly predicates?: Readonly<Record<string, string>>;
  /** The shrunk counterexample (and, for metamorphic properties, the case derived from it). */
  readonly cases: readonly { readonly label: string; readonly case: CaseJson }[];
  /** fast-check's path to the counterexample: with the seed, replays it exactly. */
  readonly path: string;
  readonly shrinks: number;
}

export interface PropertyResult {
  readonly id: string;
  readonly title: string;
  readonly status: PropertyStatus;
  /** Why the property does not apply (not-applicable), or what became of a known failure (unexpected-pass, known-failure-not-found). */
  readonly reason?: string;
  readonly runs: number;
  /** How many times the kit called the plugin, shrinking included. */
  readonly calls: number;
  readonly seed: number;
  readonly durationMs: number;
  readonly failure?: PropertyFailure;
}

export interface RowCoverage {
  readonly id: string;
  readonly spec: string;
  readonly hits: number;
  readonly share: number;
  /** False for rows a plugin with this declaration cannot reach (the stub row for the accel checker). */
  readonly reachable: boolean;
}

/** What runConformance returns (schemas/report.schema.json). */
export interface ConformanceReport {
  readonly kit: { readonly name: string; readonly version: string };
  readonly plugin: { readonly name: string; readonly isolation: string; readonly implements: PluginDeclaration; readonly knownFailures: readonly string[] };
  readonly profile: ProfileId;
  readonly table: { readonly file: string; readonly qemuCommit: string; readonly rows: number };
  readonly options: { readonly seed: number; readonly numRuns: number; readonly timeLimitMs: number };
  readonly conformant: boolean;
  readonly properties: readonly PropertyResult[];
  /** Rows hit by table-equivalence's generated cases; null when it did not run. */
  readonly coverage: { readonly cases: number; readonly rows: readonly RowCoverage[] } | null;
  /** The Kconfig builds that link the checker the plugin declares. */
  readonly builds: readonly string[];
  readonly durationMs: number;
}
