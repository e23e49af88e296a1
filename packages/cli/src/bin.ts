#!/usr/bin/env node
// The process the user runs. main() works in a thread of its own (command-thread.ts), so that this
// thread stays free to answer SIGINT, SIGTERM and SIGHUP: it ends every plugin process group the
// command started, then exits with 128 + the signal's number, as a shell reports a signal.
import { writeSync } from 'node:fs';
import { constants } from 'node:os';
// the kit itself loads in the command thread only
import { createProcessGroupRegistry, endAllGroups, workerFromModule } from '@hiodkit/conformance/main-thread';
import { EXIT } from './cli-error.js';
import type { CommandThreadData, CommandThreadResult } from './command-thread.js';

const registry = createProcessGroupRegistry();
const data: CommandThreadData = { argv: process.argv.slice(2), registry };
const ext = new URL(import.meta.url).pathname.endsWith('.ts') ? 'ts' : 'js';
const thread = workerFromModule(new URL(`./command-thread.${ext}`, import.meta.url), { workerData: data });

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    const ended = endAllGroups(registry);
    try {
      // not process.stderr: that stream would make the descriptor non-blocking for every process sharing it
      writeSync(2, `hiodkit: stopped by ${signal}${ended > 0 ? `; ended ${ended} plugin process group(s)` : ''}\n`);
    } catch {
      // a closed terminal (SIGHUP) takes no message; the exit code still says what happened
    }
    process.exit(128 + constants.signals[signal]);
  });
}

let result: CommandThreadResult | undefined;
thread.on('message', (m: CommandThreadResult) => {
  result = m;
});
thread.on('error', (e) => {
  try {
    writeSync(2, `hiodkit: internal error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
  } catch {
    // nowhere to say it: exit code 3 says it
  }
});
thread.on('exit', () => {
  // a thread that ended without an exit code failed in a way main() could not catch
  process.exitCode = result?.code ?? EXIT.internal;
  endAllGroups(registry);
});
