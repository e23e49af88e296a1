import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BAD_INPUT_AREAS, BAD_INPUT_CASES, type BadInputCase } from './bad-input-cases.js';
import { CLI_DIR, FIXTURES, hasStackTrace, makeTempDir, removeTempDir, run, runBin, runChild, type RunResult } from './helpers.js';
import { BAD_INPUT_DOC, renderBadInputDoc } from './render-bad-input-doc.js';

let tmp: string | undefined;
/** paths whose mode a case took away, given back before the tree is removed */
let restricted: string[] = [];
afterEach(() => {
  for (const path of restricted) chmodSync(path, 0o700);
  restricted = [];
  if (tmp !== undefined) removeTempDir(tmp);
  tmp = undefined;
});

/** The bytes of a file entry's text in its encoding. */
function encoded(text: string, encoding: 'utf16le' | 'utf16be' | 'latin1' | undefined): Buffer {
  if (encoding === undefined) return Buffer.from(text, 'utf8');
  if (encoding === 'utf16be') return Buffer.from(text, 'utf16le').swap16();
  return Buffer.from(text, encoding);
}

function substitute(text: string, dir: string): string {
  return text.replaceAll('{tmp}', dir).replaceAll('{node}', process.execPath).replaceAll('{fixtures}', FIXTURES).replaceAll('{hosts}', join(CLI_DIR, 'hosts')).replaceAll('{machines}', join(CLI_DIR, 'fixtures', 'machines'));
}

/** Creates the case's files under a fresh temp dir; returns the dir. */
function prepare(c: BadInputCase): string {
  const dir = makeTempDir('hiodkit-bad-input-');
  tmp = dir;
  const modes: [string, number][] = [];
  for (const [relative, entry] of Object.entries(c.files ?? {})) {
    const path = join(dir, relative);
    mkdirSync(dirname(path), { recursive: true });
    switch (entry.kind) {
      case 'dir':
        mkdirSync(path, { recursive: true });
        break;
      case 'file':
        writeFileSync(path, encoded(substitute(entry.text, dir), entry.encoding));
        break;
      case 'symlink':
        symlinkSync(substitute(entry.target, dir), path);
        break;
      case 'zeros':
        writeFileSync(path, Buffer.alloc(entry.bytes));
        break;
      case 'sparse':
        writeFileSync(path, '');
        truncateSync(path, entry.bytes);
        break;
      case 'fifo':
        execFileSync('mkfifo', [path]);
        break;
    }
    if ((entry.kind === 'file' || entry.kind === 'dir') && entry.mode !== undefined) modes.push([path, entry.mode]);
  }
  // innermost first, so a directory is closed only once what is inside it is set
  for (const [path, mode] of modes.reverse()) {
    chmodSync(path, mode);
    restricted.unshift(path);
  }
  return dir;
}

/** What a terminal would act on or hide, a line break aside: never printed, whatever the input held. */
const TERMINAL_UNSAFE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;

function check(c: BadInputCase, r: RunResult, dir: string): void {
  const where = c.stream === 'stdout' ? r.stdout : r.stderr;
  const shown = `exit ${r.code}\n--- stdout\n${r.stdout.slice(0, 2000)}\n--- stderr\n${r.stderr.slice(0, 2000)}`;
  expect(r.code, shown).toBe(c.expectedCode);
  if (c.messageMustContain.length === 0) expect(r.stderr, shown).toBe('');
  for (const fragment of c.messageMustContain) expect(where, shown).toContain(substitute(fragment, dir));
  expect(hasStackTrace(r.stdout), shown).toBe(false);
  expect(hasStackTrace(r.stderr), shown).toBe(false);
  expect(r.stderr + r.stdout, shown).not.toMatch(/: internal error: /);
  expect(r.stderr + r.stdout, shown).not.toMatch(TERMINAL_UNSAFE);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
}

describe('the bad-input table', () => {
  it(`has at least 45 cases, unique ids, every area covered`, () => {
    expect(BAD_INPUT_CASES.length).toBeGreaterThanOrEqual(45);
    expect(new Set(BAD_INPUT_CASES.map((c) => c.id)).size).toBe(BAD_INPUT_CASES.length);
    for (const area of BAD_INPUT_AREAS) expect(BAD_INPUT_CASES.filter((c) => c.area === area).length, area).toBeGreaterThan(0);
  });

  it('docs/BAD-INPUT.md is the rendering of the table (regenerate with render-bad-input-doc.ts --write)', () => {
    expect(existsSync(BAD_INPUT_DOC)).toBe(true);
    expect(readFileSync(BAD_INPUT_DOC, 'utf8')).toBe(renderBadInputDoc());
  });
});

/**
 * Areas whose cases start a plugin: run by the built binary, whose kit starts its plugin workers as
 * JavaScript (in this process, from the sources, each worker would first start tsx: a second).
 */
const THROUGH_THE_BINARY: ReadonlySet<string> = new Set(['plugin module', 'protocol']);

describe.each(BAD_INPUT_AREAS.filter((area) => BAD_INPUT_CASES.some((c) => c.area === area && c.child === undefined)))('bad input: %s', (area) => {
  const cases = BAD_INPUT_CASES.filter((c) => c.area === area && c.child === undefined);
  const timeout = THROUGH_THE_BINARY.has(area) ? 30_000 : 10_000;

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const dir = prepare(c);
    const started = performance.now();
    const argv = c.argv.map((a) => substitute(a, dir));
    const r = THROUGH_THE_BINARY.has(area) ? runBin(argv, { cwd: dir, env: { ...process.env, ...c.env } }) : run(argv, { cwd: dir, ...(c.env ? { env: c.env } : {}) });
    const elapsed = performance.now() - started;
    check(c, r, dir);
    // refused by size or depth before anything is parsed, or read no further than the bound
    if (['host-50-mb', 'host-deep-nesting', 'host-sparse-1-tib', 'host-proc-pagemap', 'sysfs-cap-sparse', 'sysfs-cap-pagemap'].includes(c.id)) expect(elapsed).toBeLessThan(1000);
  }, timeout);
});

describe('bad input through the real binary', () => {
  const spawned = BAD_INPUT_CASES.filter((c) => c.spawn === true);

  it('spawns a handful of cases', () => {
    expect(spawned.length).toBeGreaterThanOrEqual(4);
    expect(spawned.length).toBeLessThanOrEqual(8);
    // a case that starts a plugin runs through the binary already
    expect(spawned.filter((c) => THROUGH_THE_BINARY.has(c.area)).map((c) => c.id)).toEqual([]);
  });

  it.each(spawned.map((c) => [c.id, c] as const))('%s: the same exit code and message from the process', (_id, c) => {
    const dir = prepare(c);
    const r = runBin(c.argv.map((a) => substitute(a, dir)), { env: { ...process.env, ...c.env } });
    expect(r.signal).toBeNull();
    check(c, r, dir);
  }, 60_000);
});

describe('bad input only a child process can have', () => {
  const children = BAD_INPUT_CASES.filter((c) => c.child !== undefined);

  it.each(children.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const dir = prepare(c);
    const r = await runChild(c.argv.map((a) => substitute(a, dir)), {
      env: { ...process.env, ...c.env },
      ...(c.child === 'stdout-closed' ? { stdout: 'closed' as const } : c.child === 'stdout-full' ? { stdout: 'full' as const } : {}),
      unprivileged: c.child === 'unprivileged',
      timeoutMs: 20_000,
    });
    expect(r.signal, 'killed: it did not end in time').toBeNull();
    check(c, r, dir);
  }, 30_000);
});
