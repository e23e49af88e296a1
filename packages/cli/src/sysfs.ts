import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError, vtdDomainAddressWidth, type DomainAddressWidth, type U64 } from '@hiodkit/core';
import { readBounded } from './bounded-read.js';
import type { DmarUnit } from './host-file.js';
import { isSystemError, unreadable } from './system-error.js';

/** What `/sys/class/iommu/dmarN/intel-iommu/` says about one DMAR unit. */
export interface SysfsUnit extends DmarUnit {
  readonly cap: U64;
  readonly ecap: U64;
}

/** A sysfs attribute is one page at most: the kernel's show() writes into a PAGE_SIZE buffer. */
export const SYSFS_ATTRIBUTE_BYTES = 4096;

/** What is at `path` (lstat with `link`, else stat), or undefined when nothing is; EACCES, ELOOP and the like name the path. */
function probe(path: string, link = false): Stats | undefined {
  try {
    return link ? lstatSync(path) : statSync(path);
  } catch (e) {
    if (isSystemError(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return undefined;
    throw unreadable(path, e);
  }
}

function realpath(path: string): string {
  try {
    return realpathSync(path);
  } catch (e) {
    throw unreadable(path, e);
  }
}

/** A sysfs attribute file: its text, which must end in exactly one newline (sysfs_emit's "%llx\n"). */
function attribute(dir: string, file: string): string {
  const path = join(dir, file);
  const text = readBounded(path, SYSFS_ATTRIBUTE_BYTES, 'a sysfs attribute').toString('utf8');
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

/** Reads one DMAR unit from its directory (dmarN or dmarN/intel-iommu); only cap and ecap must be there. */
export function readDmarUnit(dir: string): SysfsUnit {
  const attrs = probe(join(dir, 'intel-iommu')) ? join(dir, 'intel-iommu') : dir;
  const unitDir = attrs === dir ? join(dir, '..') : dir;
  const name = basename(realpath(unitDir));
  const optional = (file: string, form: RegExp, what: string): string | undefined => {
    if (!probe(join(attrs, file))) return undefined;
    const text = attribute(attrs, file);
    if (!form.test(text)) throw new InputError(join(attrs, file), `must be ${what} (got ${JSON.stringify(text.slice(0, 40))})`);
    return text;
  };
  const version = optional('version', /^\d+:\d+$/, '"major:minor"');
  const address = optional('address', /^[0-9a-f]{1,16}$/, 'lowercase hex');
  return { name, path: realpath(attrs), ...(version === undefined ? {} : { version }), ...(address === undefined ? {} : { address }), cap: hexAttribute(attrs, 'cap'), ecap: hexAttribute(attrs, 'ecap') };
}

/** What `--sysfs DIR` pointed at: a DMAR unit, or a PCI device and the unit its `iommu` link names. */
export type SysfsTarget = { readonly kind: 'unit'; readonly unit: SysfsUnit } | { readonly kind: 'pci-device'; readonly bdf: string; readonly unit: SysfsUnit; readonly link: string };

/** domain:bus:device.function as the kernel names it ("%04x:%02x:%02x.%d"): a VMD domain (10000 and up) takes 5 digits. */
const BDF = /^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/;

export function readSysfs(dir: string): SysfsTarget {
  let stat: Stats;
  try {
    stat = statSync(dir);
  } catch (e) {
    throw unreadable(dir, e);
  }
  if (!stat.isDirectory()) throw new InputError(dir, 'is not a directory');
  if (probe(join(dir, 'intel-iommu', 'cap')) || probe(join(dir, 'cap'))) return { kind: 'unit', unit: readDmarUnit(dir) };
  const link = join(dir, 'iommu');
  const linked = probe(link, true);
  if (!linked) throw new InputError(dir, 'is neither a DMAR unit (no intel-iommu/cap) nor a PCI device directory (no iommu link)');
  if (linked.isDirectory()) throw new InputError(link, 'is a directory, not the symbolic link sysfs has there: the tree was copied with its links followed (cp -rL?); copy it with cp -a, which keeps links');
  if (!linked.isSymbolicLink()) throw new InputError(link, 'is not the symbolic link sysfs has there');
  const bdf = basename(realpath(dir));
  if (!BDF.test(bdf)) throw new InputError(dir, `a PCI device directory is named by its address (dddd:bb:dd.f); got ${JSON.stringify(bdf)}`);
  if (!probe(link)) throw new InputError(link, 'is a dangling link');
  const target = realpath(link);
  if (!probe(join(target, 'intel-iommu'))) throw new InputError(link, `points to ${basename(target)}, which is not an Intel DMAR unit (no intel-iommu directory)`);
  return { kind: 'pci-device', bdf, unit: readDmarUnit(target), link };
}

/**
 * The host address width QEMU would get from get_cap(AW_BITS), estimated from the unit's
 * registers as the kernel sizes a VFIO domain (core vtdDomainAddressWidth): QEMU reads the kernel's
 * IOVA ranges, which sysfs does not show. Scalable mode is taken to be in use where the unit has it.
 */
export function hostAwBitsEstimate(cap: bigint, ecap: bigint): DomainAddressWidth {
  return vtdDomainAddressWidth(cap, ecap, true);
}
