import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The workspace packages by path from this file: in Stryker's sandbox a package's node_modules link
// leads back to the original sources, so the mutated copies are reached only this way.
const packages = fileURLToPath(new URL('../../', import.meta.url));

/** The mutation job's one project: the kit judging the built-in checkers (mutation/*.mutation.ts). */
export default defineConfig({
  resolve: { alias: [{ find: /^@hiodkit\/(core|vtd|stub|conformance)$/, replacement: `${packages}$1/src/index.ts` }] },
  test: {
    name: 'mutation',
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['mutation/**/*.mutation.ts'],
    // the machine is shared: a slow run of a conformant checker must not read as a kill
    testTimeout: 300_000,
  },
});
