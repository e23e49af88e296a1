import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packages = new URL('../../', import.meta.url);
const cliDir = fileURLToPath(new URL('../', import.meta.url));

/** The ```ts blocks of a README that run on their own (a consumer's file with relative imports does not). */
function examples(pkg: string): string[] {
  const text = readFileSync(new URL(`${pkg}/README.md`, packages), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string).filter((code) => !/from '\.\.?\//.test(code));
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe.each(['core', 'vtd', 'stub', 'conformance'])('the README of @hiodkit/%s', (pkg) => {
  const blocks = examples(pkg);

  it('has a runnable example', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((code, i) => [i, code] as const))('example %i runs and prints what its comments say', (i, code) => {
    const file = `${cliDir}.readme-${pkg}-${i}.mts`;
    writeFileSync(file, code);
    try {
      const run = spawnSync(process.execPath, ['--conditions=@hiodkit/source', '--import', 'tsx', file], { cwd: cliDir, encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const printed = squash(run.stdout);
      for (const [, expected] of code.matchAll(/console\.log\(.*\); \/\/ (.+)$/gm)) {
        const wanted = (expected as string).replace(/^\.\.\. /, '').replace(/^(.*?)\.\.\. /, '');
        expect(printed).toContain(squash(wanted));
      }
    } finally {
      rmSync(file, { force: true });
    }
    // a child started through tsx that runs the kit: seconds on a cold cache and a busy machine
  }, 60_000);
});
