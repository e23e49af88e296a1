// main() in the thread bin.ts starts for it: plugin processes record their groups in the registry
// bin.ts watches, and the terminal facts come from bin.ts, since a thread's own streams are not TTYs.
import { parentPort, workerData } from 'node:worker_threads';
import { adoptProcessGroupRegistry, type ProcessGroupRegistry } from '@hiodkit/conformance';
import { processIo } from './io.js';
import { main } from './main.js';

export interface CommandThreadData {
  readonly argv: readonly string[];
  readonly registry: ProcessGroupRegistry;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
}

export interface CommandThreadResult {
  readonly code: number;
}

const data = workerData as CommandThreadData;
adoptProcessGroupRegistry(data.registry);
const code = main(data.argv, processIo({ stdout: data.stdoutIsTTY, stderr: data.stderrIsTTY }));
parentPort?.postMessage({ code } satisfies CommandThreadResult);
