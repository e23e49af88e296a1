import { pathToFileURL } from 'node:url';
import type { PluginDeclaration } from '@hiodkit/core';
import { judgeReturned, type Invocation, type PluginHandle } from './invocation.js';
import type { KnownFailureEntry } from './known-failures.js';
import { PluginLoadError, type PluginModule } from './plugin-module.js';
import { callWorker, startWorker, stopWorker, tsxEsmApi, waitForWorker, type WorkerLink } from './worker-bridge.js';

export interface IsolationOptions {
  readonly timeLimitMs: number;
  /** How long loading the module may take. */
  readonly startupTimeoutMs?: number;
}

const SPARES = 2;
/** How long an idle worker may take to pick a call up: only a busy machine or a plugin hogging its own thread makes it slow. */
const PICKUP_MS = 10_000;
/** How long past the limit the cut-off waits for the answer: the verdict is the worker's own clock, this only bounds a hang. */
const REPLY_GRACE_MS = 1_000;

/** The Error a plugin threw in its worker, rebuilt from its name, message and stack. */
function rebuiltError(sent: unknown): { cause?: Error } {
  if (typeof sent !== 'object' || sent === null) return {};
  const { name, message, stack } = sent as { name?: unknown; message?: unknown; stack?: unknown };
  const error = new Error(typeof message === 'string' ? message : '');
  if (typeof name === 'string') error.name = name;
  if (typeof stack === 'string') error.stack = stack;
  return { cause: error };
}

/** Resolves a module path or URL: a relative path against `base` (a file's URL names its folder), else the working directory. */
export function moduleHref(module: string | URL, base?: URL): string {
  if (module instanceof URL) return module.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module;
  if (module.startsWith('/')) return pathToFileURL(module).href;
  return base !== undefined ? new URL(module, base).href : pathToFileURL(`${process.cwd()}/${module}`).href;
}

interface Booting {
  readonly running: WorkerLink;
}

/** Starts a worker loading the plugin; it boots in its own thread while this one goes on. */
function boot(href: string, exportName: string | undefined): Booting {
  return { running: startWorker('isolate-worker', { moduleUrl: href, exportName, tsxApi: tsxEsmApi() }) };
}

/** Waits for a booting worker to report ready; throws PluginLoadError if it cannot load the plugin. */
function ready(href: string, booting: Booting, startupTimeoutMs: number): { running: WorkerLink; ready: Record<string, unknown> } {
  const { running } = booting;
  const answer = waitForWorker<Record<string, unknown>>(running, startupTimeoutMs);
  if (answer.kind !== 'message' || answer.message['kind'] !== 'ready') {
    stopWorker(running);
    if (answer.kind === 'timeout') throw new PluginLoadError(`loading ${href} took longer than ${startupTimeoutMs} ms`);
    if (answer.kind === 'exit') throw new PluginLoadError(`the worker loading ${href} exited with code ${answer.code}`);
    throw new PluginLoadError(`cannot load ${href}: ${String(answer.message['error'])}`);
  }
  return { running, ready: answer.message };
}

/**
 * Runs a plugin module in a worker thread and calls it synchronously: each call waits on a shared
 * flag with the time limit, so a call that never returns is cut off and a crash is reported with
 * its exit code. A spare worker boots in the background, so a cut-off costs only the time limit.
 */
export function isolatedPlugin(source: PluginModule, options: IsolationOptions): PluginHandle {
  const href = moduleHref(source.module, source.base);
  const startupTimeoutMs = options.startupTimeoutMs ?? 30_000;
  const first = ready(href, boot(href, source.export), startupTimeoutMs);
  let running: WorkerLink | undefined = first.running;
  // workers already booting, so that cutting off a hung call does not wait for a fresh one
  const spares: Booting[] = Array.from({ length: SPARES }, () => boot(href, source.export));
  const discard = stopWorker;
  const replace = () => {
    if (running) discard(running);
    running = ready(href, spares.shift() ?? boot(href, source.export), startupTimeoutMs).running;
    spares.push(boot(href, source.export));
  };
  return {
    name: first.ready['name'] as string,
    declaration: first.ready['implements'] as PluginDeclaration,
    knownFailures: first.ready['knownFailures'] as KnownFailureEntry[],
    isolation: 'worker',
    invoke(c): Invocation {
      running ??= ready(href, boot(href, source.export), startupTimeoutMs).running;
      const current = running;
      const start = performance.now();
      callWorker(current, { guest: c.guest, device: c.device });
      const answer = waitForWorker<Record<string, unknown>>(current, PICKUP_MS, options.timeLimitMs + REPLY_GRACE_MS);
      if (answer.kind === 'timeout') {
        const elapsedMs = answer.runningMs ?? performance.now() - start;
        replace();
        return { kind: 'timeout', limitMs: options.timeLimitMs, elapsedMs };
      }
      if (answer.kind === 'exit') {
        replace();
        return { kind: 'crashed', detail: `the plugin's worker exited with code ${answer.code}` };
      }
      const m = answer.message;
      const elapsedMs = m['elapsedMs'] as number;
      // the worker timed the call itself, so the verdict does not depend on how fast this thread woke
      if (elapsedMs > options.timeLimitMs) return { kind: 'timeout', limitMs: options.timeLimitMs, elapsedMs };
      switch (m['kind']) {
        case 'threw':
          return { kind: 'threw', error: m['error'] as string, elapsedMs, ...rebuiltError(m['stack']) };
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
