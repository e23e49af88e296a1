import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { PACKAGES } from './packages.js';

const attw = fileURLToPath(new URL('../../node_modules/.bin/attw', import.meta.url));

describe('are the types wrong? (attw --profile esm-only) on every tarball', () => {
  it.each(PACKAGES)('@hiodkit/%s', (pkg) => {
    const run = spawnSync(attw, [inject('tarballs')[pkg] as string, '--profile', 'esm-only', '--format', 'table-flipped', '--no-color'], { encoding: 'utf8' });
    console.log(`@hiodkit/${pkg}\n${run.stdout}`);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // every entry point resolves, with types, for ESM under node16 and for bundlers (the first two columns)
    const rows = run.stdout.split('\n').filter((l) => /^│\s*"@hiodkit\//.test(l));
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) {
      const [, name, esm, bundler] = row.split('│').map((cell) => cell.trim());
      expect([name, esm]).toEqual([name, expect.stringMatching(/^(🟢|\(wildcard\))/)]);
      expect([name, bundler]).toEqual([name, expect.stringMatching(/^(🟢|\(wildcard\))/)]);
    }
  });
});
