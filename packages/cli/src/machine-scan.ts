import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '@hiodkit/core';
import { readDmarUnit, type SysfsUnit } from './sysfs.js';
import { isSystemError, unreadable } from './system-error.js';

/** A host is checked device by device: more than this many entries is not a sysfs tree. */
export const MAX_SCANNED_ENTRIES = 4096;

/** A PCI device with an iommu link, and the DMAR unit and IOMMU group it belongs to. */
export interface ScannedDevice {
  /** dddd:bb:dd.f */
  readonly bdf: string;
  /** the DMAR unit's name (dmarN) */
  readonly unit: string;
  /** the IOMMU group's number, when the device has an iommu_group link */
  readonly group: string | undefined;
}

/** What a sysfs root says about the host's DMAR units and the PCI devices they translate. */
export interface MachineScan {
  readonly root: string;
  readonly units: readonly SysfsUnit[];
  /** units under class/iommu that are not Intel DMAR units (no intel-iommu directory), e.g. AMD-Vi */
  readonly otherIommus: readonly string[];
  readonly devices: readonly ScannedDevice[];
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (e) {
    if (isSystemError(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return false;
    throw unreadable(path, e);
  }
}

function entries(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if (isSystemError(e) && e.code === 'ENOENT') return [];
    throw unreadable(dir, e);
  }
  if (names.length > MAX_SCANNED_ENTRIES) throw new InputError(dir, `has ${names.length} entries; a sysfs directory hiodkit reads has at most ${MAX_SCANNED_ENTRIES}`);
  return names.sort();
}

function linkTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch (e) {
    throw unreadable(path, e);
  }
}

/** Whether a directory is a sysfs root (it has class/iommu or bus/pci/devices) rather than a unit or a device. */
export function isSysfsRoot(dir: string): boolean {
  return exists(join(dir, 'class', 'iommu')) || exists(join(dir, 'bus', 'pci', 'devices'));
}

/** Reads every DMAR unit (class/iommu) and every PCI device with an iommu link (bus/pci/devices). */
export function scanMachine(root: string): MachineScan {
  const units: SysfsUnit[] = [];
  const otherIommus: string[] = [];
  for (const name of entries(join(root, 'class', 'iommu'))) {
    const dir = join(root, 'class', 'iommu', name);
    if (exists(join(dir, 'intel-iommu'))) units.push(readDmarUnit(dir));
    else otherIommus.push(name);
  }
  const devices: ScannedDevice[] = [];
  for (const bdf of entries(join(root, 'bus', 'pci', 'devices'))) {
    const dir = join(root, 'bus', 'pci', 'devices', bdf);
    if (!exists(join(dir, 'iommu'))) continue;
    const unit = basename(linkTarget(join(dir, 'iommu')));
    const group = exists(join(dir, 'iommu_group')) ? basename(linkTarget(join(dir, 'iommu_group'))) : undefined;
    devices.push({ bdf, unit, group });
  }
  return { root, units, otherIommus, devices };
}
