import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { InputError } from '@hiodkit/core';
import { unreadable } from './system-error.js';

/** What a file is when it is not a regular file, for the message that refuses it. */
function notRegular(stat: Stats): string | undefined {
  if (stat.isFile()) return undefined;
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'a special file';
}

function refuseUnlessRegular(path: string, stat: Stats, limit: number, what: string): void {
  const kind = notRegular(stat);
  if (kind !== undefined) throw new InputError(path, `is ${kind}, not a regular file`);
  if (stat.size > limit) throw new InputError(path, `is ${stat.size} bytes; ${what} may take at most ${limit}`);
}

/** How far past its limit a file is read to learn it does not end there: 8, as /proc/self/pagemap reads only whole 8-byte entries. */
const OVER = 8;

/** Reads into buffer[from, to) until it is full or the file ends; returns the new length. */
function fill(fd: number, buffer: Buffer, from: number, to: number): number {
  let length = from;
  while (length < to) {
    const n = readSync(fd, buffer, length, to - length, null);
    if (n === 0) break;
    length += n;
  }
  return length;
}

/**
 * A regular file's bytes, at most `limit`, read into limit + OVER bytes and never to EOF (an endless size-0 pseudo-file costs no more);
 * FIFOs and devices are refused unopened. `what` names the input in the size message, e.g. "a sysfs attribute".
 */
export function readBounded(path: string, limit: number, what: string): Buffer {
  let fd: number;
  try {
    refuseUnlessRegular(path, statSync(path), limit, what);
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw unreadable(path, e);
  }
  try {
    const stat = fstatSync(fd);
    refuseUnlessRegular(path, stat, limit, what);
    const buffer = Buffer.alloc(limit + OVER);
    const length = fill(fd, buffer, fill(fd, buffer, 0, limit), limit + OVER);
    if (length > limit) throw new InputError(path, `reads as more than ${limit} bytes though its size says ${stat.size}; ${what} may take at most ${limit}`);
    return buffer.subarray(0, length);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw unreadable(path, e);
  } finally {
    closeSync(fd);
  }
}
