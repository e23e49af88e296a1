import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitCommandLine } from '../src/args.js';
import { CLI_DIR, hasStackTrace, run } from './helpers.js';

/*
 * The root README's `npx -y pnpm@10 hiodkit …` commands, run as pnpm runs its script (from the
 * repository root); a ```text block right after a ```sh block is output those commands print,
 * every line of it somewhere in their output.
 */
const ROOT = join(CLI_DIR, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const PREFIX = 'npx -y pnpm@10 hiodkit ';

interface Example {
  readonly commands: readonly string[];
  readonly output: readonly string[];
}

function examples(): Example[] {
  const blocks = [...README.matchAll(/```(sh|text)\n([\s\S]*?)```/g)].map((m) => ({ kind: m[1] as string, body: m[2] as string }));
  const out: Example[] = [];
  blocks.forEach((b, i) => {
    if (b.kind !== 'sh') return;
    const commands = b.body.split('\n').filter((l) => l.startsWith(PREFIX)).map((l) => l.slice(PREFIX.length).replace(/\s+#.*$/, ''));
    if (commands.length === 0) return;
    const next = blocks[i + 1];
    out.push({ commands, output: next?.kind === 'text' ? next.body.split('\n').filter((l) => l.trim() !== '') : [] });
  });
  return out;
}

describe('the README\'s hiodkit commands', () => {
  const all = examples();

  it('has the Will-my-VM-start examples: a command line, a whole machine and a libvirt domain', () => {
    const commands = all.flatMap((e) => e.commands).join('\n');
    for (const form of ['--qemu-args', '--libvirt', '--sysfs packages/cli/fixtures/machines/']) expect(commands).toContain(form);
  });

  it.each(all.map((e, i) => [i, e] as const))('example %i runs in a fresh clone and prints what the README shows', (_i, e) => {
    let printed = '';
    for (const command of e.commands) {
      const r = run(splitCommandLine(command), { cwd: ROOT });
      expect(r.code, `${command}\n${r.stderr}`).toBeLessThanOrEqual(1);
      expect(hasStackTrace(r.stdout + r.stderr)).toBe(false);
      printed += r.stdout;
    }
    for (const line of e.output) expect(printed, line).toContain(line);
  });
});
