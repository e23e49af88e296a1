import { describe, expect, it } from 'vitest';
import { junitXml } from '../src/junit.js';
import { HOSTILE_NAME, mixedRuns } from './report-runs.js';
import { junitSchemaErrors } from './xmllint.js';

const { runs } = mixedRuns();
const xml = junitXml(runs, 'ci-runner-7');

/** The testsuite element of the nth plugin run, with its content. */
function suite(n: number): string {
  return [...xml.matchAll(/<testsuite [\s\S]*?<\/testsuite>/g)][n]?.[0] ?? '';
}

// libxml2 in WebAssembly takes a second or so to start for each document
describe('junitXml on runs with every property status', { timeout: 30_000 }, () => {
  it('is valid against the Jenkins JUnit schema, by libxml2', async () => {
    expect(runs.map((r) => r.report.properties.map((p) => p.status))).toEqual([
      ['passed', 'failed', 'known-failure-not-found', 'not-applicable'],
      ['passed', 'known-failure'],
      ['passed', 'unexpected-pass'],
      ['passed', 'passed', 'passed', 'passed', 'passed', 'passed', 'not-applicable', 'passed'],
    ]);
    expect(await junitSchemaErrors(xml)).toEqual([]);
  });

  it('the check could fail: libxml2 refuses a U+FFFE, an attribute on <skipped>, and a testsuite without its tests count', async () => {
    expect((await junitSchemaErrors(xml.replace('ci-runner-7', 'ci\ufffe'))).join('\n')).toMatch(/parser error : invalid character in attribute value/i);
    expect((await junitSchemaErrors(xml.replace('<skipped>', '<skipped message="x">'))).join('\n')).toContain("Element 'skipped', attribute 'message': The attribute 'message' is not allowed");
    expect((await junitSchemaErrors(xml.replace(/ tests="4"/, ''))).join('\n')).toContain("The attribute 'tests' is required but missing");
  });

  it('a failure is <failure>, an unexpected pass too; a known failure, one not found and n/a are <skipped>, saying which', () => {
    expect(suite(0)).toMatch(/<testsuite name="cli-fixture-wrong-type-message \(profile seed\)" tests="4" failures="1" errors="0" skipped="2" /);
    expect(suite(0)).toMatch(/<testcase name="table-equivalence" [^>]*>\n {6}<failure message="the outcome differs from row type-not-vtd[^"]*" type="nonconformance">the outcome differs/);
    expect(suite(0)).toContain('<skipped>known failure, not found this run (XFAIL?): not found this run (seed 7)');
    expect(suite(0)).toMatch(/<testcase name="stub" [^>]*>\n {6}<skipped>not applicable: the plugin declares the accel checker/);
    expect(suite(1)).toMatch(/ tests="2" failures="0" errors="0" skipped="1" /);
    expect(suite(1)).toContain('<skipped>known failure (XFAIL): the outcome differs from row type-not-vtd');
    expect(suite(1)).toContain('actual:   reject: "IOMMU type 2 &lt;&amp;&gt; is not VT-d"');
    expect(suite(2)).toMatch(/ tests="2" failures="1" errors="0" skipped="0" /);
    expect(suite(2)).toContain('<failure message="unexpected pass (XPASS): the counterexample recorded with it conforms now: remove it from knownFailures" type="unexpected-pass">');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="hiodkit conformance" tests="16" failures="2" errors="0" time="\d+\.\d{3}">/);
  });

  it('each testsuite has its start as timestamp, the hostname, and the seed, profile and known failures as properties', () => {
    for (const [i, run] of runs.entries()) {
      expect(suite(i)).toContain(` timestamp="${run.startedAt.toISOString().slice(0, 19)}Z" hostname="ci-runner-7">`);
      expect(suite(i)).toContain('<property name="seed" value="7"/>\n      <property name="profile" value="seed"/>');
    }
    expect(suite(0)).toContain('<property name="known-failure" value="final-rejection"/>');
    expect(suite(1)).toContain('<property name="known-failure" value="table-equivalence"/>');
    expect(suite(3)).not.toContain('known-failure');
  });

  it('a name with U+FFFE, ESC, a lone surrogate, markup and quotes: each as text XML can hold', () => {
    const name = /^<testsuite name="([^"]*)"/.exec(suite(1))?.[1];
    expect(name).toBe('odd\\ufffe\\x1b[31m &lt;b&gt;&amp;&quot;name&quot;&lt;/b&gt; \u202egnp.exe\\ud800 (profile seed)');
    expect(xml).not.toMatch(/[\ufffe\u001b]|[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(HOSTILE_NAME).toContain('\ufffe');
  });

  it('an empty hostname is written as localhost', () => {
    expect(junitXml(runs.slice(3), '')).toContain(' hostname="localhost">');
  });
});
