// The worker's side of worker-bridge.ts. Flag layout: [0] wake-up (1 = an answer is on the port,
// 2 = the worker is exiting), [1] the worker's exit code; a worker may use further slots.
import type { MessagePort } from 'node:worker_threads';

/** Answers on the port and wakes the main thread; also wakes it, with the exit code, if the worker exits. */
export function signalling<M>(port: MessagePort, flag: Int32Array): (message: M) => void {
  process.on('exit', (code) => {
    Atomics.store(flag, 1, code);
    Atomics.store(flag, 0, 2);
    Atomics.notify(flag, 0);
  });
  return (message) => {
    port.postMessage(message);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
}
