// main() in the thread bin.ts starts for it: plugin processes record their groups in the registry
// bin.ts watches. The command writes to the process's descriptors itself (io.ts), as in any thread.
import { parentPort, workerData } from 'node:worker_threads';
import { adoptProcessGroupRegistry, type ProcessGroupRegistry } from '@hiodkit/conformance';
import { processIo } from './io.js';
import { main } from './main.js';

export interface CommandThreadData {
  readonly argv: readonly string[];
  readonly registry: ProcessGroupRegistry;
}

export interface CommandThreadResult {
  readonly code: number;
}

const data = workerData as CommandThreadData;
adoptProcessGroupRegistry(data.registry);
const code = main(data.argv, processIo());
parentPort?.postMessage({ code } satisfies CommandThreadResult);
