import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import sibling packages from their TypeScript sources through this export condition.
const conditions = ['@hiodkit/source', 'module', 'node', 'development|production'];
const packages = readdirSync(new URL('./packages', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
/** Tests that start the CLI, or a plugin built on the packages, as a process run the build: made once per run. */
const builtPackages = fileURLToPath(new URL('./test/support/built-packages.ts', import.meta.url));
const globalSetup: Record<string, string[]> = { cli: [builtPackages], conformance: [builtPackages] };
/** Files that replace or reset modules (vi.mock, vi.resetModules): each runs with a module registry of its own. */
const isolatedFiles: Record<string, string[]> = {
  conformance: ['test/broken-core.test.ts'],
  cli: ['test/readme-examples.test.ts'],
};

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    // vitest's default on 2 CPUs is one worker (CPUs - 1), which runs the suite file by file while
    // many files wait on plugin processes, workers and time limits; two overlap those waits (three were slower)
    maxWorkers: 2,
    projects: [
      ...packages.flatMap((name) => {
        const own = isolatedFiles[name] ?? [];
        const project = (suffix: string, files: { include: string[]; exclude: string[] }, isolate: boolean) => ({
          extends: true as const,
          test: {
            name: `${name}${suffix}`,
            root: `packages/${name}`,
            ...files,
            isolate,
            benchmark: { include: suffix === '' ? ['bench/**/*.bench.ts'] : [] },
            globalSetup: globalSetup[name] ?? [],
            // a hang guard, not a speed check: children take seconds on a busy machine
            testTimeout: 30_000,
          },
        });
        // the package's files share a module registry per worker: each file would otherwise import the packages anew
        const shared = project('', { include: ['test/**/*.test.ts'], exclude: own }, false);
        return own.length === 0 ? [shared] : [shared, project(':isolated', { include: own, exclude: [] }, true)];
      }),
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
