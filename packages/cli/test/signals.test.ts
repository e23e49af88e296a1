import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { groupGone, isRunning, killGroupQuietly } from '../../../test/support/process-table.js';
import { BIN, CLI_DIR } from './helpers.js';

const source = fileURLToPath(new URL('../../../examples/c-plugin/plugin.c', import.meta.url));
const WRAPPER = fileURLToPath(new URL('../../../test/support/plugin-wrapper.sh', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hiodkit-signals-'));
const plugin = join(dir, 'plugin');
const leftovers: number[] = [];

beforeAll(() => {
  const cc = spawnSync('cc', ['-std=c11', '-O2', '-o', plugin, source], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`the C example needs a C compiler on PATH as cc: ${cc.error?.message ?? cc.stderr}`);
});
afterEach(() => {
  for (const g of leftovers.splice(0)) killGroupQuietly(g);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until(condition: () => boolean, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('hiodkit stopped by a signal ends every plugin process group, then exits 128 + the signal number', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s: exit %i, and the wrapped plugin and its grandchild that ignores SIGTERM are gone', { timeout: 60_000 }, async (signal, code) => {
    const pids = join(dir, `pids-${signal}`);
    // a correct plugin and a run long enough to be interrupted
    const exec = `${WRAPPER} ${pids} ${plugin}`;
    const child = spawn(process.execPath, [BIN, 'conform', '--exec', exec, '--runs', '1000000', '--seed', '1'], { cwd: CLI_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    await until(() => existsSync(pids) && readFileSync(pids, 'utf8').includes(' '), 30_000);
    const [wrapper = 0, grandchild = 0] = readFileSync(pids, 'utf8').trim().split(' ').map(Number);
    leftovers.push(wrapper);
    expect(isRunning(grandchild)).toBe(true);
    child.kill(signal);
    expect(await exited).toBe(code);
    expect(stderr).toContain(`hiodkit: stopped by ${signal}; ended 1 plugin process group(s)\n`);
    expect(await groupGone(wrapper, 2_000)).toEqual([]);
    expect(isRunning(grandchild)).toBe(false);
  });
});
