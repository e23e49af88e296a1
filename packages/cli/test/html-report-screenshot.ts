/*
 * The README's picture of the HTML report: the report of real runs (those of report-runs.ts) as
 * Chromium renders it, written to docs/html-report.png. Regenerate with `pnpm screenshot`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { htmlReport } from '../src/html-report.js';
import { launchChromium } from './chromium.js';
import { mixedRuns } from './report-runs.js';

const OUT = fileURLToPath(new URL('../../../docs/html-report.png', import.meta.url));

const { runs, document } = mixedRuns('my-checker, its failure declared');
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1350 } });
  await page.setContent(htmlReport(runs, document.runInfo), { waitUntil: 'load' });
  writeFileSync(OUT, await page.screenshot());
  process.stdout.write(`${OUT}\n`);
} finally {
  await browser.close();
}
