/** Where a command writes and what it knows of its environment; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** stderr is a terminal: live progress lines are wanted */
  readonly isTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** This process's streams; `ttys` says which are terminals when the caller knows better than this thread. */
export function processIo(ttys: { readonly stdout: boolean; readonly stderr: boolean } = { stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true }): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: ttys.stderr,
    env: process.env,
    cwd: process.cwd(),
  };
}
