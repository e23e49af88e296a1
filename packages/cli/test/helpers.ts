import { spawn, spawnSync, type StdioOptions } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/main.js';
import type { CliIo } from '../src/io.js';

/** packages/cli, absolute. */
export const CLI_DIR = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
/** packages/cli/dist/bin.js, absolute: the binary as it ships, built from this tree by test/support/built-packages.ts. */
export const BIN = join(CLI_DIR, 'dist', 'bin.js');
/** packages/cli/test/fixtures, absolute. */
export const FIXTURES = join(CLI_DIR, 'test', 'fixtures');
/** The committed fake /sys of a client machine. */
export const SYSFS = join(CLI_DIR, 'fixtures', 'sysfs-client', 'sys');
/** The real-machine sysfs fixtures: MACHINES/<id>/sys. */
export const MACHINES = join(CLI_DIR, 'fixtures', 'machines');
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
  /** stderr is a terminal (io.isTTY) */
  readonly isTTY?: boolean;
  readonly stdoutIsTTY?: boolean;
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
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    env: options.env ?? {},
    cwd: options.cwd ?? CLI_DIR,
  };
  const code = main(argv, io);
  return { code, stdout, stderr };
}

/** Spawns the built binary, cwd packages/cli unless given; `code` is the process exit code. */
export function runBin(argv: readonly string[], options: { readonly env?: NodeJS.ProcessEnv; readonly cwd?: string } = {}): RunResult & { readonly signal: NodeJS.Signals | null } {
  const result = spawnSync(process.execPath, [BIN, ...argv], {
    cwd: options.cwd ?? CLI_DIR,
    encoding: 'utf8',
    timeout: 60_000,
    env: options.env ?? process.env,
  });
  if (result.error) throw result.error;
  return { code: result.status ?? -1, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** How runChild sets up the child: its stdout, and whether root's power to read any file is dropped. */
export interface ChildOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** 'closed': a pipe whose reading end is closed before the child writes; 'full': /dev/full */
  readonly stdout?: 'closed' | 'full';
  /** file permissions apply: as root, the child runs without capabilities (setpriv), so a mode-000 file is unreadable */
  readonly unprivileged?: boolean;
  readonly timeoutMs?: number;
}

/** Spawns the built binary, cwd packages/cli, without blocking this process; a child past its time is killed. */
export async function runChild(argv: readonly string[], options: ChildOptions = {}): Promise<RunResult & { readonly signal: NodeJS.Signals | null }> {
  const node = [process.execPath, BIN, ...argv];
  const asRoot = options.unprivileged === true && process.getuid?.() === 0;
  const [command, ...args] = asRoot ? ['setpriv', '--inh-caps=-all', '--bounding-set=-all', '--', ...node] : node;
  const full = options.stdout === 'full' ? openSync('/dev/full', 'w') : undefined;
  const stdio: StdioOptions = ['ignore', full ?? 'pipe', 'pipe'];
  const child = spawn(command as string, args, { cwd: CLI_DIR, env: options.env ?? process.env, stdio });
  if (full !== undefined) closeSync(full);
  if (options.stdout === 'closed') child.stdout?.destroy();
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, signal, stdout, stderr });
    });
  });
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
