import { formatFailure, type ConformanceReport } from '@hiodkit/conformance';

function escapeXml(text: string): string {
  // XML 1.0 has no escape for most control characters: drop them
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** JUnit XML: a testsuite per plugin, a testcase per property (not-applicable ones skipped). */
export function junitXml(reports: readonly ConformanceReport[]): string {
  const suites = reports.map((r) => {
    const name = `${r.plugin.name} (profile ${r.profile})`;
    const failures = r.properties.filter((p) => p.status === 'failed' || p.status === 'unexpected-pass').length;
    const skipped = r.properties.filter((p) => p.status === 'not-applicable').length;
    const cases = r.properties.map((p) => {
      const open = `    <testcase classname="${escapeXml(`hiodkit.${r.plugin.name}`)}" name="${escapeXml(p.id)}" time="${(p.durationMs / 1000).toFixed(3)}"`;
      if (p.status === 'not-applicable') return `${open}>\n      <skipped message="${escapeXml(`not applicable: ${p.reason ?? ''}`)}"/>\n    </testcase>`;
      if (p.status === 'failed') {
        return `${open}>\n      <failure message="${escapeXml(p.failure?.summary ?? 'failed')}" type="nonconformance">${escapeXml(formatFailure(p, r.options.numRuns, ''))}</failure>\n    </testcase>`;
      }
      if (p.status === 'unexpected-pass') return `${open}>\n      <failure message="listed in knownFailures but passed" type="unexpected-pass"/>\n    </testcase>`;
      return `${open}/>`;
    });
    return `  <testsuite name="${escapeXml(name)}" tests="${r.properties.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${(r.durationMs / 1000).toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const failures = reports.reduce((n, r) => n + r.properties.filter((p) => p.status === 'failed' || p.status === 'unexpected-pass').length, 0);
  const tests = reports.reduce((n, r) => n + r.properties.length, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="hiodkit conformance" tests="${tests}" failures="${failures}">\n${suites.join('\n')}\n</testsuites>\n`;
}
