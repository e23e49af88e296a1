// The worker's side of worker-bridge.ts: a shared Int32Array of FLAG_SLOTS slots (and any a worker
// adds after them) that the blocked main thread waits on.
import type { MessagePort } from 'node:worker_threads';

/** Counts everything the worker told the main thread (a message posted, a call started, its exit); only ever grows. */
export const EVENTS = 0;
/** The worker's exit code, once EXITED is 1. */
export const EXIT_CODE = 1;
/** 1 once the worker is exiting. */
export const EXITED = 2;
/** Counts the calls the worker has started: the main thread's clock for a call starts when this moves. */
export const STARTED = 3;
/** Slots the bridge uses; a worker's own slots come after them. */
export const FLAG_SLOTS = 4;

/**
 * Wakes the main thread: an event is counted only after what it announces is visible (the message on
 * the port, the slot written), so a waiter that saw the old count can never miss it, and a late or
 * repeated wake-up only makes it look again.
 */
function announce(flag: Int32Array): void {
  Atomics.add(flag, EVENTS, 1);
  Atomics.notify(flag, EVENTS);
}

export interface Signalling<M> {
  /** Posts an answer and wakes the main thread. */
  readonly reply: (message: M) => void;
  /** Tells the main thread a call has started, so that its time limit counts from now. */
  readonly started: () => void;
}

/** Answers on the port and wakes the main thread; also wakes it, with the exit code, if the worker exits. */
export function signalling<M>(port: MessagePort, flag: Int32Array): Signalling<M> {
  process.on('exit', (code) => {
    Atomics.store(flag, EXIT_CODE, code);
    Atomics.store(flag, EXITED, 1);
    announce(flag);
  });
  return {
    reply(message) {
      port.postMessage(message);
      announce(flag);
    },
    started() {
      Atomics.add(flag, STARTED, 1);
      announce(flag);
    },
  };
}
