import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sample } from './fixtures/protocol/sample-case.js';
import { PluginLoadError, caseFromJson, caseToJson, runConformance, schemaProblems, type Invocation } from '../src/index.js';
import { processPlugin, type ProcessCommand, type ProcessPluginHandle } from '../src/plugins/process-plugin.js';
import { KIT_HELLO, decodeAnswer, decodeHello, encodeRequest } from '../src/plugins/protocol.js';

const SEED = 20_260_106;
const FIXTURES = fileURLToPath(new URL('./fixtures/protocol/', import.meta.url));
const C_SOURCE = fileURLToPath(new URL('../../../examples/c-plugin/plugin.c', import.meta.url));

let dir = '';
let cPlugin = '';
let cFaulty = '';

function compile(out: string, defines: string[]): string {
  const binary = join(dir, out);
  try {
    execFileSync('cc', ['-std=c11', '-O2', '-Wall', '-Wextra', ...defines, '-o', binary, C_SOURCE], { stdio: 'pipe' });
  } catch (e) {
    const err = e as { code?: string; stderr?: Buffer };
    if (err.code === 'ENOENT') throw new Error('the C example plugin needs a C compiler: `cc` was not found on PATH (install gcc or clang)');
    throw new Error(`cc failed to compile ${C_SOURCE}:\n${err.stderr?.toString() ?? String(e)}`);
  }
  return binary;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hiodkit-c-plugin-'));
  cPlugin = compile('plugin', []);
  cFaulty = compile('plugin-faulty', ['-DPLANT_FAULT']);
}, 60_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** A scripted Node plugin under test/fixtures/protocol. */
const script = (name: string, ...args: string[]): ProcessCommand => ({ command: process.execPath, args: [join(FIXTURES, name), ...args] });

/** Opens a plugin, runs `body`, always closes it. */
function withPlugin<T>(command: ProcessCommand, options: Parameters<typeof processPlugin>[1], body: (p: ProcessPluginHandle) => T): T {
  const plugin = processPlugin(command, options);
  try {
    return body(plugin);
  } finally {
    plugin.close();
  }
}

const echoed = (awBits: number): Invocation => ({ kind: 'outcome', outcome: { ok: false, error: { message: `aw-bits ${awBits}`, hints: [] } }, elapsedMs: expect.any(Number) as number });

describe('the C example plugin over the process protocol', () => {
  it('conforms to the seed profile', { timeout: 30_000 }, () => {
    const report = withPlugin({ command: cPlugin }, { timeLimitMs: 1000 }, (plugin) => runConformance(plugin, { seed: SEED, numRuns: 150, timeLimitMs: 1000 }));
    expect(report.plugin).toMatchObject({ name: 'c-example', isolation: 'process', implements: { profile: 'seed', kconfig: { VTD_ACCEL: true } } });
    expect(report.properties.filter((p) => p.status !== 'passed' && p.status !== 'not-applicable').map((p) => [p.id, p.failure?.summary])).toEqual([]);
    expect(report.conformant).toBe(true);
    expect(schemaProblems('report.schema.json', JSON.parse(JSON.stringify(report)), 'report')).toEqual([]);
  });

  it('is caught by table-equivalence when built with -DPLANT_FAULT (FS1GP read from bit 55)', { timeout: 30_000 }, () => {
    const report = withPlugin({ command: cFaulty }, { timeLimitMs: 1000 }, (plugin) => runConformance(plugin, { seed: SEED, numRuns: 150, timeLimitMs: 1000 }));
    expect(report.plugin.name).toBe('c-example (planted fault)');
    expect(report.conformant).toBe(false);
    const table = report.properties.find((p) => p.id === 'table-equivalence');
    expect(table?.status).toBe('failed');
    const failure = table?.failure;
    expect(failure?.cases.length).toBeGreaterThan(0);
    expect(failure?.path).toMatch(/^\d+(:\d+)*$/);
    // the counterexample is a valid case whose cap_reg bits 55 and 56 differ, with fs1gp and x-flts on
    const c = caseFromJson(failure?.cases[0]?.case);
    const cap = c.device.caps.vendorCaps.vtd.capReg;
    expect(((cap >> 55n) & 1n) !== ((cap >> 56n) & 1n)).toBe(true);
    expect(c.guest.props.flts && c.guest.props.fs1gp).toBe(true);
  });
});

