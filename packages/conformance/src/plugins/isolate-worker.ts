// The worker side of isolatedPlugin(): loads the plugin module and answers one call at a time.
import { workerData, type MessagePort } from 'node:worker_threads';
import type { KconfigResolverInput, KconfigResolverPlugin } from '@hiodkit/core';
import { describeThrown, mutationOf } from './invocation.js';
import { clonePlainData, cloneCase, renderValue } from './plain-data.js';
import type { Case } from '../oracle/predicates.js';
import { signalling } from './worker-signal.js';
import { checkerOfExport, pickExport, PluginLoadError } from './plugin-module.js';
import { inputMutation, isResolverPlugin, resolverShapeProblems } from './resolver-invocation.js';
import type { PluginWithKnownFailures } from './invocation.js';

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
    // Node 20 does not load .ts at all; from 22.18 it strips erasable types but refuses enums, namespaces and the like
    const unloadable = code === 'ERR_UNKNOWN_FILE_EXTENSION' || code === 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX';
    if (!unloadable || !/\.[cm]?ts$/.test(url)) throw e;
    if (tsxApi === undefined) {
      const why = code === 'ERR_UNKNOWN_FILE_EXTENSION' ? 'is TypeScript, which needs tsx' : `uses TypeScript that Node's type stripping cannot run (${(e as Error).message.split('\n')[0] ?? ''}), which needs tsx`;
      throw new Error(`${url} ${why} (an optional peer of @hiodkit/conformance): npm install --save-dev tsx, or load the plugin's JavaScript build`);
    }
    const { tsImport } = (await import(tsxApi)) as { tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>> };
    return tsImport(url, import.meta.url);
  }
}

type Loaded = { readonly kind: 'checker'; readonly plugin: PluginWithKnownFailures } | { readonly kind: 'kconfig-resolver'; readonly plugin: KconfigResolverPlugin };

/** The export's plugin, judged by the kind it declares: a Kconfig resolver says so, anything else is taken as a checker. */
function pluginOf(mod: Record<string, unknown>): Loaded {
  const picked = pickExport(mod, exportName);
  if (!isResolverPlugin(picked.value)) return { kind: 'checker', plugin: checkerOfExport(picked) };
  const problems = resolverShapeProblems(picked.value);
  if (problems.length > 0) throw new PluginLoadError(`export ${JSON.stringify(picked.name)} is not a Kconfig resolver: ${problems.join('; ')}`);
  return { kind: 'kconfig-resolver', plugin: picked.value };
}

/** Calls the plugin once on its copy of the message and replies with what it did, timed in this thread. */
function answer(call: () => unknown, mutation: () => string | undefined): void {
  started();
  const start = performance.now();
  let value: unknown;
  try {
    value = call();
  } catch (e) {
    // the stack goes as text: the main thread rebuilds the Error for the user to see where it was thrown
    const stack = e instanceof Error ? { name: e.name, message: e.message, stack: e.stack } : undefined;
    reply({ kind: 'threw', error: describeThrown(e), elapsedMs: performance.now() - start, stack });
    return;
  }
  const elapsedMs = performance.now() - start;
  const changed = mutation();
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
    reply({ kind: 'returned', value, elapsedMs, mutation: changed });
  } catch {
    reply({ kind: 'unsendable', value: renderValue(value), elapsedMs });
  }
}

let loaded: Loaded | undefined;
let loading = true;
// the thread ends with nothing left to do while the import is still pending: only a top-level await that never settles does that
// (before signalling's own exit listener, so the reason is on the port when the main thread wakes)
process.prependListener('exit', () => {
  if (loading) reply({ kind: 'load-error', error: 'importing it never finished: its top-level await never settles' });
});
try {
  loaded = pluginOf(await load(moduleUrl));
} catch (e) {
  reply({ kind: 'load-error', error: describeThrown(e) });
}
loading = false;

if (loaded?.kind === 'checker') {
  const checker = loaded.plugin;
  port.on('message', (message: Case) => {
    const before = cloneCase(message);
    answer(
      () => checker.check(message.guest, message.device),
      () => mutationOf(before, message),
    );
  });
  reply({ kind: 'ready', pluginKind: 'checker', name: checker.name, implements: checker.implements, knownFailures: checker.knownFailures ?? [] });
} else if (loaded?.kind === 'kconfig-resolver') {
  const resolver = loaded.plugin;
  port.on('message', (message: KconfigResolverInput) => {
    const before = clonePlainData(message);
    answer(
      () => resolver.resolve(message),
      () => inputMutation(before, message),
    );
  });
  reply({ kind: 'ready', pluginKind: 'kconfig-resolver', name: resolver.name });
}
