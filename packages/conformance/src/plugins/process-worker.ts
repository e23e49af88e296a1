// The worker side of processPlugin(): owns the plugin's child process, speaks the JSON-lines
// protocol (PROTOCOL.md) with it, and answers the main thread one call (a batch of cases) at a time.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { workerData } from 'node:worker_threads';
import { isStackFrame } from './plugin-text.js';
import { SPAWNING, groupIn, killGroup, recordGroup } from './process-groups.js';
import type { CallResult, FromWorker, ProcessWorkerData, ToWorker } from './process-messages.js';
import { KIT_HELLO_LINE, decodeAnswer, decodeHello, decodeResolutionAnswer, helloKind, quoteLine, type PluginHello } from './protocol.js';
import { signalling } from './worker-signal.js';

const { port, flag, group, command, args, cwd, startupTimeoutMs, maxLineBytes, stderrLines } = workerData as ProcessWorkerData;

const { reply } = signalling<FromWorker>(port, flag);

interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly spawnError?: string;
}

type LineEvent = { readonly kind: 'line'; readonly n: number; readonly text: string } | { readonly kind: 'bad'; readonly n: number; readonly value: string; readonly problem: string };

const STDERR_LINE_CHARS = 300;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/** One plugin process: stdout split into lines (at most maxLineBytes each), the tail of stderr, how it ended. */
class Child {
  readonly proc!: ChildProcessWithoutNullStreams;
  lineNo = 0;
  discarded = false;
  gone: ExitInfo | undefined;
  onLine: (ev: LineEvent) => void = () => {};
  onGone: (exit: ExitInfo) => void = () => {};
  #parts: Buffer[] = [];
  #partBytes = 0;
  #overlong = false;
  #stderr: string[] = [];
  #stderrPartial = '';
  #droppedFrames = 0;
  #exited: ExitInfo | undefined;
  #groupEnded = false;

