import { formatFailure, type PropertyResult, type ResolverPropertyResult } from '@hiodkit/conformance';
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

function testsuite(run: PluginRun, hostname: string): string {
  const { report } = run;
  const count = (set: ReadonlySet<string>) => report.properties.filter((p) => set.has(p.status)).length;
  const properties = [
    property('seed', report.options.seed),
    property('profile', report.profile),
    property('runs', report.options.numRuns),
    property('time-limit-ms', report.options.timeLimitMs),
    property('kit', `${report.kit.name}@${report.kit.version}`),
    property('isolation', report.plugin.isolation),
    ...report.plugin.knownFailures.map((id) => property('known-failure', id)),
  ];
  const attributes = [
    `name="${xmlAttribute(`${report.plugin.name} (profile ${report.profile})`)}"`,
    `tests="${report.properties.length}"`,
    `failures="${count(FAILED)}"`,
    'errors="0"',
    `skipped="${count(SKIPPED)}"`,
    `time="${seconds(report.durationMs)}"`,
    `timestamp="${timestamp(run.startedAt)}"`,
    `hostname="${xmlAttribute(hostname)}"`,
  ];
  return [`  <testsuite ${attributes.join(' ')}>`, '    <properties>', ...properties, '    </properties>', ...report.properties.map((p) => testcase(run, p)), '  </testsuite>'].join('\n');
}

/** A resolver property's failure as text: what differed, the build it differed on, and the path that replays it. */
function resolverFailureText(p: Extract<ResolverPropertyResult, { status: 'failed' }>): string {
  const f = p.failure;
  const lines = [f.summary];
  if (f.expected !== undefined) lines.push(`expected: ${f.expected}`);
  if (f.actual !== undefined) lines.push(`actual:   ${f.actual}`);
  for (const { label, input } of f.inputs) {
    lines.push(`${label}: host ${JSON.stringify(input.host)}, .mak ${JSON.stringify(input.mak)}, default devices ${input.defaultDevices ? 'on' : 'off'}; rules:`);
    lines.push(...input.rules.split('\n').map((l) => `  | ${l}`));
  }
  lines.push(`seed ${p.seed}, path ${f.path}, shrunk ${f.shrinks} time(s)`);
  return lines.join('\n');
}

function resolverTestcase(run: ResolverRun, p: ResolverPropertyResult): string {
  const open = `    <testcase name="${xmlAttribute(p.id)}" classname="${xmlAttribute(`hiodkit.${run.report.resolver.name}`)}" time="${seconds(p.durationMs)}"`;
  if (p.status === 'passed') return `${open}/>`;
  return `${open}>\n      <failure message="${xmlAttribute(p.failure.summary)}" type="nonconformance">${xmlText(resolverFailureText(p))}</failure>\n    </testcase>`;
}

function resolverTestsuite(run: ResolverRun, hostname: string): string {
  const { report } = run;
  const properties = [
    property('kind', report.kind),
    property('seed', report.options.seed),
    property('runs', report.options.numRuns),
    property('time-limit-ms', report.options.timeLimitMs),
    property('kit', `${report.kit.name}@${report.kit.version}`),
    property('isolation', report.resolver.isolation),
    property('reference', "minikconf (the project's port of scripts/minikconf.py)"),
  ];
  const attributes = [
    `name="${xmlAttribute(`${report.resolver.name} (Kconfig resolver)`)}"`,
    `tests="${report.properties.length}"`,
    `failures="${report.properties.filter((p) => p.status === 'failed').length}"`,
    'errors="0"',
    'skipped="0"',
    `time="${seconds(report.durationMs)}"`,
    `timestamp="${timestamp(run.startedAt)}"`,
    `hostname="${xmlAttribute(hostname)}"`,
  ];
  return [`  <testsuite ${attributes.join(' ')}>`, '    <properties>', ...properties, '    </properties>', ...report.properties.map((p) => resolverTestcase(run, p)), '  </testsuite>'].join('\n');
}

/**
 * JUnit XML: a testsuite per plugin, a testcase per property; Kconfig resolvers after the checkers.
 * Valid against the Jenkins JUnit schemas (their elements in the order the older ones require);
 * every text escaped to what XML 1.0 can hold.
 */
export function junitXml(runs: readonly PluginRun[], hostname: string, resolverRuns: readonly ResolverRun[] = []): string {
  const failures = runs.reduce((n, r) => n + r.report.properties.filter((p) => FAILED.has(p.status)).length, 0) + resolverRuns.reduce((n, r) => n + r.report.properties.filter((p) => p.status === 'failed').length, 0);
  const tests = runs.reduce((n, r) => n + r.report.properties.length, 0) + resolverRuns.reduce((n, r) => n + r.report.properties.length, 0);
  const time = runs.reduce((n, r) => n + r.report.durationMs, 0) + resolverRuns.reduce((n, r) => n + r.report.durationMs, 0);
  const host = hostname || 'localhost';
  const suites = [...runs.map((r) => testsuite(r, host)), ...resolverRuns.map((r) => resolverTestsuite(r, host))];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="hiodkit conformance" tests="${tests}" failures="${failures}" errors="0" time="${seconds(time)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
