import {
  InputError,
  PropertyValueError,
  hintText,
  profileAtLeast,
  propertyName,
  resolveQemu,
  type IntelIommuProps,
  type PciAddress,
  type PciPlacement,
  type ResolvedQemu,
} from '@hiodkit/core';
import { explicitOf, namedFields, optsNames, type Selected } from './check-behaviour.js';
import { deviceReport, type DeviceReport } from './device-report.js';
import type { Backend } from './host-file.js';
import { hostDeviceOf } from './host-device-of.js';
import { estimateAwBits } from './host-aw-bits.js';
import type { MachineScan } from './machine-scan.js';
import type { InputForm } from './remedies.js';
import type { SysfsUnit } from './sysfs.js';
import type { Behaviour } from './verdict.js';
import { resolveVmConfig, VmStartError, vmMachineType, type VfioPassthrough } from './vm/vm-config.js';
import type { VmDescription } from './vm/vm-description.js';
import { deviceWarnings } from './warnings.js';

/** A unit's header line and the warnings every device on it shares. */
export interface UnitSummary {
  readonly name: string;
  readonly header: string;
  readonly warnings: readonly string[];
}

/** A refusal QEMU prints before or after the attach checks, as QEMU prints it, with its remedy. */
export interface StartRefusalReport {
  /** QEMU's line(s) */
  readonly line: string;
  /** the same with the input's text escaped */
  readonly shownLine: string;
  readonly remedy?: string;
  /** exit code: 2 for a configuration QEMU does not start with, 1 for a refusal at machine done */
  readonly code: 1 | 2;
}

export interface ScanResult {
  readonly reports: readonly DeviceReport[];
  readonly units: readonly UnitSummary[];
  readonly notes: readonly string[];
  readonly refusal?: StartRefusalReport;
}

export interface ScanOptions {
  readonly stub: boolean;
  readonly hostAwBits: number | undefined;
  readonly escape: (text: string) => string;
}

function unitSummaries(units: readonly SysfsUnit[], props: IntelIommuProps, s: Selected, escape: (t: string) => string): UnitSummary[] {
  const flts = s.properties.some((p) => p.field === 'flts') && props.flts;
  const fltsName = s.properties.find((p) => p.field === 'flts')?.name ?? 'x-flts';
  return units.map((u) => {
    const estimate = estimateAwBits(u.cap, u.ecap);
    const where = `${escape(u.name)}${u.address ? ` at ${escape(u.address)}` : ''}${u.version ? `, version ${escape(u.version)}` : ''}`;
    const probe = hostDeviceOf(u.name, u, { bus: 0, devfn: 0, upstreamBuses: [] }, undefined).device;
    return { name: u.name, header: `${where} · host aw-bits ${estimate.bits ?? 'none'} (${estimate.detail})`, warnings: deviceWarnings(probe, flts, fltsName) };
  });
}

/** Every PCI device of a sysfs root with an iommu link, each checked as if it alone were passed through. */
export function checkMachine(scan: MachineScan, s: Selected, props: IntelIommuProps, explicit: Partial<IntelIommuProps>, backend: Backend, placement: { placement: PciPlacement; description: string }, o: ScanOptions): ScanResult {
  const reports = scan.devices.map((d) => {
    const unit = scan.units.find((u) => u.name === d.unit);
    if (unit === undefined) throw new InputError(`${scan.root} bus/pci/devices/${d.bdf}/iommu`, `names ${d.unit}, which is not an Intel DMAR unit under class/iommu`);
    const { device, awBits } = hostDeviceOf(d.bdf, unit, placement.placement, o.hostAwBits);
    return deviceReport({ id: d.bdf, host: d.bdf, unit, ...(d.group === undefined ? {} : { group: d.group }), placement: placement.description, awBits, form: 'qemu', scenario: { behaviour: s.behaviour, explicit, stub: o.stub, device, backend, attached: [] } });
  });
  const notes = scan.otherIommus.length > 0 ? [`${scan.otherIommus.join(', ')} under class/iommu ${scan.otherIommus.length === 1 ? 'is' : 'are'} not Intel DMAR units and ${scan.otherIommus.length === 1 ? 'is' : 'are'} not checked`] : [];
  return { reports, units: unitSummaries(scan.units, props, s, o.escape), notes };
}

/** The start refusal of a -device intel-iommu QEMU does not realize, at its command-line location. */
function startRefusal(vm: VmDescription, optionText: string | undefined, message: string, hints: string, escape: (t: string) => string): StartRefusalReport {
  const render = (e: (t: string) => string) => `${e(vm.program)}: ${optionText === undefined ? '' : `-device ${e(optionText)}: `}${e(message)}\n${hints}`;
  return { line: render((t) => t), shownLine: render(escape), code: 2 };
}

/** The names a -device intel-iommu and the -global options set: the rest come from the machine type. */
function vmExplicit(vm: VmDescription, resolved: ResolvedQemu, props: IntelIommuProps): Partial<IntelIommuProps> {
  const option = vm.devices.find((d) => d.driver === 'intel-iommu');
  const names = [...vm.globals.map((g) => g.property), ...(option === undefined ? [] : option.form === 'json' ? [...option.props.keys()] : optsNames(option.text))];
  return explicitOf(props, namedFields(names, resolved.properties));
}

