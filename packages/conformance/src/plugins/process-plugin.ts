import type { KconfigResolverInput, PluginDeclaration } from '@hiodkit/core';
import type { Invocation, PluginHandle } from './invocation.js';
import { handleOfKind, type OpenedPlugin } from './plugin-kind.js';
import { PluginLoadError } from './plugin-module.js';
import type { Case } from '../oracle/predicates.js';
import { claimSlot, endGroupIn, groupIn, releaseSlot, type ProcessGroupSlot } from './process-groups.js';
import type { CallResult, FromWorker, ProcessWorkerData, ToWorker } from './process-messages.js';
import { caseRequestBody, kconfigRequestBody, type CheckerHello, type PluginHello } from './protocol.js';
import type { ResolverHandle, ResolverInvocation } from './resolver-invocation.js';
import { caseToJson } from './wire.js';
import { startWorker, stopWorker, waitForWorker, type WorkerLink } from './worker-bridge.js';

/** A plugin program: run directly, without a shell. */
export interface ProcessCommand {
  readonly command: string;
  readonly args?: readonly string[];
  readonly cwd?: string;
}

export interface ProcessPluginOptions {
  /** Per answer: the plugin is killed (SIGKILL) and restarted when an answer takes longer. */
  readonly timeLimitMs: number;
  /** How long the plugin may take to start and send its hello (default 10 s). */
  readonly startupTimeoutMs?: number;
  /** The longest stdout line the kit reads, in bytes (default 1 MiB). */
  readonly maxLineBytes?: number;
  /** How many stderr lines a crash report quotes (default 20). */
  readonly stderrLines?: number;
}

/** A PluginHandle for a plugin process; it can also send several cases before reading the answers. */
export interface ProcessPluginHandle extends PluginHandle {
  /** Writes every case before reading any answer; one Invocation per case, in the order given. */
  invokeBatch(cases: readonly Case[]): Invocation[];
  /** The pid of the plugin process most recently started, or undefined when none runs. */
  readonly pid: number | undefined;
  /** After close(): how the plugin process ended, e.g. `exited with code 0`. */
  readonly exitStatus: string | undefined;
}

/** A Kconfig resolver handle for a plugin process. */
export interface ProcessResolverHandle extends ResolverHandle {
  /** The pid of the plugin process most recently started, or undefined when none runs. */
  readonly pid: number | undefined;
  /** After close(): how the plugin process ended. */
  readonly exitStatus: string | undefined;
}

/** A plugin process of either kind, as its hello said. */
export type ProcessPluginOf = OpenedPlugin<ProcessPluginHandle, ProcessResolverHandle>;

/** Time allowed for the worker thread itself to boot (tsx compiles it when running from source). */
const WORKER_BOOT_MS = 30_000;
/** Slack the main thread gives the worker beyond the plugin's own limits before it gives up on it. */
const WORKER_GRACE_MS = 5_000;

/** A worker and the registry slot where it records the plugin's process group. */
interface Running {
  readonly link: WorkerLink;
  readonly group: ProcessGroupSlot;
}

/** Plugin processes of open handles: killed if this process exits without closing them. */
const live = new Set<Running>();
let exitHookInstalled = false;

function discard(running: Running, killPlugin: boolean): void {
  if (killPlugin) endGroupIn(running.group);
  stopWorker(running.link);
  live.delete(running);
}

/** Starts the worker, which spawns the plugin in a process group of its own and does the handshake. */
function boot(command: ProcessCommand, options: Required<Omit<ProcessPluginOptions, 'timeLimitMs'>>, group: ProcessGroupSlot): Running {
  const data: Omit<ProcessWorkerData, 'port' | 'flag'> = {
    command: command.command,
    args: [...(command.args ?? [])],
    cwd: command.cwd,
    group,
    startupTimeoutMs: options.startupTimeoutMs,
    maxLineBytes: options.maxLineBytes,
    stderrLines: options.stderrLines,
  };
  const running = { link: startWorker('process-worker', { ...data }), group };
  live.add(running);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const r of live) endGroupIn(r.group);
    });
  }
  return running;
}

