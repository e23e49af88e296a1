// What the CLI does when stdout or stderr cannot take its output (the child-process cases are in bad-input-cases.ts).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { OutputError, type CliIo } from '../src/io.js';
import { CLI_DIR, FIXTURES } from './helpers.js';

/** A CliIo whose streams fail with `code` (or record what they are given, when no code is set). */
function failingIo(failures: { readonly stdout?: string; readonly stderr?: string }): CliIo & { readonly written: string[] } {
  const written: string[] = [];
  const stream = (name: 'stdout' | 'stderr') => (text: string) => {
    const code = failures[name];
    if (code !== undefined) throw new OutputError(name, Object.assign(new Error(`${code}: some words, write`), { code }));
    written.push(`${name}: ${text}`);
  };
  return { stdout: stream('stdout'), stderr: stream('stderr'), isTTY: false, stdoutIsTTY: false, env: {}, cwd: CLI_DIR, written };
}

describe('main, when a write fails', () => {
  it('a closed stdout (EPIPE) ends the command quietly with 0', () => {
    const io = failingIo({ stdout: 'EPIPE' });
    expect(main(['decode', '--cap', '0x1'], io)).toBe(0);
    expect(io.written).toEqual([]);
  });

  it('any other failure says which stream and why on stderr, exit 2', () => {
    const io = failingIo({ stdout: 'ENOSPC' });
    expect(main(['decode', '--cap', '0x1'], io)).toBe(2);
    expect(io.written).toEqual(['stderr: hiodkit decode: cannot write to stdout: some words (ENOSPC)\n']);
  });

  it('a stderr that cannot take an error message leaves the exit code of the error', () => {
    expect(main(['decode', '--cap', 'xyz'], failingIo({ stderr: 'EPIPE' }))).toBe(2);
    expect(main(['check', '--host', '/no/such/file.json'], failingIo({ stderr: 'ENOSPC' }))).toBe(2);
  });
});

describe('processIo', () => {
  it('writes everything to a non-blocking pipe whose reader is slow (it waits out EAGAIN)', async () => {
    const child = spawn(process.execPath, [join(FIXTURES, 'nonblocking-stdout.mjs')], { cwd: CLI_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    let stderr = '';
    child.stdout.pause();
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // not read until the child has surely filled the pipe and met EAGAIN
      if (stderr === 'writing\n') {
        setTimeout(() => {
          child.stdout.on('data', (data: Buffer) => (bytes += data.length));
          child.stdout.resume();
        }, 500);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('writing\n');
    expect(code).toBe(0);
    expect(bytes).toBe(4 * 1024 * 1024);
  }, 30_000);
});
