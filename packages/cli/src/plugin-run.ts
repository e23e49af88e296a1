import type { ConformanceReport, ResolverReport } from '@hiodkit/conformance';

/** One plugin's report, with what the JUnit and HTML reports add to it. */
export interface PluginRun {
  readonly report: ConformanceReport;
  readonly startedAt: Date;
  /** The `hiodkit conform` words that select this plugin and its time limit (`--builtin vtd --profile seed`), for replay commands. */
  readonly replay: readonly string[];
}

/** One Kconfig resolver's report, with when it started, for the JUnit report. */
export interface ResolverRun {
  readonly report: ResolverReport;
  readonly startedAt: Date;
}
