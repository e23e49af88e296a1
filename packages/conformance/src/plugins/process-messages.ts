// What processPlugin() (this thread) and process-worker.ts (its worker) say to each other.
import type { MessagePort } from 'node:worker_threads';
import type { Invocation } from './invocation.js';
import type { PluginHello } from './protocol.js';
import type { CaseJson } from './wire.js';
import { FLAG_SLOTS } from './worker-signal.js';

export interface ProcessWorkerData {
  readonly port: MessagePort;
  /** worker-signal.ts's slots, then PID_SLOT: the newest child's pid or 0 */
  readonly flag: Int32Array;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string | undefined;
  readonly startupTimeoutMs: number;
  readonly maxLineBytes: number;
  readonly stderrLines: number;
}

/** The flag slot holding the pid of the plugin process the worker started last (0: none), for the main thread to kill. */
export const PID_SLOT = FLAG_SLOTS;

/** What the main thread sends. */
export type ToWorker = { readonly kind: 'call'; readonly cases: readonly CaseJson[]; readonly timeLimitMs: number } | { readonly kind: 'close' };

/** What the worker answers. */
export type FromWorker =
  | { readonly kind: 'ready'; readonly hello: PluginHello }
  | { readonly kind: 'load-error'; readonly error: string }
  | { readonly kind: 'results'; readonly results: readonly Invocation[] }
  | { readonly kind: 'closed'; readonly exit: string };