describe('the protocol, driven by scripted plugins', () => {
  it('writes a hello and schema-valid request lines (u64 as "0x…" strings), with unique ids', () => {
    const record = join(dir, 'recorded.jsonl');
    withPlugin(script('good.mjs', record), { timeLimitMs: 2000 }, (plugin) => {
      expect(plugin.invoke(sample(39))).toEqual(echoed(39));
      expect(plugin.invokeBatch([sample(40), sample(41)])).toEqual([echoed(40), echoed(41)]);
    });
    const lines = readFileSync(record, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0] ?? '')).toEqual(KIT_HELLO);
    const requests = lines.slice(1).map((l) => JSON.parse(l) as { id: number; device: { caps: { vendorCaps: { vtd: { capReg: unknown } } } } });
    expect(requests).toHaveLength(3);
    for (const r of requests) expect(schemaProblems('protocol-request.schema.json', r, 'request')).toEqual([]);
    expect(new Set(requests.map((r) => r.id)).size).toBe(3);
    expect(requests[0]?.device.caps.vendorCaps.vtd.capReg).toBe('0x100000000000000');
    // the encoder the kit uses is the one the schema accepts, and it puts the id first
    const line = encodeRequest(7, caseToJson(sample()));
    expect(line.startsWith('{"id":7,"guest":')).toBe(true);
    expect(schemaProblems('protocol-request.schema.json', JSON.parse(line), 'request')).toEqual([]);
    expect(schemaProblems('protocol-request.schema.json', { ...JSON.parse(line), id: -1 }, 'request')).toEqual(['request.id: must be >= 0']);
  });

  it('reads the hello: name, declaration and knownFailures; validates hello lines by the schema', () => {
    withPlugin(script('good.mjs'), { timeLimitMs: 1000 }, (plugin) => {
      expect(plugin).toMatchObject({ name: 'good', isolation: 'process', declaration: { profile: 'seed', kconfig: { VTD_ACCEL: true } }, knownFailures: [] });
      expect(plugin.pid).toBeGreaterThan(0);
    });
    expect(decodeHello('{"hiodkit":"hello","protocol":1,"name":"x","implements":{"profile":"seed","kconfig":{"VTD_ACCEL":false}},"knownFailures":["stub"]}', 1)).toMatchObject({ ok: true });
    expect(decodeHello('{"hiodkit":"hello","protocol":1,"name":"","implements":{"profile":"seed","kconfig":{"VTD_ACCEL":false}}}', 1)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('hello.name: must NOT have fewer than 1 characters') as string,
    });
  });

  it('decodes answer lines by the schema, naming the line and the field', () => {
    expect(decodeAnswer('{"id":4,"outcome":{"ok":false,"error":{"message":"m","hints":["h"]}}}', 5)).toEqual({ kind: 'answer', id: 4, outcome: { ok: false, error: { message: 'm', hints: ['h'] } } });
    expect(decodeAnswer('{"outcome":{"ok":true}}', 5)).toEqual({ kind: 'garbage', value: 'stdout line 5 "{\\"outcome\\":{\\"ok\\":true}}"', problems: ["stdout line 5: answer: must have required property 'id'"] });
    expect(decodeAnswer('{"id":4,"outcome":{"ok":true,"error":null}}', 5)).toMatchObject({ kind: 'invalid', id: 4, problems: ['stdout line 5: answer.outcome: has unexpected property "error"'] });
    expect(decodeAnswer('{"id":4,"outcome":{"ok":true},"extra":1}', 5)).toMatchObject({ kind: 'invalid', id: 4, problems: ['stdout line 5: answer: has unexpected property "extra"'] });
  });

  it('refuses a key given twice in one object, naming it: JSON.parse would keep the last', () => {
    const twice = (path: string) => `stdout line 5: answer.${path}: is given twice in the same object; which one counts would be a guess`;
    expect(decodeAnswer('{"id":4,"outcome":{"ok":false,"error":{"message":"a","message":"b","hints":[]}}}', 5)).toMatchObject({ kind: 'invalid', id: 4, problems: [twice('outcome.error.message')] });
    expect(decodeAnswer('{"id":4,"outcome":{"ok":true,"ok":false}}', 5)).toMatchObject({ kind: 'invalid', id: 4, problems: [twice('outcome.ok')] });
    expect(decodeAnswer('{"id":4,"id":5,"outcome":{"ok":true}}', 5)).toMatchObject({ kind: 'garbage', problems: [twice('id')] });
    const hello = decodeHello('{"hiodkit":"hello","protocol":1,"name":"a","name":"b","implements":{"profile":"seed","kconfig":{"VTD_ACCEL":true}}}', 1);
    expect(hello).toMatchObject({ ok: false, reason: expect.stringContaining('its hello (stdout line 1) is invalid: hello.name: is given twice in the same object') as string });
  });

  it('matches answers to a batch answered out of order', () => {
    withPlugin(script('good.mjs', '--reverse', '3'), { timeLimitMs: 2000 }, (plugin) => {
      expect(plugin.invokeBatch([sample(39), sample(48), sample(52)])).toEqual([echoed(39), echoed(48), echoed(52)]);
      expect(plugin.invokeBatch([sample(1), sample(2), sample(3)])).toEqual([echoed(1), echoed(2), echoed(3)]);
    });
  });

  it('a line that is not JSON: invalid, naming the line and quoting it; the plugin is restarted', () => {
    withPlugin(script('bad-answer.mjs', 'not-json', join(dir, 'not-json.marker')), { timeLimitMs: 2000 }, (plugin) => {
      const pid = plugin.pid;
      const inv = plugin.invoke(sample());
      expect(inv).toMatchObject({ kind: 'invalid', value: 'stdout line 2 "OK: accept"' });
      expect(inv.kind === 'invalid' && inv.problems).toEqual([expect.stringMatching(/^stdout line 2 is not JSON \(Unexpected token .*\)$/)]);
      expect(plugin.invoke(sample(39))).toEqual(echoed(39)); // a fresh process: its first answer is fine
      expect(plugin.pid).not.toBe(pid);
    });
  });

  it('a schema-invalid answer (the outcome lacks hints): invalid, naming the line and the field', () => {
    withPlugin(script('bad-answer.mjs', 'invalid'), { timeLimitMs: 2000 }, (plugin) => {
      const pid = plugin.pid;
      const inv = plugin.invoke(sample());
      expect(inv).toMatchObject({ kind: 'invalid', value: expect.stringMatching(/^stdout line 2 "\{\\"id\\":1,\\"outcome\\"/) as string });
      expect(inv.kind === 'invalid' && inv.problems).toEqual(["stdout line 2: answer.outcome.error: must have required property 'hints'"]);
      expect(plugin.invoke(sample(40))).toEqual(echoed(40)); // the same process goes on
      expect(plugin.pid).toBe(pid);
    });
  });

  it('an answer with an id the kit did not ask: invalid, naming the id and the outstanding ones', () => {
    withPlugin(script('bad-answer.mjs', 'unknown-id'), { timeLimitMs: 2000 }, (plugin) => {
      const inv = plugin.invoke(sample());
      expect(inv).toMatchObject({ kind: 'invalid', value: expect.stringMatching(/^stdout line 2 "\{\\"id\\":1001,/) as string });
      expect(inv.kind === 'invalid' && inv.problems).toEqual(['stdout line 2 answers id 1001, which is not an outstanding request (1 request(s) outstanding (id 1))']);
    });
  });

  it('an answer for a request already answered: invalid', () => {
    withPlugin(script('bad-answer.mjs', 'twice'), { timeLimitMs: 2000 }, (plugin) => {
      expect(plugin.invoke(sample(39))).toEqual(echoed(39));
      const inv = plugin.invoke(sample(40));
      expect(inv).toMatchObject({ kind: 'invalid', value: expect.stringMatching(/^stdout line 3 /) as string });
      expect(inv.kind === 'invalid' && inv.problems[0]).toMatch(/^stdout line 3 (arrived while no request was outstanding|answers id 1, which is not an outstanding request)/);
    });
  });

  it('a line longer than the limit: invalid, without waiting for its end', () => {
    withPlugin(script('bad-answer.mjs', 'long-line'), { timeLimitMs: 2000, maxLineBytes: 1000 }, (plugin) => {
      const inv = plugin.invoke(sample());
      expect(inv).toMatchObject({ kind: 'invalid', problems: ['stdout line 2 is longer than the 1000-byte line limit'] });
      expect(inv.kind === 'invalid' && inv.value.length).toBeLessThan(260);
    });
  });

  it('a huge answer still arriving when the limit passes is reported as too long, not as a timeout', () => {
    withPlugin(script('bad-answer.mjs', 'slow-long-line'), { timeLimitMs: 300 }, (plugin) => {
      const inv = plugin.invoke(sample());
      expect(inv).toMatchObject({ kind: 'invalid', problems: ['stdout line 2 is longer than the 1048576-byte line limit'] });
    });
  });

  it('a silent plugin: timeout, killed and restarted; the next call works', () => {
    const marker = join(dir, 'silent-once.marker');
    withPlugin(script('bad-answer.mjs', 'silent-once', marker), { timeLimitMs: 1000 }, (plugin) => {
      const pid = plugin.pid as number;
      const start = performance.now();
      const inv = plugin.invoke(sample());
      expect(inv).toMatchObject({ kind: 'timeout', limitMs: 1000 });
      expect(inv.kind === 'timeout' && inv.elapsedMs).toBeGreaterThanOrEqual(999);
      expect(performance.now() - start).toBeLessThan(5000);
      expect(existsSync(marker)).toBe(true);
      expect(plugin.invoke(sample(41))).toEqual(echoed(41));
      expect(plugin.pid).not.toBe(pid);
      expect(() => process.kill(pid, 0)).toThrow(); // SIGKILLed
    });
  });

  it('a plugin that exits mid-run: crashed, with the exit code and the last 20 stderr lines; then restarted', () => {
    withPlugin(script('bad-answer.mjs', 'exit-mid-run'), { timeLimitMs: 2000 }, (plugin) => {
      expect(plugin.invoke(sample(1))).toEqual(echoed(1));
      expect(plugin.invoke(sample(2))).toEqual(echoed(2));
      const inv = plugin.invoke(sample(3));
      expect(inv.kind).toBe('crashed');
      const detail = inv.kind === 'crashed' ? inv.detail : '';
      expect(detail).toMatch(/^the plugin process exited with code 3 with 1 request\(s\) outstanding \(id 3\); its last 20 stderr line\(s\):\n {2}\| diagnostic line 7\n/);
      expect(detail).toMatch(/\| diagnostic line 25\n {2}\| fatal: cannot decode capReg$/);
      expect(detail).not.toContain('diagnostic line 6\n');
      expect(plugin.invoke(sample(4))).toEqual(echoed(4)); // a fresh process
    });
  });

  it.each([0, 2, 5])('a plugin that crashes on every case is called timeoutBudget + 1 times on its own, shrinking included (budget %i)', (budget) => {
    const starts = join(dir, `starts-${budget}`);
    const report = withPlugin(script('bad-answer.mjs', 'crash-always', starts), { timeLimitMs: 2000 }, (plugin) =>
      runConformance(plugin, { seed: SEED, numRuns: 50, properties: ['contract'], timeoutBudget: budget }),
    );
    const contract = report.properties[0];
    expect(contract?.status).toBe('failed');
    expect(contract?.failure?.summary).toMatch(/^the plugin crashed: the plugin process exited with code 3/);
    // the first process, its replacement after the batch that crashed, and one after each of the budget + 1 crashing calls
    expect(readFileSync(starts, 'utf8').trim().split('\n')).toHaveLength(budget + 3);
    expect(contract?.calls).toBe(budget + 1);
  });

  it('closing stdin ends the plugin (it exits 0)', () => {
    const plugin = processPlugin(script('good.mjs'), { timeLimitMs: 1000 });
    const pid = plugin.pid as number;
    expect(plugin.invoke(sample(39))).toEqual(echoed(39));
    plugin.close();
    expect(plugin.exitStatus).toBe('exited with code 0');
    expect(() => process.kill(pid, 0)).toThrow();
    expect(plugin.invoke(sample())).toEqual({ kind: 'crashed', detail: 'the plugin handle was closed' });
  });
});

describe('a failed handshake is a PluginLoadError with a one-line reason', () => {
  function loadError(command: ProcessCommand, startupTimeoutMs?: number): Error {
    try {
      processPlugin(command, { timeLimitMs: 1000, ...(startupTimeoutMs !== undefined ? { startupTimeoutMs } : {}) }).close();
    } catch (e) {
      return e as Error;
    }
    throw new Error('the handshake was expected to fail');
  }
  const prefix = (mode: string) => `plugin ${process.execPath} ${join(FIXTURES, 'bad-hello.mjs')} ${mode}: `;

  it.each([
    ['a protocol number the kit does not speak', 'protocol', /it speaks protocol 3, but this kit speaks protocols 1 and 2 only/],
    ['a hello that is not JSON', 'not-json', /its hello \(stdout line 1\) is not JSON \(Unexpected token .*\): "hello, kit!"/],
    ['an invalid hello', 'invalid', /its hello \(stdout line 1\) is invalid: hello\.implements\.kconfig\.VTD_ACCEL: must be boolean: ".*"/],
    ['exiting before the hello', 'exit', /it exited with code 4 before sending its hello \(stderr: "cannot open \/etc\/my-plugin\.conf"\)/],
    ['never saying hello', 'silent', /it did not send its hello within 400 ms/],
  ] as const)('%s', (_what, mode, pattern) => {
    const start = performance.now();
    // only the silent plugin waits out its startup time; the others get enough for a busy machine
    const error = loadError(script('bad-hello.mjs', mode), mode === 'silent' ? 400 : 20_000);
    expect(error).toBeInstanceOf(PluginLoadError);
    expect(error.message.startsWith(prefix(mode))).toBe(true);
    expect(error.message.slice(prefix(mode).length)).toMatch(new RegExp(`^${pattern.source}$`));
    expect(error.message).not.toContain('\n');
    expect(performance.now() - start).toBeLessThan(20_000);
  });

  it('a command that does not exist', () => {
    const error = loadError({ command: join(dir, 'no-such-plugin') });
    expect(error).toBeInstanceOf(PluginLoadError);
    expect(error.message).toMatch(/^plugin \S+no-such-plugin: it could not be started \(spawn \S+ ENOENT\) before sending its hello$/);
  });
});
