import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/main.js';
import type { CliIo } from '../src/io.js';

/** packages/cli, absolute. */
export const CLI_DIR = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
/** packages/cli/src/bin.ts, absolute. */
export const BIN = join(CLI_DIR, 'src', 'bin.ts');
/** packages/cli/test/fixtures, absolute. */
export const FIXTURES = join(CLI_DIR, 'test', 'fixtures');
/** The committed fake /sys of a client machine. */
export const SYSFS = join(CLI_DIR, 'fixtures', 'sysfs-client', 'sys');
/** A bundled sample host, absolute: `host('server')`. */
export function host(name: string): string {
  return join(CLI_DIR, 'hosts', `${name}.json`);
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** io.cwd; default packages/cli */
  readonly cwd?: string;
  readonly isTTY?: boolean;
}

/** Runs main() in this process with a captured CliIo. */
export function run(argv: readonly string[], options: RunOptions = {}): RunResult {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    isTTY: options.isTTY ?? false,
    env: options.env ?? {},
    cwd: options.cwd ?? CLI_DIR,
  };
  const code = main(argv, io);
  return { code, stdout, stderr };
}

/** Spawns the real binary from source, cwd packages/cli; `code` is the process exit code. */
export function runBin(argv: readonly string[], options: { readonly env?: NodeJS.ProcessEnv } = {}): RunResult & { readonly signal: NodeJS.Signals | null } {
  const result = spawnSync(process.execPath, ['--conditions=@hiodkit/source', '--import', 'tsx', BIN, ...argv], {
    cwd: CLI_DIR,
    encoding: 'utf8',
    timeout: 60_000,
    env: options.env ?? process.env,
  });
  if (result.error) throw result.error;
  return { code: result.status ?? -1, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** A line of a JavaScript stack trace, or node's internals. */
export const STACK_TRACE = /^\s+at .+[:(]/m;

/** Whether text shows a stack trace or node:internal frames. */
export function hasStackTrace(text: string): boolean {
  return STACK_TRACE.test(text) || text.includes('node:internal');
}

/** A fresh directory under os.tmpdir(); remove it with removeTempDir. */
export function makeTempDir(prefix = 'hiodkit-cli-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
