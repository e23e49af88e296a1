// Packs every package once for the release tests, as a publish would, from the build the tests share.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { buildPackages } from '../support/built-packages.js';
import { PACKAGES, tarballName } from './packages.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** pnpm as this run was started with it (pnpm test), else through npx: pack must rewrite workspace: ranges. */
function pnpm(args: string[], cwd: string): void {
  const execpath = process.env['npm_execpath'];
  if (execpath !== undefined && /pnpm/.test(execpath)) execFileSync(process.execPath, [execpath, ...args], { cwd, stdio: 'pipe' });
  else execFileSync('npx', ['-y', 'pnpm@10', ...args], { cwd, stdio: 'pipe' });
}

declare module 'vitest' {
  export interface ProvidedContext {
    tarballs: Record<string, string>;
  }
}

export default function setup(project: TestProject): () => void {
  const out = mkdtempSync(join(tmpdir(), 'hiodkit-pack-'));
  buildPackages();
  // one pnpm for all five: each start of pnpm costs a second
  pnpm(['--recursive', '--filter', './packages/*', 'pack', '--pack-destination', out], root);
  const tarballs: Record<string, string> = {};
  for (const pkg of PACKAGES) {
    const dir = join(root, 'packages', pkg);
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
    tarballs[pkg] = join(out, tarballName(pkg, version));
  }
  project.provide('tarballs', tarballs);
  return () => rmSync(out, { recursive: true, force: true });
}
