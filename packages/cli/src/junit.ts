import { formatFailure, type PropertyResult } from '@hiodkit/conformance';
import type { PluginRun } from './plugin-run.js';
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

/**
 * JUnit XML: a testsuite per plugin, a testcase per property. Valid against the Jenkins JUnit schemas
 * (their elements in the order the older ones require); every text escaped to what XML 1.0 can hold.
 */
export function junitXml(runs: readonly PluginRun[], hostname: string): string {
  const failures = runs.reduce((n, r) => n + r.report.properties.filter((p) => FAILED.has(p.status)).length, 0);
  const tests = runs.reduce((n, r) => n + r.report.properties.length, 0);
  const time = runs.reduce((n, r) => n + r.report.durationMs, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="hiodkit conformance" tests="${tests}" failures="${failures}" errors="0" time="${seconds(time)}">\n${runs.map((r) => testsuite(r, hostname || 'localhost')).join('\n')}\n</testsuites>\n`;
}
