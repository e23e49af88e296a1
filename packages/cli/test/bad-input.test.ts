import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BAD_INPUT_AREAS, BAD_INPUT_CASES, type BadInputCase } from './bad-input-cases.js';
import { CLI_DIR, FIXTURES, hasStackTrace, makeTempDir, removeTempDir, run, runBin, runChild, type RunResult } from './helpers.js';
import { BAD_INPUT_DOC, renderBadInputDoc } from './render-bad-input-doc.js';

/** The bytes of a file entry's text in its encoding. */
function encoded(text: string, encoding: 'utf16le' | 'utf16be' | 'latin1' | undefined): Buffer {
  if (encoding === undefined) return Buffer.from(text, 'utf8');
  if (encoding === 'utf16be') return Buffer.from(text, 'utf16le').swap16();
  return Buffer.from(text, encoding);
}

function substitute(text: string, dir: string): string {
  return text.replaceAll('{tmp}', dir).replaceAll('{node}', process.execPath).replaceAll('{fixtures}', FIXTURES).replaceAll('{hosts}', join(CLI_DIR, 'hosts')).replaceAll('{machines}', join(CLI_DIR, 'fixtures', 'machines'));
}

/**
 * Creates the case's files under a fresh temp dir; returns the dir, which `finished` (the test's
 * onTestFinished: a concurrent test passes its context's) removes, modes given back first.
 */
function prepare(c: BadInputCase, finished: typeof onTestFinished = onTestFinished): string {
  const dir = makeTempDir('hiodkit-bad-input-');
  /** paths whose mode the case took away, given back before the tree is removed */
  const restricted: string[] = [];
  finished(() => {
    for (const path of restricted) chmodSync(path, 0o700);
    removeTempDir(dir);
  });
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

describe.each(BAD_INPUT_AREAS.filter((area) => BAD_INPUT_CASES.some((c) => c.area === area && c.child === undefined)))('bad input: %s', (area) => {
  const cases = BAD_INPUT_CASES.filter((c) => c.area === area && c.child === undefined);
  // a case that starts a plugin waits for it to start, and for some to time out
  const timeout = area === 'plugin module' || area === 'protocol' ? 30_000 : 10_000;

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const dir = prepare(c);
    const started = performance.now();
    const r = run(c.argv.map((a) => substitute(a, dir)), { cwd: dir, ...(c.env ? { env: c.env } : {}) });
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

  // each waits on a process of its own: side by side (vitest's maxConcurrency, five at a time)
  it.concurrent.for(children.map((c) => c.id))('%s', { timeout: 30_000 }, async (id, { onTestFinished: finished }) => {
    const c = children.find((child) => child.id === id) as BadInputCase;
    const dir = prepare(c, finished);
    const r = await runChild(c.argv.map((a) => substitute(a, dir)), {
      env: { ...process.env, ...c.env },
      ...(c.child === 'stdout-closed' ? { stdout: 'closed' as const } : c.child === 'stdout-full' ? { stdout: 'full' as const } : {}),
      unprivileged: c.child === 'unprivileged',
      timeoutMs: 20_000,
    });
    expect(r.signal, 'killed: it did not end in time').toBeNull();
    check(c, r, dir);
  });
});
