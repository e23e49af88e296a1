import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, inject, it } from 'vitest';
import { PACKAGES } from './packages.js';

const attw = fileURLToPath(new URL('../../node_modules/.bin/attw', import.meta.url));

describe('are the types wrong? (attw --profile esm-only) on every tarball', () => {
  // each run loads its own TypeScript for a second or more: side by side, the five take the time of two or three
  it.concurrent.for(PACKAGES)('@hiodkit/%s', async (pkg, { expect }) => {
    const run = await promisify(execFile)(attw, [inject('tarballs')[pkg] as string, '--profile', 'esm-only', '--format', 'table-flipped', '--no-color'], { encoding: 'utf8' }).catch((e: { code?: number; stdout?: string; stderr?: string }) => {
      throw new Error(`attw exited with code ${e.code}:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    });
    console.log(`@hiodkit/${pkg}\n${run.stdout}`);
    expect(run.stderr).toBe('');
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
