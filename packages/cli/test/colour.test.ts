import { describe, expect, it } from 'vitest';
import { colourWanted } from '../src/colour.js';
import { FIXTURES, run, type RunResult } from './helpers.js';

const ESC = '\u001b';
// a failing property, a passing one and one that does not apply: red, green and dim marks
const ARGV = ['conform', '--plugin', `${FIXTURES}/wrong-type-message.ts`, '--runs', '50', '--seed', '7', '--property', 'contract', '--property', 'table-equivalence', '--property', 'stub'];
let brokenOnTerminal: RunResult | undefined;
const coloured = () => (brokenOnTerminal ??= run(ARGV, { stdoutIsTTY: true, env: { TERM: 'xterm-256color' } }));
// a passing property and one that does not apply, in this thread: quick, for the rules
const QUICK = ['conform', '--builtin', 'vtd', '--profile', 'seed', '--runs', '3', '--seed', '7', '--property', 'contract', '--property', 'stub'];
const quick = (options: Parameters<typeof run>[1]) => run(QUICK, options);

// the broken plugin runs in a worker (once, shared), the rest in this thread; slower on a loaded machine
describe('colour in the conform report', { timeout: 30_000 }, () => {
  it('on a terminal: PASS green, FAIL red and bold, n/a dim, the verdict red; the marks alone, so columns still line up', () => {
    const r = coloured();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`  ${ESC}[32mPASS${ESC}[39m   contract`);
    expect(r.stdout).toContain(`  ${ESC}[1m${ESC}[31mFAIL${ESC}[39m${ESC}[22m   table-equivalence`);
    expect(r.stdout).toContain(`  ${ESC}[2mn/a${ESC}[22m    stub`);
    expect(r.stdout).toContain(`  ${ESC}[1m${ESC}[31mNOT CONFORMANT${ESC}[39m${ESC}[22m in `);
  });

  it('the plugin text in a coloured report is still escaped: the only escape codes are the colours', () => {
    const r = coloured();
    const codes = new Set([...r.stdout.matchAll(/\u001b\[(\d+)m/g)].map((m) => m[1]));
    expect([...codes].sort()).toEqual(['1', '2', '22', '31', '32', '39']);
    expect(r.stdout.replace(/\u001b\[\d+m/g, '')).not.toContain(ESC);
  });

  it('not a terminal (a pipe or a file): no escape codes at all', () => {
    const r = quick({ stdoutIsTTY: false, isTTY: false, env: { TERM: 'xterm-256color' } });
    expect(r.stdout + r.stderr).not.toContain(ESC);
    expect(r.stdout).toContain('  PASS   contract');
  });

  it('NO_COLOR (any non-empty value) wins over a terminal and over FORCE_COLOR', () => {
    expect(quick({ stdoutIsTTY: true, env: {} }).stdout).toContain(`  ${ESC}[32mPASS${ESC}[39m   contract`);
    expect(quick({ stdoutIsTTY: true, env: { NO_COLOR: '1' } }).stdout).not.toContain(ESC);
    expect(quick({ stdoutIsTTY: true, env: { NO_COLOR: 'yes', FORCE_COLOR: '1' } }).stdout).not.toContain(ESC);
    expect(quick({ stdoutIsTTY: true, env: { NO_COLOR: '' } }).stdout).toContain(ESC);
  });

  it('TERM=dumb: no escape codes at all, not even the progress line on a terminal stderr', () => {
    expect(quick({ stdoutIsTTY: true, isTTY: true, env: { TERM: 'xterm' } }).stderr).toContain(`\r${ESC}[2K`);
    const r = quick({ stdoutIsTTY: true, isTTY: true, env: { TERM: 'dumb', FORCE_COLOR: '1' } });
    expect(r.stdout + r.stderr).not.toContain(ESC);
    expect(r.stderr).toBe('');
  });

  it('FORCE_COLOR colours a report that goes to a pipe; FORCE_COLOR=0 or false does not, even on a terminal', () => {
    expect(quick({ stdoutIsTTY: false, env: { FORCE_COLOR: '1' } }).stdout).toContain(`${ESC}[32mPASS`);
    expect(quick({ stdoutIsTTY: true, env: { FORCE_COLOR: '0' } }).stdout).not.toContain(ESC);
    expect(quick({ stdoutIsTTY: true, env: { FORCE_COLOR: 'false' } }).stdout).not.toContain(ESC);
  });

  it('with --json - the report goes to stderr, coloured by what stderr is, and the JSON never has colour', () => {
    const onTerminal = run([...QUICK, '--json', '-'], { stdoutIsTTY: false, isTTY: true, env: { CI: 'true' } });
    expect(onTerminal.stderr).toContain(`${ESC}[32mPASS`);
    expect(onTerminal.stdout).not.toContain(ESC);
    expect(JSON.parse(onTerminal.stdout)).toMatchObject({ hiodkit: 'conformance-run' });
    const piped = run([...QUICK, '--json', '-'], { stdoutIsTTY: true, isTTY: false, env: {} });
    expect(piped.stderr + piped.stdout).not.toContain(ESC);
  });
});

describe('colourWanted', () => {
  it.each([
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{ TERM: 'dumb' }, true, false],
    [{ TERM: 'dumb', FORCE_COLOR: '1' }, false, false],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '3' }, false, true],
    [{ FORCE_COLOR: '' }, false, false],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ NO_COLOR: 'x', FORCE_COLOR: '1' }, true, false],
  ] as const)('%o, terminal %s: %s', (env, isTTY, wanted) => {
    expect(colourWanted(env, isTTY)).toBe(wanted);
  });
});
