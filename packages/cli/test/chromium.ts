// Debian's Chromium, driven by playwright-core, which brings no browser of its own.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** HIODKIT_CHROMIUM, else Debian's chromium package. */
export const CHROMIUM = process.env['HIODKIT_CHROMIUM'] ?? '/usr/bin/chromium';

/** Headless Chromium with a fresh profile (playwright-core makes one per launch), talking to no one. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} does not exist: install Debian's chromium (apt-get install chromium; .ci/run does) or set HIODKIT_CHROMIUM`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
