import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { PluginDeclaration } from '@hiodkit/core';
import { judgeReturned, type Invocation, type PluginHandle } from './invocation.js';
import { PluginLoadError, type PluginModule } from './plugin-module.js';

export interface IsolationOptions {
  readonly timeLimitMs: number;
  /** How long loading the module may take. */
  readonly startupTimeoutMs?: number;
}

const fromSource = import.meta.url.endsWith('.ts');
const SPARES = 2;

/** Resolves a module path or URL against the working directory. */
export function moduleHref(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module;
  return pathToFileURL(module.startsWith('/') ? module : `${process.cwd()}/${module}`).href;
}

/** tsx's ESM API (for TypeScript plugins and for running from source), if tsx is installed. */
function tsxEsmApi(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
    const exportsMap = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports;
    const entry = exportsMap['./esm/api']?.import.default;
    return entry === undefined ? undefined : new URL(entry, pathToFileURL(manifest)).href;
  } catch {
    return undefined;
  }
}

interface Running {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly flag: Int32Array;
}

/** Blocks this thread until the worker answers, exits or the time runs out. */
function waitForWorker(running: Running, timeoutMs: number): { kind: 'message'; message: Record<string, unknown> } | { kind: 'timeout' } | { kind: 'exit'; code: number } {
  const state = Atomics.wait(running.flag, 0, 0, timeoutMs);
  if (state === 'timed-out') return { kind: 'timeout' };
  const received = receiveMessageOnPort(running.port);
  if (received) return { kind: 'message', message: received.message as Record<string, unknown> };
  return { kind: 'exit', code: Atomics.load(running.flag, 1) };
}

interface Booting {
  readonly running: Running;
}

/** Starts a worker loading the plugin; it boots in its own thread while this one goes on. */
function boot(href: string, exportName: string | undefined): Booting {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(8));
  const tsxApi = tsxEsmApi();
  const workerData = { port: port2, flag, moduleUrl: href, exportName, tsxApi };
  // From the TypeScript sources (this repository's tests) the worker itself is TypeScript: boot it through tsx.
  const worker = fromSource
    ? new Worker(`import(${JSON.stringify(tsxApi)}).then(({ tsImport }) => tsImport(${JSON.stringify(new URL('./isolate-worker.ts', import.meta.url).href)}, ${JSON.stringify(import.meta.url)}))`, {
        eval: true,
        workerData,
        transferList: [port2],
        execArgv: ['--conditions=@hiodkit/source'],
      })
    : new Worker(new URL('./isolate-worker.js', import.meta.url), { workerData, transferList: [port2] });
  worker.unref();
  return { running: { worker, port: port1, flag } };
}

/** Waits for a booting worker to report ready; throws PluginLoadError if it cannot load the plugin. */
function ready(href: string, booting: Booting, startupTimeoutMs: number): { running: Running; ready: Record<string, unknown> } {
  const { running } = booting;
  const answer = waitForWorker(running, startupTimeoutMs);
  if (answer.kind !== 'message' || answer.message['kind'] !== 'ready') {
    void running.worker.terminate();
    running.port.close();
    if (answer.kind === 'timeout') throw new PluginLoadError(`loading ${href} took longer than ${startupTimeoutMs} ms`);
    if (answer.kind === 'exit') throw new PluginLoadError(`the worker loading ${href} exited with code ${answer.code}`);
    throw new PluginLoadError(`cannot load ${href}: ${String(answer.message['error'])}`);
  }
  Atomics.store(running.flag, 0, 0);
  return { running, ready: answer.message };
}

/**
 * Runs a plugin module in a worker thread and calls it synchronously: each call waits on a shared
 * flag with the time limit, so a call that never returns is cut off and a crash is reported with
 * its exit code. A spare worker boots in the background, so a cut-off costs only the time limit.
 */
export function isolatedPlugin(source: PluginModule, options: IsolationOptions): PluginHandle {
  const href = moduleHref(source.module);
  const startupTimeoutMs = options.startupTimeoutMs ?? 30_000;
  const first = ready(href, boot(href, source.export), startupTimeoutMs);
  let running: Running | undefined = first.running;
  // workers already booting, so that cutting off a hung call does not wait for a fresh one
  const spares: Booting[] = Array.from({ length: SPARES }, () => boot(href, source.export));
  const discard = (r: Running) => {
    void r.worker.terminate();
    r.port.close();
  };
  const replace = () => {
    if (running) discard(running);
    running = ready(href, spares.shift() ?? boot(href, source.export), startupTimeoutMs).running;
    spares.push(boot(href, source.export));
  };
  return {
    name: first.ready['name'] as string,
    declaration: first.ready['implements'] as PluginDeclaration,
    knownFailures: first.ready['knownFailures'] as string[],
    isolation: 'worker',
    invoke(c): Invocation {
      running ??= ready(href, boot(href, source.export), startupTimeoutMs).running;
      const current = running;
      const start = performance.now();
      current.port.postMessage({ guest: c.guest, device: c.device });
      const answer = waitForWorker(current, options.timeLimitMs);
      Atomics.store(current.flag, 0, 0);
      if (answer.kind === 'timeout') {
        const elapsedMs = performance.now() - start;
        replace();
        return { kind: 'timeout', limitMs: options.timeLimitMs, elapsedMs };
      }
      if (answer.kind === 'exit') {
        replace();
        return { kind: 'crashed', detail: `the plugin's worker exited with code ${answer.code}` };
      }
      const m = answer.message;
      const elapsedMs = m['elapsedMs'] as number;
      switch (m['kind']) {
        case 'threw':
          return { kind: 'threw', error: m['error'] as string, elapsedMs };
        case 'promise':
          return judgeReturned(Promise.resolve(), elapsedMs, undefined);
        case 'unsendable':
          return { kind: 'invalid', value: m['value'] as string, problems: ['the value cannot be copied out of the worker (it holds functions or other non-data)'], elapsedMs };
        default:
          return judgeReturned(m['value'], elapsedMs, m['mutation'] as string | undefined);
      }
    },
    close() {
      if (running) discard(running);
      for (const b of spares.splice(0)) discard(b.running);
      running = undefined;
    },
  };
}
