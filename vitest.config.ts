import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import sibling packages from their TypeScript sources through this export condition.
const conditions = ['@hiodkit/source', 'module', 'node', 'development|production'];
const packages = readdirSync(new URL('./packages', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
/** The CLI's tests start it as a process from its build: the packages built once per run. */
const builtPackages = fileURLToPath(new URL('./test/support/built-packages.ts', import.meta.url));
const globalSetup: Record<string, string[]> = { cli: [builtPackages] };

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    // vitest's default on 2 CPUs is one worker (CPUs - 1), which runs the suite file by file while
    // most files wait on child processes (tsx start-up, plugins); two overlap those waits
    maxWorkers: 2,
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: {
          name,
          root: `packages/${name}`,
          include: ['test/**/*.test.ts'],
          benchmark: { include: ['bench/**/*.bench.ts'] },
          globalSetup: globalSetup[name] ?? [],
          // a hang guard, not a speed check: children started through tsx take seconds on a cold cache and a busy machine
          testTimeout: 30_000,
        },
      })),
      // projects named apart:… are left out of `pnpm test` (one negated pattern: vitest ORs several)
      // the HTML report in Chromium: `pnpm test:browser`, apart from `pnpm test` as a fresh machine has no browser
      {
        extends: true as const,
        test: {
          name: 'apart:browser',
          root: 'packages/cli',
          include: ['test/**/*.browser.ts'],
          benchmark: { include: [] },
          testTimeout: 60_000,
        },
      },
      // the packages as published: built, packed and linted
      {
        extends: true as const,
        test: {
          name: 'release',
          root: '.',
          include: ['test/release/**/*.test.ts'],
          exclude: ['test/release/consumer.test.ts'],
          globalSetup: ['test/release/global-setup.ts'],
          benchmark: { include: [] },
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      // the packed packages installed by npm in a consumer project: `pnpm test:consumer`, apart from
      // `pnpm test` as it downloads vitest and Nodes from the registry (.ci/run runs it on every Node)
      {
        extends: true as const,
        test: {
          name: 'apart:consumer',
          root: '.',
          include: ['test/release/consumer.test.ts'],
          globalSetup: ['test/release/global-setup.ts'],
          benchmark: { include: [] },
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
