// The packages built as they ship (tsc into each dist/), once per test run and again only when a
// source changed: a test that starts the CLI as a process runs that JavaScript, which starts in a
// fraction of the time tsx takes to start the same program from its TypeScript.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { PACKAGES } from '../release/packages.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** What the last build was made from; outside every package, so no tarball ships it. */
const STAMP = join(root, 'node_modules', '.cache', 'hiodkit', 'built-packages.sha256');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** A digest of everything tsc reads to build the packages: sources, configs, manifests, the lockfile. */
function sourceDigest(): string {
  const hash = createHash('sha256');
  const inputs = ['tsconfig.json', 'tsconfig.build.json', 'pnpm-lock.yaml'].map((file) => join(root, file));
  for (const pkg of PACKAGES) {
    const dir = join(root, 'packages', pkg);
    inputs.push(join(dir, 'package.json'), join(dir, 'tsconfig.json'), ...filesUnder(join(dir, 'src')));
  }
  for (const file of inputs) hash.update(`${file}\0`).update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/** Builds every package into its dist/ unless the last build was made from the same sources; returns whether it built. */
export function buildPackages(): boolean {
  const digest = sourceDigest();
  const built = PACKAGES.every((pkg) => existsSync(join(root, 'packages', pkg, 'dist', 'index.js')));
  if (built && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === digest) return false;
  rmSync(STAMP, { force: true });
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  // in dependency order: each package's build reads the declarations of the ones before it
  for (const pkg of PACKAGES) {
    const dir = join(root, 'packages', pkg);
    rmSync(join(dir, 'dist'), { recursive: true, force: true });
    try {
      execFileSync(tsc, ['-p', dir], { stdio: 'pipe', encoding: 'utf8' });
    } catch (e) {
      const out = e as { stdout?: string; stderr?: string };
      throw new Error(`building packages/${pkg} failed:\n${out.stdout ?? ''}${out.stderr ?? ''}`);
    }
  }
  mkdirSync(dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, digest);
  return true;
}

/** vitest globalSetup: build before the first run, and before each rerun in watch mode. */
export default function setup(project: TestProject): void {
  buildPackages();
  project.onTestsRerun(() => {
    buildPackages();
  });
}
