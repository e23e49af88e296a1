// The worker side of isolatedPlugin(): loads the plugin module and answers one call at a time.
import { workerData, type MessagePort } from 'node:worker_threads';
import { describeThrown, mutationOf } from './invocation.js';
import { cloneCase, renderValue } from './plain-data.js';
import type { Case } from '../oracle/predicates.js';
import { signalling } from './worker-signal.js';
import { pickPlugin } from './plugin-module.js';

interface WorkerData {
  readonly port: MessagePort;
  readonly flag: Int32Array;
  readonly moduleUrl: string;
  readonly exportName: string | undefined;
  readonly tsxApi: string | undefined;
}

const { port, flag, moduleUrl, exportName, tsxApi } = workerData as WorkerData;

const { reply, started } = signalling<unknown>(port, flag);

async function load(url: string): Promise<Record<string, unknown>> {
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !/\.[cm]?ts$/.test(url)) throw e;
    if (tsxApi === undefined) throw new Error(`${url} is TypeScript, which needs tsx (an optional peer of @hiodkit/conformance): npm install --save-dev tsx, or load the plugin's JavaScript build`);
    const { tsImport } = (await import(tsxApi)) as { tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>> };
    return tsImport(url, import.meta.url);
  }
}

let plugin: ReturnType<typeof pickPlugin> | undefined;
let loading = true;
// the thread ends with nothing left to do while the import is still pending: only a top-level await that never settles does that
// (before signalling's own exit listener, so the reason is on the port when the main thread wakes)
process.prependListener('exit', () => {
  if (loading) reply({ kind: 'load-error', error: 'importing it never finished: its top-level await never settles' });
});
try {
  plugin = pickPlugin(await load(moduleUrl), exportName);
} catch (e) {
  reply({ kind: 'load-error', error: describeThrown(e) });
}
loading = false;

if (plugin) {
  const loaded = plugin;
  port.on('message', (message: Case) => {
    const before = cloneCase(message);
    started();
    const start = performance.now();
    let value: unknown;
    try {
      value = loaded.check(message.guest, message.device);
    } catch (e) {
      // the stack goes as text: the main thread rebuilds the Error for the user to see where it was thrown
      const stack = e instanceof Error ? { name: e.name, message: e.message, stack: e.stack } : undefined;
      reply({ kind: 'threw', error: describeThrown(e), elapsedMs: performance.now() - start, stack });
      return;
    }
    const elapsedMs = performance.now() - start;
    const mutation = mutationOf(before, message);
    let thenable = false;
    try {
      thenable = typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
    } catch {
      // a value whose properties cannot be read goes out as unsendable below
    }
    if (thenable) {
      reply({ kind: 'promise', elapsedMs });
      return;
    }
    try {
      reply({ kind: 'returned', value, elapsedMs, mutation });
    } catch {
      reply({ kind: 'unsendable', value: renderValue(value), elapsedMs });
    }
  });
  reply({ kind: 'ready', name: loaded.name, implements: loaded.implements, knownFailures: loaded.knownFailures ?? [] });
}
