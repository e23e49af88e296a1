import { writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { isSystemError, systemErrorText } from './system-error.js';

/** Where a command writes and what it knows of its environment; tests pass their own. */
export interface CliIo {
  /** throws OutputError when the text cannot be written */
  stdout(text: string): void;
  stderr(text: string): void;
  /** stderr is a terminal: live progress lines are wanted */
  readonly isTTY: boolean;
  /** stdout is a terminal: the report may be coloured */
  readonly stdoutIsTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** stdout or stderr cannot take the output: its reader closed the pipe (EPIPE), the disk is full (ENOSPC), … */
export class OutputError extends Error {
  override readonly name = 'OutputError';
  readonly code: string;
  constructor(
    readonly stream: 'stdout' | 'stderr',
    cause: NodeJS.ErrnoException & { code: string },
  ) {
    super(`cannot write to ${stream}: ${systemErrorText(cause)}`);
    this.code = cause.code;
  }
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `text` synchronously, so a failure is thrown where the command writes and nothing is left queued. */
function writeAll(fd: number, stream: 'stdout' | 'stderr', text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (e) {
      if (!isSystemError(e)) throw e;
      // a descriptor some other process made non-blocking: wait a millisecond for the reader
      if (e.code === 'EAGAIN') Atomics.wait(PAUSE, 0, 0, 1);
      else throw new OutputError(stream, e);
    }
  }
}

export function processIo(): CliIo {
  return {
    stdout: (text) => writeAll(1, 'stdout', text),
    stderr: (text) => writeAll(2, 'stderr', text),
    // isatty, not process.stderr: creating that stream would make the descriptor non-blocking for every process sharing it
    isTTY: isatty(2),
    stdoutIsTTY: isatty(1),
    env: process.env,
    cwd: process.cwd(),
  };
}
