// What processPlugin() (this thread) and process-worker.ts (its worker) say to each other.
import type { MessagePort } from 'node:worker_threads';
import type { Invocation } from './invocation.js';
import type { PluginHello } from './protocol.js';
import type { ResolverInvocation } from './resolver-invocation.js';
import type { ProcessGroupSlot } from './process-groups.js';

export interface ProcessWorkerData {
  readonly port: MessagePort;
  readonly flag: Int32Array;
  /** Where the worker records the process group of the plugin it started last, for any thread to end it. */
  readonly group: ProcessGroupSlot;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string | undefined;
  readonly startupTimeoutMs: number;
  readonly maxLineBytes: number;
  readonly stderrLines: number;
}

/** What the main thread sends: each request's members after its id, as JSON text (protocol.ts writes them). */
export type ToWorker = { readonly kind: 'call'; readonly requests: readonly string[]; readonly timeLimitMs: number } | { readonly kind: 'close' };

/** One request's result: an Outcome from a checker, a resolution from a resolver, or how the call failed. */
export type CallResult = Invocation | ResolverInvocation;

/** What the worker answers. */
export type FromWorker =
  | { readonly kind: 'ready'; readonly hello: PluginHello }
  | { readonly kind: 'load-error'; readonly error: string }
  | { readonly kind: 'results'; readonly results: readonly CallResult[] }
  | { readonly kind: 'closed'; readonly exit: string };

