import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { htmlReport } from '../src/html-report.js';
import { FIXTURES, makeTempDir, removeTempDir, run } from './helpers.js';
import { HOSTILE_NAME, mixedRuns } from './report-runs.js';

const { runs, document } = mixedRuns();
const html = htmlReport(runs, document.runInfo);
const tmp = makeTempDir('hiodkit-html-test-');
afterAll(() => removeTempDir(tmp));

describe('htmlReport (the page as text; html-report.browser.ts renders it in Chromium)', () => {
  it('is one self-contained page: no script, no stylesheet or image to fetch, and a policy that would refuse one', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|url\(|@import/i);
    expect(html).not.toMatch(/href="(?!#)/);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  });

  it('shows a hostile plugin name as text: markup escaped, what a terminal or XML cannot take written as escapes', () => {
    expect(html).toContain('odd\\ufffe\\x1b[31m &lt;b&gt;&amp;"name"&lt;/b&gt; \\u202egnp.exe\\ud800');
    expect(html).not.toContain('<b>');
    expect(html).not.toMatch(/[\ufffe\u001b\u202e]|[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(HOSTILE_NAME).toContain('<b>');
  });

  it('gives the failure its replay command, the shell words quoted where they must be', () => {
    expect(html).toMatch(/<pre class="replay">hiodkit conform --plugin test\/fixtures\/wrong-type-message\.ts --property table-equivalence --seed 7 --runs 30 --path [\d:]+<\/pre>/);
    // the known failure recorded as a case replays from the case, so it has no path to give
    expect(html).toContain('<p>The case recorded with the known failure.</p>');
  });
});

// each runs the kit through the CLI, one on a module plugin in a worker
describe('conform --html', { timeout: 30_000 }, () => {
  it('writes the page for the run', () => {
    const file = join(tmp, 'report.html');
    const r = run(['conform', '--plugin', join(FIXTURES, 'wrong-type-message.ts'), '--runs', '50', '--seed', '7', '--property', 'table-equivalence', '--html', file]);
    expect(r.code).toBe(1);
    const page = readFileSync(file, 'utf8');
    expect(page).toContain('<td class="status failed" data-property="table-equivalence"');
    expect(page).toContain(`--plugin ${join(FIXTURES, 'wrong-type-message.ts')} --property table-equivalence --seed 7 --runs 50 --path `);
  });

  it('--html - writes it on stdout, the report on stderr', () => {
    const r = run(['conform', '--builtin', 'stub', '--profile', 'seed', '--runs', '3', '--seed', '1', '--property', 'stub', '--html', '-']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(r.stdout).toContain('<td class="status passed" data-property="stub"');
    expect(r.stderr).toContain('PASS   stub');
  });
});
