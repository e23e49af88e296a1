import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import LongestFirst from './test/support/longest-first.js';

// Tests import sibling packages from their TypeScript sources through this export condition.
const sourceConditions = ['@hiodkit/source', 'module', 'node', 'development|production'];
// ...unless they run the build: each package then resolves to its dist/, as it does once installed
const builtConditions = sourceConditions.slice(1);
/** A test's import of a package's sources (`../src/x.js`, `../../src/x.js`) taken to that package's build. */
const toBuild = [{ find: /^((?:\.\.\/)+)src\/(.*)\.js$/, replacement: '$1dist/$2.js' }];
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
/**
 * Files whose kit starts worker threads or plugin processes run the build, as an installed kit
 * does: from the sources, each of the kit's workers boots tsx first (a fifth of a second of CPU,
 * about a hundred times a run). worker-bridge.test keeps booting workers from the sources.
 */
const builtFiles: Record<string, string[]> = {
  conformance: ['batching', 'invocation', 'isolated-resolver', 'kill-matrix', 'process-groups', 'process-plugin', 'process-resolver', 'timeout-confirmation', 'vitest-helper'].map((name) => `test/${name}.test.ts`),
  cli: ['test/**/*.test.ts'],
};

/**
 * How a project resolves the packages: from their sources, or from their build. Set per project, none
 * at the root: vite concatenates a project's conditions with the root's, and a built project must not resolve a source.
 */
const resolution = (built: boolean) => {
  const conditions = built ? builtConditions : sourceConditions;
  return { resolve: { conditions, ...(built ? { alias: toBuild } : {}) }, ssr: { resolve: { conditions } } };
};
const fromSources = resolution(false);

export default defineConfig({
  test: {
    // vitest's default on 2 CPUs is one worker (CPUs - 1), which runs the suite file by file while
    // many files wait on plugin processes, workers and time limits; two overlap those waits (three were slower)
    maxWorkers: 2,
    // test files run in worker threads, not forked processes: a thread starts and loads the packages
    // in less time and CPU (56 s against 60 s for the suite), and no test needs a process of its own
    // (none changes directory or signal handlers; whatever must be a process, the CLI, a plugin, is spawned)
    pool: 'threads',
    // vitest's own sequencer when asked to shuffle (`--sequence.shuffle.files` cannot reach a configured one)
    sequence: process.argv.some((arg) => arg.startsWith('--sequence.shuffle')) ? {} : { sequencer: LongestFirst },
    projects: [
      ...packages.flatMap((name) => {
        const own = isolatedFiles[name] ?? [];
        const built = builtFiles[name] ?? [];
        const project = (suffix: string, files: { include: string[]; exclude: string[] }, options: { isolate: boolean; built: boolean }) => ({
          extends: true as const,
          ...resolution(options.built),
          test: {
            name: `${name}${suffix}`,
            root: `packages/${name}`,
            ...files,
            isolate: options.isolate,
            benchmark: { include: suffix === '' ? ['bench/**/*.bench.ts'] : [] },
            globalSetup: globalSetup[name] ?? [],
            // the build is JavaScript already: Node loads it as it is, without vite's transform
            ...(options.built ? { server: { deps: { external: [/\/packages\/[^/]+\/dist\//] } } } : {}),
            // a hang guard, not a speed check: children take seconds on a busy machine
            testTimeout: 30_000,
          },
        });
        return [
          // the package's files share a module registry per worker: each file would otherwise import the packages anew
          project('', { include: ['test/**/*.test.ts'], exclude: [...own, ...built] }, { isolate: false, built: false }),
          ...(built.length === 0 ? [] : [project(':built', { include: built, exclude: own }, { isolate: false, built: true })]),
          ...(own.length === 0 ? [] : [project(':isolated', { include: own, exclude: [] }, { isolate: true, built: false })]),
        ];
      }),
      // projects named apart:… are left out of `pnpm test` (one negated pattern: vitest ORs several)
      // the HTML report in Chromium: `pnpm test:browser`, apart from `pnpm test` as a fresh machine has no browser
      {
        extends: true as const,
        ...fromSources,
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
        ...fromSources,
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
      // the workspace's type check, as a test: tsc runs beside the other tests instead of before them all
      {
        extends: true as const,
        ...fromSources,
        test: { name: 'typecheck', root: '.', include: ['test/typecheck.test.ts'], benchmark: { include: [] }, testTimeout: 120_000 },
      },
      // the packed packages installed by npm in a consumer project: `pnpm test:consumer`, apart from
      // `pnpm test` as it downloads vitest and Nodes from the registry (.ci/run runs it on every Node)
      {
        extends: true as const,
        ...fromSources,
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
