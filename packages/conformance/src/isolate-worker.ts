// The worker side of isolatedPlugin(): loads the plugin module and answers one call at a time.
import { workerData, type MessagePort } from 'node:worker_threads';
import { describeThrown } from './invocation.js';
import { clonePlainData, firstDifference, renderValue } from './plain-data.js';
import { pickPlugin } from './plugin-module.js';

interface WorkerData {
  readonly port: MessagePort;
  readonly flag: Int32Array;
  readonly moduleUrl: string;
  readonly exportName: string | undefined;
  readonly tsxApi: string | undefined;
}

const { port, flag, moduleUrl, exportName, tsxApi } = workerData as WorkerData;

/** Wakes the main thread, which waits on flag[0]; 1 = a reply is on the port, 2 = the worker is exiting. */
function reply(message: unknown): void {
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

process.on('exit', (code) => {
  Atomics.store(flag, 1, code);
  Atomics.store(flag, 0, 2);
  Atomics.notify(flag, 0);
});

async function load(url: string): Promise<Record<string, unknown>> {
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !/\.[cm]?ts$/.test(url)) throw e;
    if (tsxApi === undefined) throw new Error(`${url} is TypeScript and tsx is not installed: install tsx or load the plugin's JavaScript build`);
    const { tsImport } = (await import(tsxApi)) as { tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>> };
    return tsImport(url, import.meta.url);
  }
}

let plugin: ReturnType<typeof pickPlugin> | undefined;
try {
  plugin = pickPlugin(await load(moduleUrl), exportName);
} catch (e) {
  reply({ kind: 'load-error', error: describeThrown(e) });
}

if (plugin) {
  const loaded = plugin;
  port.on('message', (message: { guest: unknown; device: unknown }) => {
    const before = clonePlainData(message);
    const start = performance.now();
    let value: unknown;
    try {
      value = loaded.check(message.guest as never, message.device as never);
    } catch (e) {
      reply({ kind: 'threw', error: describeThrown(e), elapsedMs: performance.now() - start });
      return;
    }
    const elapsedMs = performance.now() - start;
    const mutation = firstDifference(before.guest, message.guest, 'guest') ?? firstDifference(before.device, message.device, 'device');
    if (typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function') {
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
