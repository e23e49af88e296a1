import { pathToFileURL } from 'node:url';
import type { PluginDeclaration } from '@hiodkit/core';
import { judgeReturned, type Invocation, type PluginHandle } from './invocation.js';
import type { KnownFailureEntry } from './known-failures.js';
import { handleOfKind, type OpenedPlugin } from './plugin-kind.js';
import { PluginLoadError, type PluginModule } from './plugin-module.js';
import { judgeResolution, type ResolverHandle, type ResolverInvocation } from './resolver-invocation.js';
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

/** A module's worker, booted and ready: what it said, and a call that judges nothing yet. */
interface WorkerPool {
  readonly ready: Record<string, unknown>;
  /** Sends one message and waits for the worker's reply, replacing a worker that hung or died. */
  call(message: unknown): { readonly kind: 'reply'; readonly message: Record<string, unknown> } | Exclude<Invocation, { readonly kind: 'outcome' }>;
  close(): void;
}

/**
 * Runs a plugin module in a worker thread and calls it synchronously: each call waits on a shared
 * flag with the time limit, so a call that never returns is cut off and a crash is reported with
 * its exit code. After the first replacement, spare workers boot in the background, so a later
 * cut-off costs only the time limit.
 */
function workerPool(source: PluginModule, options: IsolationOptions): WorkerPool {
  const href = moduleHref(source.module, source.base);
  const startupTimeoutMs = options.startupTimeoutMs ?? 30_000;
  const first = ready(href, boot(href, source.export), startupTimeoutMs);
  let running: WorkerLink | undefined = first.running;
  // workers already booting once one had to be replaced, so that the next cut-off does not wait for a
  // fresh one; none before: a plugin that never hangs or dies costs one worker, and its calls share
  // the machine with no boot
  const spares: Booting[] = [];
  const replace = () => {
    if (running) stopWorker(running);
    running = ready(href, spares.shift() ?? boot(href, source.export), startupTimeoutMs).running;
    while (spares.length < SPARES) spares.push(boot(href, source.export));
  };
  return {
    ready: first.ready,
    call(message) {
      running ??= ready(href, boot(href, source.export), startupTimeoutMs).running;
      const current = running;
      const start = performance.now();
      callWorker(current, message);
      const answer = waitForWorker<Record<string, unknown>>(current, PICKUP_MS, options.timeLimitMs + REPLY_GRACE_MS);
      if (answer.kind === 'timeout') {
        const elapsedMs = answer.runningMs ?? performance.now() - start;
        replace();
        // a call the worker started and never answered is a hang; one it never picked up is the machine's stall
        return answer.runningMs !== undefined ? { kind: 'timeout', limitMs: options.timeLimitMs, elapsedMs, hung: true } : { kind: 'timeout', limitMs: options.timeLimitMs, elapsedMs };
      }
      if (answer.kind === 'exit') {
        replace();
        return { kind: 'crashed', detail: `the plugin's worker exited with code ${answer.code}` };
      }
      const elapsedMs = answer.message['elapsedMs'] as number;
      // the worker timed the call itself, so the verdict does not depend on how fast this thread woke
      if (elapsedMs > options.timeLimitMs) return { kind: 'timeout', limitMs: options.timeLimitMs, elapsedMs };
      return { kind: 'reply', message: answer.message };
    },
    close() {
      if (running) stopWorker(running);
      for (const b of spares.splice(0)) stopWorker(b.running);
      running = undefined;
    },
  };
}

/** A reply that is not a returned value: the same for both kinds. */
function failedReply(m: Record<string, unknown>): Exclude<Invocation, { readonly kind: 'outcome' }> | undefined {
  const elapsedMs = m['elapsedMs'] as number;
  if (m['kind'] === 'threw') return { kind: 'threw', error: m['error'] as string, elapsedMs, ...rebuiltError(m['stack']) };
  if (m['kind'] === 'unsendable') return { kind: 'invalid', value: m['value'] as string, problems: ['the value cannot be copied out of the worker (it holds functions or other non-data)'], elapsedMs };
  return undefined;
}

function checkerHandle(pool: WorkerPool): PluginHandle {
  return {
    name: pool.ready['name'] as string,
    declaration: pool.ready['implements'] as PluginDeclaration,
    knownFailures: pool.ready['knownFailures'] as KnownFailureEntry[],
    isolation: 'worker',
    invoke(c): Invocation {
      const r = pool.call({ guest: c.guest, device: c.device });
      if (r.kind !== 'reply') return r;
      const m = r.message;
      const elapsedMs = m['elapsedMs'] as number;
      if (m['kind'] === 'promise') return judgeReturned(Promise.resolve(), elapsedMs, undefined);
      return failedReply(m) ?? judgeReturned(m['value'], elapsedMs, m['mutation'] as string | undefined);
    },
    close: () => pool.close(),
  };
}

function resolverHandle(pool: WorkerPool): ResolverHandle {
  return {
    kind: 'kconfig-resolver',
    name: pool.ready['name'] as string,
    isolation: 'worker',
    invoke(input): ResolverInvocation {
      const r = pool.call(input);
      if (r.kind !== 'reply') return r;
      const m = r.message;
      const elapsedMs = m['elapsedMs'] as number;
      if (m['kind'] === 'promise') return judgeResolution(Promise.resolve(), elapsedMs, undefined);
      return failedReply(m) ?? judgeResolution(m['value'], elapsedMs, m['mutation'] as string | undefined);
    },
    close: () => pool.close(),
  };
}

/** A module loaded in a worker, as the kind its export declares. */
export type IsolatedModule = OpenedPlugin;

/** Loads a plugin module in a worker and opens it as the kind its export is: a Kconfig resolver says `kind: "kconfig-resolver"`. */
export function openIsolatedModule(source: PluginModule, options: IsolationOptions): IsolatedModule {
  const pool = workerPool(source, options);
  return pool.ready['pluginKind'] === 'kconfig-resolver' ? { kind: 'kconfig-resolver', handle: resolverHandle(pool) } : { kind: 'checker', handle: checkerHandle(pool) };
}

const EXPORTED: Readonly<Record<OpenedPlugin['kind'], string>> = { checker: 'a checker', 'kconfig-resolver': 'a Kconfig resolver' };

/** A checker module in a worker (see openIsolatedModule); a Kconfig resolver is refused with PluginLoadError. */
export function isolatedPlugin(source: PluginModule, options: IsolationOptions): PluginHandle {
  const opened = openIsolatedModule(source, options);
  return handleOfKind(opened, 'checker', `${moduleHref(source.module, source.base)} exports ${EXPORTED[opened.kind]}, not a checker plugin: run it with runResolverConformance`);
}

/** A Kconfig resolver module in a worker (see openIsolatedModule); a checker is refused with PluginLoadError. */
export function isolatedResolver(source: PluginModule, options: IsolationOptions): ResolverHandle {
  const opened = openIsolatedModule(source, options);
  return handleOfKind(opened, 'kconfig-resolver', `${moduleHref(source.module, source.base)} exports ${EXPORTED[opened.kind]}, not a Kconfig resolver`);
}
