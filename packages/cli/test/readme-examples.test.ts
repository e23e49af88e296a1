import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { describe, expect, it, vi } from 'vitest';

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

  // run here, as a module of its own with fresh copies of the packages: what it logs is what a user would see printed
  it.each(blocks.map((code, i) => [i, code] as const))('example %i runs and prints what its comments say', async (i, code) => {
    const file = `${cliDir}.readme-${pkg}-${i}.mts`;
    writeFileSync(file, code);
    const printed: string[] = [];
    const complaints: string[] = [];
    const spies = [
      vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(format(...args))),
      ...(['error', 'warn'] as const).map((level) => vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void complaints.push(format(...args)))),
    ];
    const exitCode = process.exitCode;
    try {
      vi.resetModules();
      await import(/* @vite-ignore */ pathToFileURL(file).href);
    } finally {
      for (const spy of spies) spy.mockRestore();
      rmSync(file, { force: true });
    }
    expect(complaints).toEqual([]);
    expect(process.exitCode).toBe(exitCode);
    const text = squash(printed.join('\n'));
    for (const [, expected] of code.matchAll(/console\.log\(.*\); \/\/ (.+)$/gm)) {
      const wanted = (expected as string).replace(/^\.\.\. /, '').replace(/^(.*?)\.\.\. /, '');
      expect(text).toContain(squash(wanted));
    }
  });
});
