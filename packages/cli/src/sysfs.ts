import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError, registerField, bitField, type U64 } from '@hiodkit/core';
import type { DmarUnit } from './host-file.js';

/** What `/sys/class/iommu/dmarN/intel-iommu/` says about one DMAR unit. */
export interface SysfsUnit extends DmarUnit {
  readonly cap: U64;
  readonly ecap: U64;
}

/** A sysfs attribute file: its text, which must end in exactly one newline (sysfs_emit's "%llx\n"). */
function attribute(dir: string, file: string): string {
  const path = join(dir, file);
  let text: string;
  try {
    const stat = statSync(path);
    // a FIFO or device would block the read: sysfs attributes are regular files
    if (!stat.isFile()) throw new InputError(path, 'is not a regular file, as a sysfs attribute is');
    if (stat.size > 4096) throw new InputError(path, 'is larger than a sysfs attribute can be (4096 bytes)');
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(path, code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? String(e)})`);
  }
  if (text === '') throw new InputError(path, 'is empty');
  if (!text.endsWith('\n') || text.indexOf('\n') !== text.length - 1) {
    throw new InputError(path, `must be one line ending in a newline, as the kernel writes it (got ${JSON.stringify(text.slice(0, 40))})`);
  }
  return text.slice(0, -1);
}

function hexAttribute(dir: string, file: string): U64 {
  const text = attribute(dir, file);
  const path = join(dir, file);
  if (!/^[0-9a-f]{1,16}$/.test(text)) {
    throw new InputError(path, `must be lowercase hex without 0x, at most 16 digits, as the kernel's "%llx" prints it (got ${JSON.stringify(text.slice(0, 40))})`);
  }
  return BigInt(`0x${text}`) as U64;
}

/** Reads one DMAR unit from its directory (dmarN or dmarN/intel-iommu). */
export function readDmarUnit(dir: string): SysfsUnit {
  const attrs = existsSync(join(dir, 'intel-iommu')) ? join(dir, 'intel-iommu') : dir;
  const unitDir = attrs === dir ? join(dir, '..') : dir;
  const name = basename(realpathSync(unitDir));
  const version = attribute(attrs, 'version');
  if (!/^\d+:\d+$/.test(version)) throw new InputError(join(attrs, 'version'), `must be "major:minor" (got ${JSON.stringify(version.slice(0, 40))})`);
  const address = attribute(attrs, 'address');
  if (!/^[0-9a-f]{1,16}$/.test(address)) throw new InputError(join(attrs, 'address'), `must be lowercase hex (got ${JSON.stringify(address.slice(0, 40))})`);
  return { name, path: realpathSync(attrs), version, address, cap: hexAttribute(attrs, 'cap'), ecap: hexAttribute(attrs, 'ecap') };
}

/** What `--sysfs DIR` pointed at: a DMAR unit, or a PCI device and the unit its `iommu` link names. */
export type SysfsTarget = { readonly kind: 'unit'; readonly unit: SysfsUnit } | { readonly kind: 'pci-device'; readonly bdf: string; readonly unit: SysfsUnit; readonly link: string };

const BDF = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/;

export function readSysfs(dir: string): SysfsTarget {
  let stat;
  try {
    stat = statSync(dir);
  } catch (e) {
    throw new InputError(dir, `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (!stat.isDirectory()) throw new InputError(dir, 'is not a directory');
  const link = join(dir, 'iommu');
  if (existsSync(join(dir, 'intel-iommu', 'cap')) || existsSync(join(dir, 'cap'))) return { kind: 'unit', unit: readDmarUnit(dir) };
  let isLink = false;
  try {
    isLink = lstatSync(link).isSymbolicLink();
  } catch {
    isLink = false;
  }
  if (!isLink) throw new InputError(dir, 'is neither a DMAR unit (no intel-iommu/cap) nor a PCI device directory (no iommu link)');
  const bdf = basename(realpathSync(dir));
  if (!BDF.test(bdf)) throw new InputError(dir, `a PCI device directory is named by its address (dddd:bb:dd.f); got ${JSON.stringify(bdf)}`);
  let target: string;
  try {
    target = realpathSync(link);
  } catch {
    throw new InputError(link, 'is a dangling link');
  }
  if (!existsSync(join(target, 'intel-iommu'))) throw new InputError(link, `points to ${basename(target)}, which is not an Intel DMAR unit (no intel-iommu directory)`);
  return { kind: 'pci-device', bdf, unit: readDmarUnit(target), link };
}

const MGAW = registerField('cap', 'MGAW');

/**
 * The host address width QEMU would get from get_cap(AW_BITS), estimated from the unit's MGAW:
 * QEMU asks the kernel's IOVA ranges, which sysfs does not show.
 */
export function awBitsFromMgaw(cap: bigint): number {
  return Number(bitField(cap, MGAW.lsb, MGAW.msb)) + 1;
}
