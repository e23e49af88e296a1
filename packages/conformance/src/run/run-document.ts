import { arch, platform, release } from 'node:os';
import type { ConformanceReport } from './report.js';
import type { ResolverReport } from './resolver-report.js';
import { KIT_NAME, KIT_VERSION } from '../version.js';

/** Where and when a run happened, what wptreport calls `run_info`. */
export interface RunInfo {
  readonly kit: { readonly name: string; readonly version: string };
  /** process.version of the Node that ran the kit, e.g. `v20.19.0` */
  readonly node: string;
  readonly os: { readonly platform: string; readonly release: string; readonly arch: string };
  /** The seed every plugin of the run was checked with. */
  readonly seed: number;
  /** ISO 8601, UTC, to the millisecond */
  readonly startTime: string;
  readonly endTime: string;
}

/**
 * One run of the kit on one or more plugins, as `hiodkit conform --json` writes it, whatever the
 * number of plugins (schemas/run.schema.json, which ships with every definition it needs).
 */
export interface ConformanceRun {
  readonly hiodkit: 'conformance-run';
  readonly version: 1;
  readonly runInfo: RunInfo;
  /** One per plugin, in the order they ran: a checker's report or a Kconfig resolver's. */
  readonly reports: readonly (ConformanceReport | ResolverReport)[];
  /** Every report is conformant (and there is at least one). */
  readonly conformant: boolean;
}

/** The run document for reports made with `seed` between `start` and `end`. */
export function conformanceRun(reports: readonly (ConformanceReport | ResolverReport)[], run: { readonly seed: number; readonly start: Date; readonly end: Date }): ConformanceRun {
  return {
    hiodkit: 'conformance-run',
    version: 1,
    runInfo: {
      kit: { name: KIT_NAME, version: KIT_VERSION },
      node: process.version,
      os: { platform: platform(), release: release(), arch: arch() },
      seed: run.seed,
      startTime: run.start.toISOString(),
      endTime: run.end.toISOString(),
    },
    reports,
    conformant: reports.length > 0 && reports.every((r) => r.conformant),
  };
}
