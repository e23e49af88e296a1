// The HTML report rendered by a real browser (pnpm test:browser; .ci/run installs Chromium first).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlReport } from '../src/html-report.js';
import { launchChromium } from './chromium.js';
import { makeTempDir, removeTempDir } from './helpers.js';
import { mixedRuns } from './report-runs.js';

const { runs, document: runDocument } = mixedRuns();
const tmp = makeTempDir('hiodkit-html-browser-');
const file = join(tmp, 'report.html');
writeFileSync(file, htmlReport(runs, runDocument.runInfo));

let browser: Browser;
let page: Page;
const requests: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  removeTempDir(tmp);
});

describe('the HTML report in Chromium', () => {
  it('loads the page alone: no other request, no console error, nothing wider than the window', async () => {
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(consoleErrors).toEqual([]);
    expect(await page.title()).toBe('hiodkit conformance: 2 of 4 conformant');
    expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(1280);
  });

  it('draws the plugin × property matrix: a row per plugin, each status in its colour', async () => {
    const rows = await page.$$eval('.matrix tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toEqual([
      ['PASS', 'FAIL', 'XFAIL?', 'n/a', '—', '—', '—', '—', 'not conformant'],
      ['PASS', 'XFAIL', '—', '—', '—', '—', '—', '—', 'conformant'],
      ['PASS', 'XPASS', '—', '—', '—', '—', '—', '—', 'not conformant'],
      ['PASS', 'PASS', 'PASS', 'n/a', 'PASS', 'PASS', 'PASS', 'PASS', 'conformant'],
    ]);
    const colour = (selector: string, property: 'color' | 'backgroundColor') => page.$eval(selector, (el, p) => el.ownerDocument.defaultView?.getComputedStyle(el)[p], property);
    expect(await colour('td.failed', 'backgroundColor')).toBe('rgb(207, 34, 46)');
    expect(await colour('td.unexpected-pass', 'backgroundColor')).toBe('rgb(207, 34, 46)');
    expect(await colour('td.passed', 'color')).toBe('rgb(26, 127, 55)');
    expect(await colour('td.known-failure', 'backgroundColor')).toBe('rgb(255, 248, 197)');
  });

  it('shows the hostile name as the text of its escapes, no element made of it', async () => {
    const name = await page.$eval('.matrix tbody tr:nth-child(2) th a', (a) => a.textContent);
    expect(name).toBe('odd\\ufffe\\x1b[31m <b>&"name"</b> \\u202egnp.exe\\ud800');
    expect(await page.$$eval('.matrix b, h2 b', (bs) => bs.length)).toBe(0);
  });

  it("sets QEMU's outcome and the plugin's side by side, and the replay command under them", async () => {
    const article = page.locator('#p0-table-equivalence');
    const [qemu, plugin] = await Promise.all(['.expected', '.actual'].map((s) => article.locator(s).boundingBox()));
    if (!qemu || !plugin) throw new Error('an outcome box is not rendered');
    expect(qemu.y).toBe(plugin.y);
    expect(qemu.x + qemu.width).toBeLessThan(plugin.x);
    expect(await article.locator('.expected pre').textContent()).toBe('reject: "Incompatible host platform IOMMU type 2"');
    expect(await article.locator('.actual pre').textContent()).toBe('reject: "IOMMU type 2 <&> is not VT-d"');
    const replay = await article.locator('pre.replay').boundingBox();
    expect(replay?.y).toBeGreaterThan(qemu.y + qemu.height);
    expect(await article.locator('pre.replay').textContent()).toMatch(/^hiodkit conform --plugin test\/fixtures\/wrong-type-message\.ts --property table-equivalence --seed 7 --runs 30 --path [\d:]+$/);
  });

  it('draws row coverage as bars as long as each row’s share of the cases', async () => {
    const bars = await page.$$eval('#p3 .coverage tr', (trs) =>
      trs.map((tr) => {
        const track = tr.querySelector('.track')?.getBoundingClientRect();
        const bar = tr.querySelector('.bar')?.getBoundingClientRect();
        return { row: tr.getAttribute('data-row'), drawn: track && bar ? bar.width / track.width : null };
      }),
    );
    const rows = runs[3]?.report.coverage?.rows ?? [];
    expect(bars.map((b) => b.row)).toEqual(rows.map((r) => r.id));
    for (const [i, r] of rows.entries()) {
      if (!r.reachable) expect(bars[i]?.drawn).toBeNull();
      else expect(bars[i]?.drawn).toBeCloseTo(r.share, 2);
    }
    expect(rows.filter((r) => r.reachable && r.share > 0.05).length).toBeGreaterThan(5);
  });

  it('renders to a picture that is not blank', async () => {
    const png = await page.screenshot();
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
  });
});