/** Waits for the handshake; returns the hello or a one-line reason it failed. */
function handshake(running: Running, startupTimeoutMs: number): { ok: true; hello: Extract<FromWorker, { kind: 'ready' }>['hello'] } | { ok: false; reason: string } {
  const answer = waitForWorker<FromWorker>(running.link, startupTimeoutMs + WORKER_BOOT_MS);
  if (answer.kind === 'message' && answer.message.kind === 'ready') return { ok: true, hello: answer.message.hello };
  discard(running, true);
  if (answer.kind === 'timeout') return { ok: false, reason: `the kit's process worker did not start within ${startupTimeoutMs + WORKER_BOOT_MS} ms` };
  if (answer.kind === 'exit') return { ok: false, reason: `the kit's process worker exited with code ${answer.code}` };
  return { ok: false, reason: answer.message.kind === 'load-error' ? answer.message.error : `unexpected message ${answer.message.kind} from the kit's process worker` };
}

/** How a command is named in messages. */
export function describeCommand(command: ProcessCommand): string {
  return [command.command, ...(command.args ?? [])].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** A plugin process after its handshake: request bodies in, one result each out. */
interface Connection {
  readonly hello: PluginHello;
  call(requests: readonly string[]): CallResult[];
  readonly pid: number | undefined;
  readonly exitStatus: string | undefined;
  close(): void;
}

/** Starts the plugin and does the handshake; a failed handshake throws PluginLoadError. */
function connect(command: ProcessCommand, options: ProcessPluginOptions): Connection {
  const settings = {
    startupTimeoutMs: options.startupTimeoutMs ?? 10_000,
    maxLineBytes: options.maxLineBytes ?? 1 << 20,
    stderrLines: options.stderrLines ?? 20,
  };
  const label = describeCommand(command);
  // one slot for the handle's life: a restarted plugin records its new group in it
  const group = claimSlot();
  const first = boot(command, settings, group);
  const greeting = handshake(first, settings.startupTimeoutMs);
  if (!greeting.ok) {
    releaseSlot(group);
    throw new PluginLoadError(`plugin ${label}: ${greeting.reason}`);
  }
  const hello = greeting.hello;
  let running: Running | undefined = first;
  let closed = false;
  let exitStatus: string | undefined;

  /** A fresh worker after the last one failed; its handshake failure is a crash of this call, not a throw. */
  const reboot = (): Running | string => {
    const r = boot(command, settings, group);
    const again = handshake(r, settings.startupTimeoutMs);
    return again.ok ? r : `the plugin could not be restarted: ${again.reason}`;
  };

  const call = (requests: readonly string[]): CallResult[] => {
    if (requests.length === 0) return [];
    if (closed) return requests.map(() => ({ kind: 'crashed', detail: 'the plugin handle was closed' }));
    if (running === undefined) {
      const r = reboot();
      if (typeof r === 'string') return requests.map(() => ({ kind: 'crashed', detail: r }));
      running = r;
    }
    const current = running;
    const message: ToWorker = { kind: 'call', requests, timeLimitMs: options.timeLimitMs };
    current.link.port.postMessage(message);
    const deadline = settings.startupTimeoutMs + requests.length * options.timeLimitMs + WORKER_GRACE_MS;
    const answer = waitForWorker<FromWorker>(current.link, deadline);
    if (answer.kind === 'message' && answer.message.kind === 'results' && answer.message.results.length === requests.length) {
      return [...answer.message.results];
    }
    // the worker itself failed: kill the plugin and start over on the next call
    discard(current, true);
    running = undefined;
    const detail =
      answer.kind === 'timeout'
        ? `the kit's process worker did not answer within ${deadline} ms; the plugin was killed`
        : answer.kind === 'exit'
          ? `the kit's process worker exited with code ${answer.code}; the plugin was killed`
          : `the kit's process worker answered ${answer.message.kind} out of turn; the plugin was killed`;
    return requests.map(() => ({ kind: 'crashed', detail }));
  };

  return {
    hello,
    call,
    get exitStatus() {
      return exitStatus;
    },
    get pid() {
      const pid = running === undefined ? 0 : groupIn(group);
      return pid > 0 ? pid : undefined;
    },
    close() {
      if (closed) return;
      closed = true;
      const current = running;
      running = undefined;
      if (current === undefined) {
        releaseSlot(group);
        return;
      }
      current.link.port.postMessage({ kind: 'close' } satisfies ToWorker);
      // the plugin gets 2 s to exit once its stdin closes; then the worker ends its group
      const answer = waitForWorker<FromWorker>(current.link, 2000 + WORKER_GRACE_MS);
      const message = answer.kind === 'message' ? answer.message : undefined;
      exitStatus = message?.kind === 'closed' ? message.exit : "killed: the kit's process worker did not confirm the exit";
      // whatever way it ended, nothing of its group outlives the handle
      discard(current, true);
      releaseSlot(group);
    },
  };
}

/** A checker's results: the worker gives resolutions only to a resolver. */
const asInvocation = (r: CallResult): Invocation => (r.kind === 'resolution' ? { kind: 'crashed', detail: 'the kit read a resolution from a checker (a kit bug)' } : r);
const asResolverInvocation = (r: CallResult): ResolverInvocation => (r.kind === 'outcome' ? { kind: 'crashed', detail: 'the kit read an outcome from a resolver (a kit bug)' } : r);

function checkerHandle(connection: Connection, hello: CheckerHello): ProcessPluginHandle {
  const invokeBatch = (cases: readonly Case[]): Invocation[] => connection.call(cases.map((c) => caseRequestBody(caseToJson(c)))).map(asInvocation);
  return {
    name: hello.name,
    declaration: hello.implements as PluginDeclaration,
    knownFailures: [...(hello.knownFailures ?? [])],
    isolation: 'process',
    get exitStatus() {
      return connection.exitStatus;
    },
    get pid() {
      return connection.pid;
    },
    invoke(c: Case): Invocation {
      return invokeBatch([c])[0] as Invocation;
    },
    invokeBatch,
    close: () => connection.close(),
  };
}

function resolverHandle(connection: Connection): ProcessResolverHandle {
  return {
    kind: 'kconfig-resolver',
    name: connection.hello.name,
    isolation: 'process',
    get exitStatus() {
      return connection.exitStatus;
    },
    get pid() {
      return connection.pid;
    },
    invoke(input: KconfigResolverInput): ResolverInvocation {
      return asResolverInvocation(connection.call([kconfigRequestBody(input)])[0] as CallResult);
    },
    close: () => connection.close(),
  };
}

/**
 * Runs a plugin program speaking the JSON-lines protocol of PROTOCOL.md (version 2, or a checker's
 * version 1) on its stdin and stdout, as the kind its hello says. A worker thread owns the process:
 * it matches answers to requests by id, kills and restarts the plugin when an answer is late, and
 * turns every kind of misbehaviour into a result. A failed handshake throws PluginLoadError.
 */
export function openProcessPlugin(command: ProcessCommand, options: ProcessPluginOptions): ProcessPluginOf {
  const connection = connect(command, options);
  const hello = connection.hello;
  return hello.kind === 'kconfig-resolver' ? { kind: 'kconfig-resolver', handle: resolverHandle(connection) } : { kind: 'checker', handle: checkerHandle(connection, hello) };
}

/** What a typed opener says of a plugin of the other kind. */
const otherKind = (command: ProcessCommand, opened: ProcessPluginOf, wanted: string) => `plugin ${describeCommand(command)}: its hello says it is a ${opened.kind}, not a ${wanted}`;

/** A checker plugin process (see openProcessPlugin); a Kconfig resolver's hello is refused with PluginLoadError. */
export function processPlugin(command: ProcessCommand, options: ProcessPluginOptions): ProcessPluginHandle {
  const opened = openProcessPlugin(command, options);
  return handleOfKind(opened, 'checker', otherKind(command, opened, 'checker'));
}

/** A Kconfig resolver plugin process (see openProcessPlugin); a checker's hello is refused with PluginLoadError. */
export function processResolver(command: ProcessCommand, options: ProcessPluginOptions): ProcessResolverHandle {
  const opened = openProcessPlugin(command, options);
  return handleOfKind(opened, 'kconfig-resolver', otherKind(command, opened, 'kconfig-resolver'));
}