/**
 * The VM's vfio-pci devices, found on this host and checked in command-line order against the
 * vIOMMU state the earlier ones built, as QEMU attaches them (it stops at the first refusal; the
 * later ones are shown as they would fare once it is fixed).
 */
export function checkVm(vm: VmDescription, s: Selected, scan: MachineScan, o: ScanOptions): ScanResult {
  if (s.behaviour.kind !== 'release') throw new InputError('--qemu', 'a VM description is checked for a QEMU release: give --qemu VERSION');
  const { type: machine, note: machineNote } = vmMachineType(vm);
  let resolved: ResolvedQemu;
  try {
    resolved = resolveQemu(s.behaviour.version, machine);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${vm.machine?.where ?? vm.source} machine`, e.reason);
    throw e;
  }
  const behaviour: Behaviour = { kind: 'release', version: resolved.release.version, machine: resolved.machine };
  const form: InputForm = vm.form === 'libvirt' ? 'libvirt' : 'qemu';
  let config;
  try {
    config = resolveVmConfig(vm, resolved);
  } catch (e) {
    if (e instanceof VmStartError) return { reports: [], units: [], notes: vm.notes, refusal: startRefusal(vm, e.refusal.option?.text, e.refusal.message, e.refusal.hints, o.escape) };
    if (e instanceof PropertyValueError) return { reports: [], units: [], notes: vm.notes, refusal: startRefusal(vm, vm.devices.find((d) => d.driver === 'intel-iommu')?.text, e.reason, '', o.escape) };
    throw e;
  }
  const notes = [...(machineNote === undefined ? [] : [machineNote]), ...vm.notes, ...config.notes];
  if (config.iommu.kind === 'none') {
    return { reports: [], units: [], notes: [...notes, 'no -device intel-iommu: QEMU attaches the vfio-pci devices without a vIOMMU and runs no host-device check'] };
  }
  const { option, props, decided } = config.iommu;
  if (!decided.ok) return { reports: [], units: [], notes, refusal: startRefusal(vm, option.text, decided.error.message, hintText(decided.error), o.escape) };
  if (vm.rootBusBypass !== undefined) {
    // pci_device_get_iommu_bus_devfn() finds no IOMMU bus behind a bypassing root bus: set_iommu_device is never called
    const note = `${vm.rootBusBypass.where}: default-bus-bypass-iommu=on: every device on pcie.0 bypasses intel-iommu, so QEMU attaches the vfio-pci devices without the vIOMMU and runs no host-device check`;
    return machineDone({ reports: [], units: [], notes: [...notes, note] }, vm, resolved, props, config.devices.length, form, o);
  }
  const explicit = vmExplicit(vm, resolved, props);
  const attached: PciAddress[] = [];
  const reports: DeviceReport[] = [];
  const missing: VfioPassthrough[] = [];
  for (const d of config.devices) {
    const scanned = scan.devices.find((x) => x.bdf === d.host);
    const unit = scanned === undefined ? undefined : scan.units.find((u) => u.name === scanned.unit);
    if (scanned === undefined || unit === undefined) {
      missing.push(d);
      continue;
    }
    const { device, awBits } = hostDeviceOf(d.host, unit, d.placement, o.hostAwBits);
    const scenario = { behaviour, explicit, stub: o.stub, device, backend: d.backend, attached: [...attached] };
    reports.push(deviceReport({ id: d.host, host: d.host, unit, ...(scanned.group === undefined ? {} : { group: scanned.group }), placement: d.path, awBits, form, option: d.option.text, program: vm.program, scenario }));
    attached.push({ bus: d.placement.bus, devfn: d.placement.devfn });
  }
  if (missing.length > 0) {
    const list = missing.map((m) => `${m.host} (${m.option.where})`).join(', ');
    throw new InputError(scan.root, `has no PCI device with an iommu link for ${list}: the VM passes through devices this host does not have, or they are not behind an IOMMU`);
  }
  const used = scan.units.filter((u) => reports.some((r) => r.unit?.name === u.name));
  return machineDone({ reports, units: unitSummaries(used, props, s, o.escape), notes }, vm, resolved, props, config.devices.length, form, o);
}

/** Before 3cda33e0 caching-mode is checked at machine done: vtd_machine_done_notify_one() exits for any vfio-pci object. */
function machineDone(result: ScanResult, vm: VmDescription, resolved: ResolvedQemu, props: IntelIommuProps, devices: number, form: InputForm, o: ScanOptions): ScanResult {
  if (profileAtLeast(resolved.profile, 'xflts-refuse-cm') || props.cachingMode || devices === 0) return result;
  const message = 'We need to set caching-mode=on for intel-iommu to enable device assignment with IOMMU protection.';
  const line = `${vm.program}: ${message}\n`;
  const remedy = form === 'qemu' ? `${propertyName(resolved.profile, 'cachingMode')}=on on -device intel-iommu` : "<driver caching_mode='on'/> in <iommu model='intel'>";
  return { ...result, refusal: { line, shownLine: `${o.escape(vm.program)}: ${message}\n`, remedy, code: 1 } };
}
