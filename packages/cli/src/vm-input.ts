import { readSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '@hiodkit/core';
import { readBounded } from './bounded-read.js';
import type { CliIo } from './io.js';
import { isSystemError, unreadable } from './system-error.js';
import { parseLibvirtDomain } from './vm/libvirt-domain.js';
import { parseQemuArgs } from './vm/qemu-args.js';
import type { VmDescription } from './vm/vm-description.js';

/** A command line or a domain is a few kilobytes; libvirt's log of a long-lived VM can be more. */
export const MAX_VM_INPUT_BYTES = 1024 * 1024;

/** Standard input, at most `limit` bytes (one more is read to know it does not end there). */
function readStdin(limit: number): Buffer {
  const buffer = Buffer.alloc(limit + 1);
  let length = 0;
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buffer, length, buffer.length - length, null);
    } catch (e) {
      if (isSystemError(e) && e.code === 'EAGAIN') continue;
      if (isSystemError(e) && e.code === 'EOF') break;
      throw unreadable('-', e);
    }
    if (n === 0) break;
    length += n;
    if (length > limit) throw new InputError('-', `standard input is more than ${limit} bytes; a VM description may take at most ${limit}`);
  }
  return buffer.subarray(0, length);
}

/** UTF-8 text, refused with its name when it is not. */
function utf8(bytes: Buffer, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(source, 'is not UTF-8 text');
  }
}

/** Reads --qemu-args FILE|- or --libvirt FILE into a VM description. */
export function readVmInput(path: string, kind: 'qemu-args' | 'libvirt', io: CliIo): VmDescription {
  const bytes = path === '-' && kind === 'qemu-args' ? readStdin(MAX_VM_INPUT_BYTES) : readBounded(resolve(io.cwd, path), MAX_VM_INPUT_BYTES, kind === 'libvirt' ? 'a libvirt domain' : 'a QEMU command line');
  const text = utf8(bytes, path);
  return kind === 'libvirt' ? parseLibvirtDomain(text, path, io.cwd) : parseQemuArgs(text, { source: path, cwd: io.cwd });
}