  constructor() {
    // detached: a process group of its own (setsid), so that ending it ends what the plugin started too
    recordGroup(group, SPAWNING);
    try {
      this.proc = spawn(command, [...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, detached: true });
    } finally {
      recordGroup(group, this.proc?.pid ?? 0);
    }
    this.proc.stdin.on('error', () => {}); // EPIPE when it has exited: reported by the exit
    this.proc.stdout.on('data', (chunk: Buffer) => this.#stdout(chunk));
    this.proc.stdout.on('end', () => {
      if (this.#partBytes > 0 && !this.#overlong) this.#emitLine(); // a last line without its newline
    });
    this.proc.stderr.on('data', (chunk: Buffer) => this.#stderrData(lenient.decode(chunk, { stream: true })));
    this.proc.on('error', (e) => {
      this.endGroup();
      this.#finish({ code: null, signal: null, spawnError: e.message });
    });
    this.proc.on('exit', (code, signal) => {
      // whatever the plugin left behind in its group ends with it
      this.endGroup();
      this.#exited = { code, signal };
      // 'close' follows once stdout and stderr are drained; a grandchild holding them open must not hang us
      setTimeout(() => this.#finish({ code, signal }), 250).unref();
    });
    this.proc.on('close', (code: number | null, signal: NodeJS.Signals | null) => this.#finish(this.#exited ?? { code, signal }));
  }

  write(text: string): void {
    if (this.gone === undefined && this.proc.stdin.writable) this.proc.stdin.write(text);
  }

  /** Ends the plugin and every process of its group; its exit is no longer reported. */
  kill(): void {
    this.discarded = true;
    this.endGroup();
  }

  /** The last lines of stderr, each cut short. */
  stderrTail(): string[] {
    const lines = this.#stderrPartial === '' || isStackFrame(this.#stderrPartial) ? [...this.#stderr] : [...this.#stderr, this.#stderrPartial.slice(0, STDERR_LINE_CHARS)];
    return lines.slice(-stderrLines);
  }

  /** An answer line has begun to arrive and has not ended: the plugin answered, only not all of it yet. */
  get midLine(): boolean {
    return this.#partBytes > 0;
  }

  /** Stack-frame lines of stderr the tail leaves out. */
  get droppedFrames(): number {
    return this.#droppedFrames;
  }

  /** SIGKILL to the group, once: after that its id may be reused, so the slot forgets it. */
  endGroup(): void {
    const pid = this.proc.pid;
    if (pid === undefined || this.#groupEnded) return;
    this.#groupEnded = true;
    killGroup(pid);
    if (groupIn(group) === pid) recordGroup(group, 0);
  }

  #finish(exit: ExitInfo): void {
    if (this.gone !== undefined) return;
    this.gone = exit;
    if (!this.discarded) this.onGone(exit);
  }

  #stdout(chunk: Buffer): void {
    let start = 0;
    while (start <= chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      if (!this.#overlong && end > start) {
        const piece = chunk.subarray(start, end);
        this.#parts.push(piece);
        this.#partBytes += piece.length;
        if (this.#partBytes > maxLineBytes) {
          this.#overlong = true;
          const head = lenient.decode(Buffer.concat(this.#parts).subarray(0, 400));
          this.#parts = [];
          this.#partBytes = 0;
          this.#emit({ kind: 'bad', n: ++this.lineNo, value: `stdout line ${this.lineNo} ${quoteLine(head)}`, problem: `stdout line ${this.lineNo} is longer than the ${maxLineBytes}-byte line limit` });
        }
      }
      if (nl < 0) break;
      if (this.#overlong) this.#overlong = false;
      else this.#emitLine();
      start = nl + 1;
    }
  }

  #emitLine(): void {
    const bytes = Buffer.concat(this.#parts);
    this.#parts = [];
    this.#partBytes = 0;
    const n = ++this.lineNo;
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      this.#emit({ kind: 'bad', n, value: `stdout line ${n} ${quoteLine(lenient.decode(bytes))}`, problem: `stdout line ${n} is not valid UTF-8` });
      return;
    }
    this.#emit({ kind: 'line', n, text });
  }

  #emit(ev: LineEvent): void {
    if (!this.discarded) this.onLine(ev);
  }

  #stderrData(text: string): void {
    const pieces = (this.#stderrPartial + text).split('\n');
    this.#stderrPartial = (pieces.pop() ?? '').slice(0, STDERR_LINE_CHARS * 4);
    for (const p of pieces) {
      const line = p.replace(/\r$/, '');
      // the kit quotes what went wrong, never a stack: frames are counted, not kept
      if (isStackFrame(line)) this.#droppedFrames++;
      else this.#stderr.push(line.slice(0, STDERR_LINE_CHARS));
    }
    if (this.#stderr.length > stderrLines) this.#stderr.splice(0, this.#stderr.length - stderrLines);
  }
}

function describeExit(exit: ExitInfo): string {
  if (exit.spawnError !== undefined) return `could not be started (${exit.spawnError})`;
  if (exit.signal !== null) return `was killed by signal ${exit.signal}`;
  return `exited with code ${String(exit.code)}`;
}

function stderrBlock(c: Child): string {
  const tail = c.stderrTail();
  if (tail.length === 0) return '; it wrote nothing to stderr';
  const frames = c.droppedFrames > 0 ? ` (${c.droppedFrames} stack frame line(s) left out)` : '';
  return `; its last ${tail.length} stderr line(s)${frames}:\n${tail.map((l) => `  | ${l}`).join('\n')}`;
}

/** For one-line load errors: the last few stderr lines, joined. */
function stderrInline(c: Child): string {
  const tail = c.stderrTail().filter((l) => l.trim() !== '').slice(-3);
  return tail.length === 0 ? '' : ` (stderr: ${tail.map((l) => JSON.stringify(l)).join(' / ')})`;
}

type Started = { readonly child: Child; readonly hello: PluginHello } | { readonly error: string };

let closing = false;
/** The child that answers calls, once its hello was accepted. */
let child: Child | undefined;
/** A replacement starting in the background after the last one was killed or died. */
let starting: Promise<Started> | undefined;
/** Set when a restart failed: every later call is answered with it at once. */
let dead: string | undefined;
/** Something the plugin did while no request was outstanding, reported on the next call. */
let idleFault: CallResult | undefined;
let nextId = 1;
/** Whether the plugin's hello said it is a Kconfig resolver: its answers carry resolutions, not outcomes. */
let resolver = false;

interface ActiveCall {
  readonly child: Child;
  readonly results: (CallResult | undefined)[];
  /** id → index into results */
  readonly pending: Map<number, number>;
  readonly start: number;
  /** when the last answer arrived (or the batch was sent): the clock for the next answer */
  last: number;
  timer: NodeJS.Timeout | undefined;
  /** The limit passed while an answer line was still arriving, and the call was given one more limit for it. */
  extended: boolean;
  readonly timeLimitMs: number;
  readonly done: (results: CallResult[]) => void;
}
let call: ActiveCall | undefined;

/** Spawns the plugin and waits for its hello. */
function start(): Promise<Started> {
  return new Promise((resolve) => {
    const c = new Child();
    let settled = false;
    const finish = (r: Started) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if ('error' in r) c.kill();
      else adopt(c);
      resolve(r);
    };
    const timer = setTimeout(() => finish({ error: `it did not send its hello within ${startupTimeoutMs} ms${stderrInline(c)}` }), startupTimeoutMs);
    c.onLine = (ev) => {
      if (ev.kind === 'bad') return finish({ error: `its hello is unreadable: ${ev.problem}: ${ev.value}` });
      if (ev.text.trim() === '') return;
      const d = decodeHello(ev.text, ev.n);
      finish(d.ok ? { child: c, hello: d.hello } : { error: d.reason });
    };
    c.onGone = (exit) => finish({ error: `it ${describeExit(exit)} before sending its hello${stderrInline(c)}` });
    c.write(KIT_HELLO_LINE);
  });
}

/** Makes a child that passed the handshake the one answering calls. */
function adopt(c: Child): void {
  c.onLine = (ev) => onLine(c, ev);
  c.onGone = (exit) => onGone(c, exit);
  if (closing) {
    c.kill();
    return;
  }
  child = c;
}

/** Kills the current child and starts its replacement at once, so the next call does not wait for it. */
function discard(c: Child): void {
  c.kill();
  if (child === c) child = undefined;
  respawn();
}

function respawn(): void {
  if (closing || starting !== undefined || dead !== undefined) return;
  const p: Promise<Started> = start().then((r) => {
    if (starting === p) starting = undefined;
    if ('error' in r) dead = `the plugin was restarted and the restart failed: ${r.error}`;
    return r;
  });
  starting = p;
}

function outstanding(a: ActiveCall): string {
  const ids = [...a.pending.keys()];
  return `${ids.length} request(s) outstanding (id${ids.length === 1 ? '' : 's'} ${ids.join(', ')})`;
}

function finishCall(a: ActiveCall): void {
  if (call !== a) return;
  call = undefined;
  clearTimeout(a.timer);
  a.done(a.results.map((r) => r ?? { kind: 'crashed', detail: 'the kit lost track of this request (a kit bug)' }));
}

/** Answers every outstanding request of the call with `inv` and ends the call. */
function failRest(a: ActiveCall, inv: (elapsedMs: number) => CallResult): void {
  const now = performance.now();
  for (const index of a.pending.values()) a.results[index] = inv(now - a.start);
  a.pending.clear();
  finishCall(a);
}

function armTimer(a: ActiveCall): void {
  clearTimeout(a.timer);
  const armed = a.last;
  a.timer = setTimeout(() => {
    // timers run before I/O in a turn of the loop: an answer already in the pipe when the limit
    // passed (the thread was off the CPU, say) is read first, and then this check finds it answered
    setImmediate(() => {
      if (call !== a || a.last !== armed) return;
      // a long answer under way is judged when it ends (or passes the line limit), not cut off as silence
      if (a.child.midLine && !a.extended) {
        a.extended = true;
        armTimer(a);
        return;
      }
      discard(a.child);
      failRest(a, (elapsedMs) => ({ kind: 'timeout', limitMs: a.timeLimitMs, elapsedMs }));
    });
  }, Math.min(a.timeLimitMs, 2 ** 31 - 1));
}

function onLine(c: Child, ev: LineEvent): void {
  if (c !== child) return;
  const a = call;
  if (ev.kind === 'line' && ev.text.trim() === '') return; // blank lines are ignored
  if (a === undefined) {
    // nothing was asked: the stream is out of step, so restart and report it on the next call
    const value = ev.kind === 'bad' ? ev.value : `stdout line ${ev.n} ${quoteLine(ev.text)}`;
    idleFault = { kind: 'invalid', value, problems: [`stdout line ${ev.n} arrived while no request was outstanding (an answer to a request already answered?)`], elapsedMs: 0 };
    discard(c);
    return;
  }
  if (ev.kind === 'bad') {
    discard(c);
    failRest(a, (elapsedMs) => ({ kind: 'invalid', value: ev.value, problems: [ev.problem], elapsedMs }));
    return;
  }
  const d = resolver ? decodeResolutionAnswer(ev.text, ev.n) : decodeAnswer(ev.text, ev.n);
  if (d.kind === 'garbage') {
    discard(c);
    failRest(a, (elapsedMs) => ({ kind: 'invalid', value: d.value, problems: d.problems, elapsedMs }));
    return;
  }
  const index = a.pending.get(d.id);
  if (index === undefined) {
    const detail = `stdout line ${ev.n} answers id ${d.id}, which is not an outstanding request (${outstanding(a)})`;
    discard(c);
    failRest(a, (elapsedMs) => ({ kind: 'invalid', value: `stdout line ${ev.n} ${quoteLine(ev.text)}`, problems: [detail], elapsedMs }));
    return;
  }
  const now = performance.now();
  const elapsedMs = now - a.last;
  a.last = now;
  a.results[index] =
    d.kind === 'invalid' ? { kind: 'invalid', value: d.value, problems: d.problems, elapsedMs } : 'outcome' in d ? { kind: 'outcome', outcome: d.outcome, elapsedMs } : { kind: 'resolution', resolution: d.resolution, elapsedMs };
  a.pending.delete(d.id);
  a.extended = false;
  if (a.pending.size === 0) finishCall(a);
  else armTimer(a);
}

function onGone(c: Child, exit: ExitInfo): void {
  if (c !== child) return;
  child = undefined;
  const a = call;
  if (a !== undefined) {
    const detail = `the plugin process ${describeExit(exit)} with ${outstanding(a)}${stderrBlock(c)}`;
    failRest(a, () => ({ kind: 'crashed', detail }));
  } else {
    idleFault = { kind: 'crashed', detail: `the plugin process ${describeExit(exit)} while no request was outstanding (it must run until its stdin closes)${stderrBlock(c)}` };
  }
  respawn();
}

/** The child to send the next call to, starting (or waiting for) a replacement when needed. */
async function ready(): Promise<Child | string> {
  for (;;) {
    if (child !== undefined) return child;
    if (dead !== undefined) return dead;
    respawn();
    if (starting === undefined) return 'the plugin is being closed';
    await starting;
  }
}

async function handleCall(cases: readonly string[], timeLimitMs: number): Promise<CallResult[]> {
  if (idleFault !== undefined) {
    const fault = idleFault;
    idleFault = undefined;
    return cases.map(() => fault);
  }
  const c = await ready();
  if (typeof c === 'string') return cases.map(() => ({ kind: 'crashed', detail: c }));
  return new Promise((done) => {
    const now = performance.now();
    const a: ActiveCall = { child: c, results: cases.map(() => undefined), pending: new Map(), start: now, last: now, timer: undefined, extended: false, timeLimitMs, done };
    call = a;
    const lines = cases.map((body, index) => {
      const id = nextId++;
      a.pending.set(id, index);
      // the body comes written by protocol.ts, so that `id` comes first
      return `{"id":${id},${body}}\n`;
    });
    armTimer(a);
    c.write(lines.join(''));
  });
}

async function close(): Promise<string> {
  closing = true;
  if (starting !== undefined) await starting; // adopt() kills a replacement once closing
  const c = child;
  child = undefined;
  if (c === undefined) return 'not running';
  if (c.gone !== undefined) return describeExit(c.gone);
  return new Promise((resolve) => {
    const killer = setTimeout(() => c.endGroup(), 2000);
    c.onGone = (exit) => {
      clearTimeout(killer);
      resolve(describeExit(exit));
    };
    c.proc.stdin.end();
  });
}

const first = await start();
if ('error' in first) {
  reply({ kind: 'load-error', error: first.error });
  port.close();
} else {
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'close') {
      void close().then((exit) => {
        reply({ kind: 'closed', exit });
        port.close();
      });
      return;
    }
    void handleCall(message.requests, message.timeLimitMs).then((results) => reply({ kind: 'results', results }));
  });
  resolver = helloKind(first.hello) === 'kconfig-resolver';
  reply({ kind: 'ready', hello: first.hello });
}
