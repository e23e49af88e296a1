import { formatFailure, formatResolverFailure, type PropertyResult, type ResolverPropertyResult } from '@hiodkit/conformance';
import type { PluginRun, ResolverRun } from './plugin-run.js';
import { xmlAttribute, xmlText } from './xml-text.js';

/** Seconds as JUnit writes them, in the form the Jenkins schema's SUREFIRE_TIME takes. */
function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** ISO 8601 to the second, in UTC. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const FAILED: ReadonlySet<PropertyResult['status']> = new Set(['failed', 'unexpected-pass']);
const SKIPPED: ReadonlySet<PropertyResult['status']> = new Set(['not-applicable', 'known-failure', 'known-failure-not-found']);

/**
 * A property's testcase. A known failure is skipped, not failed, and says so in the skipped text (the
 * Jenkins schemas before junit-10 take no attributes on <skipped>); an unexpected pass is a failure.
 */
function testcase(run: PluginRun, p: PropertyResult): string {
  const { report } = run;
  const open = `    <testcase name="${xmlAttribute(p.id)}" classname="${xmlAttribute(`hiodkit.${report.plugin.name}`)}" time="${seconds(p.durationMs)}"`;
  const detail = formatFailure(p, report.options.numRuns, '');
  const child = (() => {
    switch (p.status) {
      case 'passed':
        return undefined;
      case 'failed':
        return `<failure message="${xmlAttribute(p.failure?.summary ?? 'failed')}" type="nonconformance">${xmlText(detail)}</failure>`;
      case 'unexpected-pass':
        return `<failure message="${xmlAttribute(`unexpected pass (XPASS): ${p.reason ?? ''}`)}" type="unexpected-pass">${xmlText(p.reason ?? '')}</failure>`;
      case 'known-failure':
        return `<skipped>${xmlText(`known failure (XFAIL): ${detail}`)}</skipped>`;
      case 'known-failure-not-found':
        return `<skipped>${xmlText(`known failure, not found this run (XFAIL?): ${p.reason ?? ''}`)}</skipped>`;
      case 'not-applicable':
        return `<skipped>${xmlText(`not applicable: ${p.reason ?? ''}`)}</skipped>`;
    }
  })();
  return child === undefined ? `${open}/>` : `${open}>\n      ${child}\n    </testcase>`;
}

function property(name: string, value: string | number): string {
  return `      <property name="${xmlAttribute(name)}" value="${xmlAttribute(String(value))}"/>`;
}

/** One testsuite as both plugin kinds fill it in. */
interface Suite {
  readonly name: string;
  readonly failures: number;
  readonly skipped: number;
  readonly durationMs: number;
  readonly startedAt: Date;
  readonly properties: readonly string[];
  readonly testcases: readonly string[];
}

function checkerSuite(run: PluginRun): Suite {
  const { report } = run;
  const count = (set: ReadonlySet<string>) => report.properties.filter((p) => set.has(p.status)).length;
  return {
    name: `${report.plugin.name} (profile ${report.profile})`,
    failures: count(FAILED),
    skipped: count(SKIPPED),
    durationMs: report.durationMs,
    startedAt: run.startedAt,
    properties: [
      property('seed', report.options.seed),
      property('profile', report.profile),
      property('runs', report.options.numRuns),
      property('time-limit-ms', report.options.timeLimitMs),
      property('kit', `${report.kit.name}@${report.kit.version}`),
      property('isolation', report.plugin.isolation),
      ...report.plugin.knownFailures.map((id) => property('known-failure', id)),
    ],
    testcases: report.properties.map((p) => testcase(run, p)),
  };
}

function resolverTestcase(run: ResolverRun, p: ResolverPropertyResult): string {
  const open = `    <testcase name="${xmlAttribute(p.id)}" classname="${xmlAttribute(`hiodkit.${run.report.resolver.name}`)}" time="${seconds(p.durationMs)}"`;
  if (p.status === 'passed') return `${open}/>`;
  return `${open}>\n      <failure message="${xmlAttribute(p.failure.summary)}" type="nonconformance">${xmlText(formatResolverFailure(p, run.report.options.numRuns, ''))}</failure>\n    </testcase>`;
}

function resolverSuite(run: ResolverRun): Suite {
  const { report } = run;
  return {
    name: `${report.resolver.name} (Kconfig resolver)`,
    failures: report.properties.filter((p) => p.status === 'failed').length,
    skipped: 0,
    durationMs: report.durationMs,
    startedAt: run.startedAt,
    properties: [
      property('kind', report.kind),
      property('seed', report.options.seed),
      property('runs', report.options.numRuns),
      property('time-limit-ms', report.options.timeLimitMs),
      property('kit', `${report.kit.name}@${report.kit.version}`),
      property('isolation', report.resolver.isolation),
      property('reference', "minikconf (the project's port of scripts/minikconf.py)"),
    ],
    testcases: report.properties.map((p) => resolverTestcase(run, p)),
  };
}

function testsuite(suite: Suite, hostname: string): string {
  const attributes = [
    `name="${xmlAttribute(suite.name)}"`,
    `tests="${suite.testcases.length}"`,
    `failures="${suite.failures}"`,
    'errors="0"',
    `skipped="${suite.skipped}"`,
    `time="${seconds(suite.durationMs)}"`,
    `timestamp="${timestamp(suite.startedAt)}"`,
    `hostname="${xmlAttribute(hostname)}"`,
  ];
  return [`  <testsuite ${attributes.join(' ')}>`, '    <properties>', ...suite.properties, '    </properties>', ...suite.testcases, '  </testsuite>'].join('\n');
}

/**
 * JUnit XML: a testsuite per plugin, a testcase per property; Kconfig resolvers after the checkers.
 * Valid against the Jenkins JUnit schemas (their elements in the order the older ones require);
 * every text escaped to what XML 1.0 can hold.
 */
export function junitXml(runs: readonly PluginRun[], hostname: string, resolverRuns: readonly ResolverRun[] = []): string {
  const suites = [...runs.map(checkerSuite), ...resolverRuns.map(resolverSuite)];
  const sum = (f: (s: Suite) => number) => suites.reduce((n, s) => n + f(s), 0);
  const head = `<testsuites name="hiodkit conformance" tests="${sum((s) => s.testcases.length)}" failures="${sum((s) => s.failures)}" errors="0" time="${seconds(sum((s) => s.durationMs))}">`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${head}\n${suites.map((s) => testsuite(s, hostname || 'localhost')).join('\n')}\n</testsuites>\n`;
}
