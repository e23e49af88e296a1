import { afterEach, describe, expect, it } from 'vitest';
import { callWorker, startWorker, stopWorker, waitForWorker, type WorkerLink } from '../src/plugins/worker-bridge.js';

const ECHO = new URL('./fixtures/bridge/echo-worker.ts', import.meta.url);
const links: WorkerLink[] = [];
function echo(noise: boolean): WorkerLink {
  const link = startWorker(ECHO, { noise });
  links.push(link);
  return link;
}
afterEach(() => {
  for (const l of links.splice(0)) stopWorker(l);
});

describe('waitForWorker', () => {
  it('takes no wake-up for an answer or an exit: 3,000 calls while another thread wakes it all the time', () => {
    const link = echo(true);
    const answers: string[] = [];
    for (let i = 0; i < 3000; i++) {
      callWorker(link, { i });
      const a = waitForWorker<{ i: number }>(link, 30_000);
      answers.push(a.kind === 'message' ? String(a.message.i) : a.kind);
    }
    expect(answers).toEqual(Array.from({ length: 3000 }, (_, i) => String(i)));
  });

  it('reports a real exit with its code', () => {
    const link = echo(false);
    callWorker(link, { exit: 7 });
    expect(waitForWorker(link, 30_000)).toEqual({ kind: 'exit', code: 7 });
  });

  it('starts the clock of a call when the worker starts it, and cuts it off runMs later', () => {
    const link = echo(false);
    callWorker(link, { delayMs: 5_000 });
    const a = waitForWorker(link, 30_000, 300);
    expect(a.kind).toBe('timeout');
    if (a.kind !== 'timeout') return;
    expect(a.runningMs).toBeGreaterThanOrEqual(300);
  });

  it('waits out a call that is slow but inside runMs', () => {
    const link = echo(true);
    callWorker(link, { delayMs: 200 });
    expect(waitForWorker(link, 30_000, 2_000)).toEqual({ kind: 'message', message: { delayMs: 200 } });
  });
});
