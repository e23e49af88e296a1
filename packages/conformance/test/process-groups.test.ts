import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createProcessGroupRegistry, endAllGroups, processPlugin } from '../src/index.js';
import { sample } from './fixtures/protocol/sample-case.js';
import { SPAWNING, claimSlot, recordGroup } from '../src/plugins/process-groups.js';
import { groupGone, isRunning, killGroupQuietly } from '../../../test/support/process-table.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/protocol/', import.meta.url));
const WRAPPER = fileURLToPath(new URL('../../../test/support/plugin-wrapper.sh', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hiodkit-groups-'));
const groups: number[] = [];
afterEach(() => {
  // a restarted plugin's wrapper rewrites its pid file: what the files say now is ended too
  const written = readdirSync(dir).filter((f) => f.startsWith('pids-')).map((f) => Number(readFileSync(join(dir, f), 'utf8').split(' ')[0]));
  for (const g of [...groups.splice(0), ...written]) killGroupQuietly(g);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** The wrapper around a scripted plugin; `pids()` reads the wrapper's and the grandchild's pids it wrote. */
function wrapped(...plugin: string[]) {
  const file = join(dir, `pids-${++n}`);
  return {
    command: { command: WRAPPER, args: [file, process.execPath, ...plugin.map((p, i) => (i === 0 ? join(FIXTURES, p) : p))] },
    pids(): { wrapper: number; grandchild: number } {
      const [wrapper = 0, grandchild = 0] = readFileSync(file, 'utf8').trim().split(' ').map(Number);
      groups.push(wrapper);
      return { wrapper, grandchild };
    },
  };
}

describe('a plugin runs in a process group of its own, and the whole group ends with it', () => {
  it('on a timeout: the wrapper, the plugin and the grandchild that ignores SIGTERM', async () => {
    const w = wrapped('bad-answer.mjs', 'silent-once', join(dir, 'silent.marker'));
    const plugin = processPlugin(w.command, { timeLimitMs: 500 });
    try {
      const { wrapper, grandchild } = w.pids();
      expect(plugin.pid).toBe(wrapper);
      expect(isRunning(grandchild)).toBe(true);
      expect(plugin.invoke(sample()).kind).toBe('timeout');
      expect(await groupGone(wrapper)).toEqual([]);
      expect(isRunning(grandchild)).toBe(false);
      expect(plugin.invoke(sample(41)).kind).toBe('outcome'); // the restarted plugin, in a group of its own
      expect(plugin.pid).not.toBe(wrapper);
      groups.push(plugin.pid as number);
    } finally {
      plugin.close();
    }
  });

  it('on a crash: what the crashed plugin left behind is ended', async () => {
    const w = wrapped('bad-answer.mjs', 'exit-mid-run');
    const plugin = processPlugin(w.command, { timeLimitMs: 2000 });
    try {
      const { wrapper } = w.pids();
      for (const bits of [1, 2]) expect(plugin.invoke(sample(bits)).kind).toBe('outcome');
      expect(plugin.invoke(sample(3)).kind).toBe('crashed');
      expect(await groupGone(wrapper)).toEqual([]);
    } finally {
      plugin.close();
    }
  });

  it('at the end of the run: closing the handle ends the group, though the plugin itself exits cleanly', async () => {
    const w = wrapped('good.mjs');
    const plugin = processPlugin(w.command, { timeLimitMs: 1000 });
    const { wrapper, grandchild } = w.pids();
    expect(plugin.invoke(sample(39)).kind).toBe('outcome');
    plugin.close();
    expect(plugin.exitStatus).toBe('exited with code 0');
    expect(await groupGone(wrapper)).toEqual([]);
    expect(isRunning(grandchild)).toBe(false);
  });
});

describe('ending every group (a signal to hiodkit)', () => {
  it('waits for a plugin caught between fork and its pid being recorded, and ends it too', async () => {
    const registry = createProcessGroupRegistry();
    const slot = claimSlot(registry);
    recordGroup(slot, SPAWNING);
    const plugin = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const pid = plugin.pid as number;
    groups.push(pid);
    // another thread records the pid a moment later, while this one is already ending the groups
    const late = new Worker(
      `const { workerData: { memory, index, pid } } = require('node:worker_threads');
       const cells = new Int32Array(memory);
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
       Atomics.store(cells, 2 * index + 1, pid);
       Atomics.notify(cells, 2 * index + 1);`,
      { eval: true, workerData: { memory: slot.memory, index: slot.index, pid } },
    );
    const exited = new Promise((resolve) => plugin.on('exit', (_code, signal) => resolve(signal)));
    expect(endAllGroups(registry)).toBe(1);
    expect(await exited).toBe('SIGKILL');
    await late.terminate();
  });
});
