import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../src/index.js';

const source = fileURLToPath(new URL('../../../examples/c-plugin/plugin.c', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hiodkit-c-plugin-'));
const good = join(dir, 'plugin');
const faulty = join(dir, 'plugin-faulty');

function cc(out: string, ...flags: string[]): void {
  const run = spawnSync('cc', ['-std=c11', '-O2', '-Wall', '-Wextra', ...flags, '-o', out, source], { encoding: 'utf8' });
  if (run.error) throw new Error(`the C example needs a C compiler on PATH as cc: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`cc failed:\n${run.stderr}`);
}

function conform(binary: string) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false, stdoutIsTTY: false, env: { CI: 'true' }, cwd: dir };
  const code = main(['conform', '--exec', binary, '--runs', '100', '--seed', '20260106'], io);
  return { code, stdout, stderr };
}

beforeAll(() => {
  cc(good);
  cc(faulty, '-DPLANT_FAULT');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hiodkit conform --exec on the C example plugin', () => {
  it('passes the kit', { timeout: 120_000 }, () => {
    const { code, stdout, stderr } = conform(good);
    expect(stderr).toBe('');
    expect(stdout).toContain('(process) — profile seed, CONFIG_VTD_ACCEL=y');
    expect(stdout).toContain('CONFORMANT');
    expect(stdout).not.toContain('NOT CONFORMANT');
    expect(code).toBe(0);
  });

  it('fails it when built with a planted fault, naming the property and the counterexample', { timeout: 120_000 }, () => {
    const { code, stdout } = conform(faulty);
    expect(code).toBe(1);
    expect(stdout).toContain('NOT CONFORMANT');
    expect(stdout).toMatch(/FAIL {3}table-equivalence/);
    expect(stdout).toMatch(/case: \{"guest":/);
    expect(stdout).toMatch(/replay: hiodkit conform --exec \S+ --property table-equivalence --seed 20260106 --runs 100 --path [\d:]+/);
  });
});
