import { readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Tests import sibling packages from their TypeScript sources through this export condition.
const conditions = ['@hiodkit/source', 'module', 'node', 'development|production'];
const packages = readdirSync(new URL('./packages', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: {
          name,
          root: `packages/${name}`,
          include: ['test/**/*.test.ts'],
          benchmark: { include: ['bench/**/*.bench.ts'] },
        },
      })),
      // the HTML report in Chromium: `pnpm test:browser`, apart from `pnpm test` as a fresh machine has no browser
      {
        extends: true as const,
        test: {
          name: 'browser',
          root: 'packages/cli',
          include: ['test/**/*.browser.ts'],
          benchmark: { include: [] },
          testTimeout: 60_000,
        },
      },
      // the packages as published: built, packed, linted and installed in a consumer project
      {
        extends: true as const,
        test: {
          name: 'release',
          root: '.',
          include: ['test/release/**/*.test.ts'],
          globalSetup: ['test/release/global-setup.ts'],
          benchmark: { include: [] },
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
