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
    projects: packages.map((name) => ({
      extends: true,
      test: {
        name,
        root: `packages/${name}`,
        include: ['test/**/*.test.ts'],
        benchmark: { include: ['bench/**/*.bench.ts'] },
      },
    })),
  },
});
