// The main thread's side of a worker it calls synchronously: the thread blocks on a shared flag
// (Atomics.wait) with a time limit, so a worker stuck in a plugin can be cut off.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

/** A worker, the port it answers on and the flag it wakes this thread with (layout: see worker-signal.ts). */
export interface WorkerLink {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly flag: Int32Array;
}

export type WorkerAnswer<M> = { readonly kind: 'message'; readonly message: M } | { readonly kind: 'timeout' } | { readonly kind: 'exit'; readonly code: number };

const fromSource = import.meta.url.endsWith('.ts');

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
 * Starts the worker module `entry` (a file next to this one, without extension) with `data` plus
 * the port and a flag of `flagSlots` Int32 slots. From the TypeScript sources (this repository's
 * tests) the worker itself is TypeScript, so it boots through tsx.
 */
export function startWorker(entry: string, data: Record<string, unknown>, flagSlots: number): WorkerLink {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4 * flagSlots));
  const workerData = { ...data, port: port2, flag };
  const worker = fromSource
    ? new Worker(`import(${JSON.stringify(tsxEsmApi())}).then(({ tsImport }) => tsImport(${JSON.stringify(new URL(`./${entry}.ts`, import.meta.url).href)}, ${JSON.stringify(import.meta.url)}))`, {
        eval: true,
        workerData,
        transferList: [port2],
        execArgv: ['--conditions=@hiodkit/source'],
      })
    : new Worker(new URL(`./${entry}.js`, import.meta.url), { workerData, transferList: [port2] });
  worker.unref();
  return { worker, port: port1, flag };
}

/** Blocks this thread until the worker answers, exits or the time runs out; re-arms the flag after an answer. */
export function waitForWorker<M>(link: WorkerLink, timeoutMs: number): WorkerAnswer<M> {
  const state = Atomics.wait(link.flag, 0, 0, timeoutMs);
  if (state === 'timed-out') return { kind: 'timeout' };
  const received = receiveMessageOnPort(link.port);
  if (received) {
    Atomics.store(link.flag, 0, 0);
    return { kind: 'message', message: received.message as M };
  }
  return { kind: 'exit', code: Atomics.load(link.flag, 1) };
}

/** Stops the worker without waiting for it. */
export function stopWorker(link: WorkerLink): void {
  void link.worker.terminate();
  link.port.close();
}
