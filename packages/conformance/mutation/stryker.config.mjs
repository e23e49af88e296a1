// @ts-check
// `pnpm mutation`: StrykerJS mutates vtd and stub, and the kit alone (kit.mutation.ts) must kill every mutant.
// Stryker 9.6 on the machine's Node 20; its prompt library is pinned in pnpm-workspace.yaml (see the overrides there).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // pnpm does not hoist the runner where Stryker's own plugin discovery looks
  plugins: ['@stryker-mutator/vitest-runner'],
  // the kit reaches the checkers through plugin objects, not imports: vitest's related-file search finds no test
  vitest: { configFile: 'packages/conformance/mutation/vitest.config.ts', related: false },
  mutate: [
    'packages/vtd/src/{attach,plugin,index}.ts',
    'packages/stub/src/{stub,index}.ts',
    // Left out, line by line: stubPlugin's and vtdCheckHiodAccel's refusal of a profile before the seed.
    // It checks a direct caller's argument before any plugin object exists, so no plugin the kit is
    // given can run it (the CLI refuses such a profile itself; vtd's and stub's unit tests cover it).
    'packages/stub/src/plugin.ts:1-6',
    'packages/stub/src/plugin.ts:8-16',
    'packages/vtd/src/accel.ts:1-27',
    'packages/vtd/src/accel.ts:29-71',
  ],
  coverageAnalysis: 'perTest',
  // 2 cores, shared: one sandbox per core, and a generous limit so a slow conformant run is not a timeout
  concurrency: 2,
  timeoutMS: 60_000,
  timeoutFactor: 3,
  tempDirName: '.stryker-tmp',
  // Stryker rewrites the tsconfig's out-of-sandbox `extends` and `references` through TypeScript's JS
  // API, which TypeScript 7 (the workspace's) no longer has; ours has neither, so it names no file
  tsconfigFile: 'no-tsconfig-to-rewrite.json',
  ignorePatterns: ['/examples', '/docs', '/test', '/reports', '/packages/cli', '/packages/*/bench'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/vtd-stub.html' },
  jsonReporter: { fileName: 'reports/mutation/vtd-stub.json' },
  cleanTempDir: true,
};
