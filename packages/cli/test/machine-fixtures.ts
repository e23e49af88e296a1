/*
 * Writes the sysfs trees of fixtures/machines.json under fixtures/machines/<id>/sys, in the
 * kernel's layout: class/iommu/dmarN links, devices/virtual/iommu/dmarN/intel-iommu/ files, PCI
 * device directories with iommu and iommu_group links, bus/pci/devices links. Run with --write:
 *   node --conditions=@hiodkit/source --import tsx packages/cli/test/machine-fixtures.ts --write
 * machine-fixtures.test.ts checks that the committed trees are what this writes.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MACHINES_JSON = fileURLToPath(new URL('../fixtures/machines.json', import.meta.url));
export const MACHINES_DIR = fileURLToPath(new URL('../fixtures/machines/', import.meta.url));

export interface MachineDevice {
  readonly bdf: string;
  readonly unit: string;
  readonly group: string;
  /** the PCI devices from the root bus down to it, itself last */
  readonly path: readonly string[];
  /** how the device is known to sit on the unit, or "assumed: …" */
  readonly evidence: string;
}

export interface Machine {
  readonly id: string;
  readonly segment: 'client' | 'server';
  readonly generation: string;
  readonly machine: string;
  readonly cpu: string;
  readonly kernel: string;
  readonly source: string;
  readonly citation: string;
  readonly partial?: boolean;
  readonly log: readonly string[];
  readonly devices: readonly MachineDevice[];
  readonly ignoredUnits?: readonly string[];
  readonly notes?: string;
}

/** The kernel's line for a unit (dmar.c alloc_iommu: "%s: reg_base_addr %llx ver %d:%d cap %llx ecap %llx"). */
const UNIT_LINE = /^DMAR: (dmar\d+): reg_base_addr ([0-9a-f]+) ver (\d+:\d+) cap ([0-9a-f]+) ecap ([0-9a-f]+)$/;

export interface LoggedUnit {
  readonly name: string;
  readonly address: string;
  readonly version: string;
  readonly cap: string;
  readonly ecap: string;
}

export function loggedUnits(m: Machine): LoggedUnit[] {
  return m.log.map((line) => {
    const u = UNIT_LINE.exec(line);
    if (!u) throw new Error(`${m.id}: not a DMAR unit line: ${line}`);
    const [, name = '', address = '', version = '', cap = '', ecap = ''] = u;
    return { name, address, version, cap, ecap };
  });
}

export function readMachines(): Machine[] {
  return (JSON.parse(readFileSync(MACHINES_JSON, 'utf8')) as { machines: Machine[] }).machines;
}

function link(at: string, target: string): void {
  mkdirSync(dirname(at), { recursive: true });
  symlinkSync(relative(dirname(at), target), at);
}

/** Writes one machine's tree under `root` (the directory that becomes its sys/). */
export function writeMachineTree(m: Machine, root: string): void {
  const ignored = new Set(m.ignoredUnits ?? []);
  for (const u of loggedUnits(m)) {
    if (ignored.has(u.name)) continue;
    const dir = join(root, 'devices', 'virtual', 'iommu', u.name);
    mkdirSync(join(dir, 'intel-iommu'), { recursive: true });
    // sysfs_emit(buf, "%llx\n"), "%d:%d\n" and "%llx\n" (drivers/iommu/intel/iommu.c's show functions)
    writeFileSync(join(dir, 'intel-iommu', 'address'), `${u.address}\n`);
    writeFileSync(join(dir, 'intel-iommu', 'cap'), `${u.cap}\n`);
    writeFileSync(join(dir, 'intel-iommu', 'ecap'), `${u.ecap}\n`);
    writeFileSync(join(dir, 'intel-iommu', 'version'), `${u.version}\n`);
    link(join(root, 'class', 'iommu', u.name), dir);
  }
  for (const d of m.devices) {
    const dir = join(root, 'devices', 'pci0000:00', ...d.path);
    mkdirSync(dir, { recursive: true });
    link(join(dir, 'iommu'), join(root, 'devices', 'virtual', 'iommu', d.unit));
    const group = join(root, 'kernel', 'iommu_groups', d.group);
    link(join(dir, 'iommu_group'), group);
    link(join(group, 'devices', d.bdf), dir);
    link(join(root, 'bus', 'pci', 'devices', d.bdf), dir);
  }
}

/** Writes every machine's tree under `dir` (fixtures/machines by default), replacing what is there. */
export function writeMachineTrees(dir: string = MACHINES_DIR): void {
  rmSync(dir, { recursive: true, force: true });
  for (const m of readMachines()) writeMachineTree(m, join(dir, m.id, 'sys'));
}

if (process.argv.includes('--write')) writeMachineTrees();
