// The main thread's side of a worker it calls synchronously: the thread blocks on a shared flag
// (Atomics.wait) with a time limit, so a worker stuck in a plugin can be cut off.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort, type WorkerOptions } from 'node:worker_threads';
import { EVENTS, EXITED, EXIT_CODE, FLAG_SLOTS, STARTED } from './worker-signal.js';

/** A worker, the port it answers on and the flag it wakes this thread with (layout: see worker-signal.ts). */
export interface WorkerLink {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly flag: Int32Array;
  /** Calls posted with callWorker: the call in flight has started once the flag's STARTED slot reaches it. */
  calls: number;
}

export type WorkerAnswer<M> =
  | { readonly kind: 'message'; readonly message: M }
  /** `runningMs`: how long the call had run since the worker started it, when it had. */
  | { readonly kind: 'timeout'; readonly runningMs?: number }
  | { readonly kind: 'exit'; readonly code: number };

// tsx's tsImport adds a query to a module's URL: the path alone says whether this is the TypeScript source
const fromSource = new URL(import.meta.url).pathname.endsWith('.ts');

/** tsx's ESM API if tsx is installed: it boots the workers from TypeScript sources and loads TypeScript plugins. */
export function tsxEsmApi(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
    const exportsMap = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports;
    const entry = exportsMap['./esm/api']?.import.default;
    return entry === undefined ? undefined : new URL(entry, pathToFileURL(manifest)).href;
  } catch {
    return undefined;
  }
}

/**
 * A worker running the module at `url`. A TypeScript module (this repository's sources) boots
 * through tsx, which a worker does not inherit from the thread that starts it.
 */
export function workerFromModule(url: URL, options: WorkerOptions): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  const boot = `import(${JSON.stringify(tsxEsmApi())}).then(({ tsImport }) => tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(boot, { ...options, eval: true, execArgv: [...(options.execArgv ?? []), '--conditions=@hiodkit/source'] });
}

/**
 * Starts the worker module `entry` (a file next to this one, without extension, or a URL) with `data` plus
 * the port and a flag with `ownSlots` Int32 slots of the worker's own after the bridge's.
 */
export function startWorker(entry: string | URL, data: Record<string, unknown>, ownSlots = 0): WorkerLink {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4 * (FLAG_SLOTS + ownSlots)));
  const url = entry instanceof URL ? entry : new URL(`./${entry}.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  const worker = workerFromModule(url, { workerData: { ...data, port: port2, flag }, transferList: [port2] });
  worker.unref();
  return { worker, port: port1, flag, calls: 0 };
}

/** Posts a call whose start the worker reports (signalling's `started`), so waitForWorker can time the call itself. */
export function callWorker(link: WorkerLink, message: unknown): void {
  link.calls++;
  link.port.postMessage(message);
}

/**
 * Blocks this thread until the worker answers, exits or the time runs out. `timeoutMs` bounds the
 * whole wait; with `runMs`, it bounds only the wait for the worker to start the call posted last,
 * and the call then has `runMs` from the moment this thread sees it start, so that time the worker
 * spent waiting for a CPU before the call is never charged to the call.
 *
 * A wake-up proves nothing by itself: a worker preempted between announcing one answer and waking
 * this thread wakes it during the next wait, so every wake-up looks again at the port and the flag.
 */
export function waitForWorker<M>(link: WorkerLink, timeoutMs: number, runMs?: number): WorkerAnswer<M> {
  let deadline = performance.now() + timeoutMs;
  let runStart: number | undefined;
  for (;;) {
    // the event count is read before the port is looked at: anything announced later changes it, so the wait below returns
    const seen = Atomics.load(link.flag, EVENTS);
    const received = receiveMessageOnPort(link.port);
    if (received) return { kind: 'message', message: received.message as M };
    if (Atomics.load(link.flag, EXITED) === 1) return { kind: 'exit', code: Atomics.load(link.flag, EXIT_CODE) };
    const now = performance.now();
    if (runMs !== undefined && runStart === undefined && Atomics.load(link.flag, STARTED) >= link.calls) {
      runStart = now;
      deadline = now + runMs;
    }
    const left = deadline - now;
    if (left <= 0) return runStart === undefined ? { kind: 'timeout' } : { kind: 'timeout', runningMs: now - runStart };
    Atomics.wait(link.flag, EVENTS, seen, left);
  }
}

/** Stops the worker without waiting for it. */
export function stopWorker(link: WorkerLink): void {
  void link.worker.terminate();
  link.port.close();
}
