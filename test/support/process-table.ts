// What /proc says about running processes: a killed process that nobody has reaped yet (a zombie)
// no longer runs, so it does not count.
import { readdirSync, readFileSync } from 'node:fs';

interface ProcStat {
  readonly pid: number;
  readonly state: string;
  readonly pgrp: number;
}

function stat(pid: string): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name is in parentheses and may hold spaces: the fields after the last ')' are fixed
    const [state = '', , pgrp = ''] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid: Number(pid), state, pgrp: Number(pgrp) };
  } catch {
    return undefined; // gone between the listing and the read
  }
}

/** Pids of the processes of group `pgid` that still run. */
export function runningInGroup(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(stat)
    .filter((s): s is ProcStat => s !== undefined && s.pgrp === pgid && s.state !== 'Z')
    .map((s) => s.pid);
}

export function isRunning(pid: number): boolean {
  const s = stat(String(pid));
  return s !== undefined && s.state !== 'Z';
}

/** Waits (polling /proc) until no process of the group runs, at most `ms`; returns those still running. */
export async function groupGone(pgid: number, ms = 5_000): Promise<number[]> {
  const end = performance.now() + ms;
  for (;;) {
    const left = runningInGroup(pgid);
    if (left.length === 0 || performance.now() > end) return left;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** For cleanup after a failed test: SIGKILL to whatever is left of the group. */
export function killGroupQuietly(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // gone
  }
}
