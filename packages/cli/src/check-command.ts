import { resolve } from 'node:path';
import { InputError, PROFILE_INFO, PROFILES, PropertyValueError, QEMU_RELEASES, decideConfig, formatGuestProperties, hasVtdAccel, hintText, type IntelIommuProps } from '@hiodkit/core';
import { terminalText } from '@hiodkit/conformance';
import { choiceOption, integerOption, parseOptions, pathOption } from './args.js';
import { defaultGuest, describeBehaviour, explicitOf, namedFields, optsNames, parseGuest, selectBehaviour, type Selected } from './check-behaviour.js';
import { CONTEXT_FIELDS, detailedBlock, reportJson, summaryLine, tableBlocks } from './check-report.js';
import { checkMachine, checkVm, type ScanResult } from './check-scan.js';
import { EXIT, UsageError } from './cli-error.js';
import { ANY_DEVICE, deviceReport, fieldReport, type DeviceReport } from './device-report.js';
import { hostDeviceOf } from './host-device-of.js';
import { readHostFile, type Backend, type HostDescription } from './host-file.js';
import type { CliIo } from './io.js';
import { isSysfsRoot, scanMachine } from './machine-scan.js';
import { BEHIND_PCI_BRIDGE_AT, DEFAULT_AT, placeAt, type GuestPlacement } from './placement.js';
import { registerWarnings } from './register-warnings.js';
import { sampleHosts } from './sample-hosts.js';
import { readSysfs } from './sysfs.js';
import { readVmInput } from './vm-input.js';
import { withBackend } from './verdict.js';

export const CHECK_HELP = `Usage: hiodkit check [--host FILE | --sysfs DIR] [--qemu-args FILE | --libvirt FILE]
                     [--qemu VERSION [--machine TYPE] | --profile P] [options]

Would QEMU attach this host device to an intel-iommu guest, and if not, what
would change that? Prints the verdict as QEMU prints it (the vfio "Failed to
set vIOMMU" line), the check that decided it, the register fields it read, a
fix where one is provably right, and what QEMU does not check.

What to check:
  --host FILE            a host device description (schemas/host.schema.json;
                         UTF-8 JSON of at most 1 MiB, each key once)
  --sysfs DIR            a sysfs root (/sys): every PCI device with an iommu
                         link, grouped by DMAR unit and IOMMU group; or a DMAR
                         unit (/sys/class/iommu/dmarN) or one PCI device
                         (/sys/bus/pci/devices/BDF)
  (neither)              every sample host bundled with hiodkit
  --qemu-args FILE|-     a VM's QEMU command line (as ps, libvirt's log or
                         qm showcmd print it): its -machine, intel-iommu,
                         -global, vfio-pci devices and PCIe topology; the
                         devices are found under --sysfs (default /sys)
  --libvirt FILE         a libvirt domain (virsh dumpxml), likewise

Which QEMU:
  --qemu VERSION         a release: ${QEMU_RELEASES.map((r) => r.version).join(', ')}
  --machine TYPE         q35 (the release's newest) or pc-q35-X.Y (default q35;
                         a VM's own -machine is used with --qemu-args/--libvirt)
  --profile P            a revision instead: ${PROFILES.join(', ')}
                         (default seed)
  --stub                 as a build without CONFIG_VTD_ACCEL

The guest and the device (not with --qemu-args/--libvirt, which say them):
  --guest PROPS          -device intel-iommu properties, QEMU style; default:
                         scalable mode, x-flts (fsts) and caching-mode on
  --backend B            iommufd or legacy (overrides the host's)
  --behind-pci-bridge    place the device behind pcie-root-port + pcie-pci-bridge
  --host-aw-bits N       get_cap(AW_BITS)'s answer (1..64); with --sysfs the
                         default is the kernel's VFIO domain width: SAGAW's
                         level capped at MGAW

  --json                 print JSON (schemas/check-report.schema.json)
  -h, --help             show this help

A cap or ecap of 0, all ones or with reserved bits set gets a warning; the
verdict stands on the value as given.

Exit codes: 0 every device compatible, 1 any incompatible (or QEMU stops at
machine done), 2 bad usage or bad input (including a configuration QEMU refuses
to start with).`;

function withOverrides(host: HostDescription, backend: Backend | undefined, behindBridge: boolean, awBits: number | undefined): HostDescription {
  let next = host;
  if (backend !== undefined && backend !== host.backend) next = { ...next, backend, device: withBackend(next.device, backend) };
  if (behindBridge) {
    const guest = placeAt(BEHIND_PCI_BRIDGE_AT, '--behind-pci-bridge');
    next = { ...next, guest, device: { ...next.device, pci: guest.placement } };
  }
  if (awBits !== undefined) next = { ...next, awBitsFrom: 'description', device: { ...next.device, awBits: { kind: 'value', bits: awBits } } };
  return next;
}

function hostFromSysfs(dir: string, placement: GuestPlacement, awBits: number | undefined): HostDescription {
  const target = readSysfs(dir);
  const { unit } = target;
  const { device, awBits: from } = hostDeviceOf(target.kind === 'pci-device' ? target.bdf : ANY_DEVICE, unit, placement.placement, awBits);
  return { device, backend: 'iommufd', unit, awBitsFrom: from.from === 'estimate' ? 'estimate' : 'description', ...(from.detail === undefined ? {} : { awBitsDetail: from.detail }), guest: placement, ...(target.kind === 'unit' ? { unitOnly: true } : {}) };
}

/** What the human output prints for a configuration QEMU refuses to start with; exit 2. */
function refuseStart(io: CliIo, line: string): number {
  io.stderr(line);
  io.stderr(`hiodkit check: QEMU refuses this intel-iommu configuration before any device is attached\n`);
  return EXIT.usage;
}

interface Common {
  readonly selected: Selected;
  readonly stub: boolean;
  readonly json: boolean;
}

function jsonHeader(c: Common) {
  const { selected, stub } = c;
  return {
    profile: selected.profile,
    qemuCommit: PROFILE_INFO[selected.profile].commit,
    ...(selected.resolved === undefined ? {} : { qemu: { release: selected.resolved.release.version, machine: selected.resolved.machine } }),
    checker: !hasVtdAccel(selected.profile) ? 'intel_iommu.c' : stub ? 'stub' : 'accel',
  };
}

/** Prints a device scan (a sysfs root or a VM) and returns the exit code. */
function printScan(io: CliIo, c: Common, result: ScanResult, header: { guest: string; properties: string; given: string; source: string }): number {
  const refusal = result.refusal;
  if (c.json) {
    const out = {
      ...jsonHeader(c),
      guest: { properties: header.properties, given: header.given },
      source: header.source,
      notes: result.notes,
      ...(refusal === undefined ? {} : { refusal: { line: refusal.line, ...(refusal.remedy === undefined ? {} : { remedy: refusal.remedy }) } }),
      verdicts: result.reports.map((r) => reportJson(r)),
      summary: { devices: result.reports.length, compatible: result.reports.filter((r) => r.verdict.outcome.ok).length },
    };
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    if (refusal?.code === 2) return refuseStart(io, refusal.shownLine);
    io.stdout(`hiodkit check · ${describeBehaviour(c.selected, c.stub)}\n`);
    io.stdout(`guest: ${header.guest}\n${terminalText(header.source, Infinity)}\n`);
    for (const n of result.notes) io.stdout(`note: ${terminalText(n, Infinity)}\n`);
    for (const block of tableBlocks(result.reports, result.units)) io.stdout(`\n${block}\n`);
    if (result.reports.length > 0) io.stdout(`\n${summaryLine(result.reports)}\n`);
    if (refusal !== undefined) {
      io.stdout(`\nafter the devices attach, at machine done:\n${refusal.shownLine.split('\n').map((l) => (l === '' ? '' : `    ${l}`)).join('\n').trimEnd()}\n`);
      if (refusal.remedy !== undefined) io.stdout(`  fix: ${refusal.remedy}\n`);
    }
  }
  if (refusal?.code === 2) return EXIT.usage;
  return refusal !== undefined || result.reports.some((r) => !r.verdict.outcome.ok) ? EXIT.failed : EXIT.ok;
}

export function checkCommand(argv: readonly string[], io: CliIo): number {
  const { values } = parseOptions('check', {
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: 'string' },
      sysfs: { type: 'string' },
      'qemu-args': { type: 'string' },
      libvirt: { type: 'string' },
      qemu: { type: 'string' },
      machine: { type: 'string' },
      guest: { type: 'string' },
      backend: { type: 'string' },
      'behind-pci-bridge': { type: 'boolean' },
      'host-aw-bits': { type: 'string' },
      profile: { type: 'string' },
      stub: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(`${CHECK_HELP}\n`);
    return EXIT.ok;
  }
  const hostPath = pathOption('--host', values.host);
  const sysfsPath = pathOption('--sysfs', values.sysfs);
  const argsPath = pathOption('--qemu-args', values['qemu-args']);
  const libvirtPath = pathOption('--libvirt', values.libvirt);
  if (hostPath !== undefined && sysfsPath !== undefined) throw new UsageError('give --host or --sysfs, not both', 'check');
  if (argsPath !== undefined && libvirtPath !== undefined) throw new UsageError('give --qemu-args or --libvirt, not both', 'check');
  const vmPath = argsPath ?? libvirtPath;
  const vmOption = argsPath !== undefined ? '--qemu-args' : '--libvirt';
  if (vmPath !== undefined) {
    for (const [name, given] of [['--host', hostPath], ['--guest', values.guest], ['--backend', values.backend], ['--behind-pci-bridge', values['behind-pci-bridge']], ['--machine', values.machine]] as const) {
      if (given !== undefined) throw new UsageError(`${vmOption} says the VM's configuration: ${name} does not go with it${name === '--host' ? ' (its devices are found under --sysfs)' : ''}`, 'check');
    }
  }
  if (values.profile !== undefined && values.qemu !== undefined) throw new UsageError('give --qemu VERSION or --profile P, not both', 'check');
  if (values.machine !== undefined && values.qemu === undefined) throw new UsageError('--machine chooses a machine type of a release: give --qemu VERSION with it', 'check');
  const profileChoice = choiceOption('--profile', values.profile, PROFILES);
  const backend = choiceOption('--backend', values.backend, ['iommufd', 'legacy'] as const);
  const awBits = integerOption('--host-aw-bits', values['host-aw-bits'], 1, 64);
  const stub = values.stub === true;
  const json = values.json === true;

  const vm = vmPath === undefined ? undefined : readVmInput(vmPath, vmOption === '--libvirt' ? 'libvirt' : 'qemu-args', io);
  // libvirt's log names the QEMU it started: an X.Y.0 release is taken from there
  const logged = vm?.qemuVersionHint !== undefined && /^\d+\.\d+\.0$/.test(vm.qemuVersionHint) ? vm.qemuVersionHint : undefined;
  if (vm !== undefined && values.qemu === undefined && logged === undefined) {
    const hint = vm.qemuVersionHint === undefined ? '' : ` (the log says QEMU ${vm.qemuVersionHint}, a stable release the version map does not hold: give the X.Y it is based on, if its check is that release's)`;
    throw new UsageError(`${vmOption}: which QEMU runs this VM? give --qemu VERSION${hint}`, 'check');
  }
  const selected = selectBehaviour(values.qemu ?? logged, vm === undefined ? values.machine : undefined, profileChoice);
  if (stub && !hasVtdAccel(selected.profile)) throw new UsageError(`--stub: profile ${selected.profile} predates CONFIG_VTD_ACCEL and its stub (added by the seed, cca621c7)`, 'check');
  const common: Common = { selected, stub, json };
  const escape = (t: string) => terminalText(t, Infinity);

  if (vm !== undefined) {
    const root = resolve(io.cwd, sysfsPath ?? '/sys');
    if (!isSysfsRoot(root)) throw new InputError(sysfsPath ?? '/sys', 'is not a sysfs root (no class/iommu or bus/pci/devices): the VM\'s devices are looked up there');
    const result = checkVm(vm, selected, scanMachine(root), { stub, hostAwBits: awBits, escape });
    const iommu = vm.devices.find((d) => d.driver === 'intel-iommu');
    const what = vm.form === 'libvirt' ? 'a libvirt domain' : 'a QEMU command line';
    return printScan(io, common, result, {
      guest: iommu === undefined ? 'no -device intel-iommu' : `-device ${escape(iommu.text)}`,
      properties: '',
      given: iommu?.text ?? '',
      source: `${vmOption} ${vmPath} (${what}) · host sysfs ${sysfsPath ?? '/sys'}`,
    });
  }

  const guestText = values.guest ?? defaultGuest(selected.profile);
  // the -device driver name may lead the list; QEMU's own lines name it once
  const shown = terminalText(guestText.replace(/^(driver=)?intel-iommu(,|$)/, ''), Infinity);
  const guestLine = `-device intel-iommu${shown === '' ? '' : `,${shown}`}`;
  let props: IntelIommuProps;
  try {
    // QemuOpts warns while it parses, before any property is set; QEMU's deprecation warning is two lines, each escaped on its own
    props = parseGuest(guestText, selected, (w) => io.stderr(`hiodkit check: warning: ${w.split('\n').map((l) => terminalText(l, Infinity)).join('\n')}\n`));
  } catch (e) {
    // device_init_func() reports a setter's refusal and a realize refusal alike, located at the -device option
    if (e instanceof PropertyValueError) return refuseStart(io, `qemu-system-x86_64: ${guestLine}: ${terminalText(e.reason, Infinity)}\n`);
    if (e instanceof InputError) throw new InputError(`--guest ${e.path}`, e.reason);
    throw e;
  }
  const decided = decideConfig(props, selected.profile);
  if (!decided.ok) return refuseStart(io, `qemu-system-x86_64: ${guestLine}: ${terminalText(decided.error.message, Infinity)}\n${hintText(decided.error)}`);
  const explicit = explicitOf(props, namedFields(optsNames(guestText), selected.properties));
  const guestJson = { properties: formatGuestProperties(props, selected.profile), given: guestText };
  const placement = placeAt(values['behind-pci-bridge'] === true ? BEHIND_PCI_BRIDGE_AT : DEFAULT_AT, values['behind-pci-bridge'] === true ? '--behind-pci-bridge' : 'pci');

  if (sysfsPath !== undefined && isSysfsRoot(resolve(io.cwd, sysfsPath))) {
    const scan = scanMachine(resolve(io.cwd, sysfsPath));
    const result = checkMachine(scan, selected, props, explicit, backend ?? 'iommufd', placement, { stub, hostAwBits: awBits, escape });
    const source = `sysfs ${sysfsPath}: ${scan.units.length} DMAR unit${scan.units.length === 1 ? '' : 's'}, ${scan.devices.length} PCI device${scan.devices.length === 1 ? '' : 's'} with an iommu link`;
    return printScan(io, common, result, { guest: guestLine, ...guestJson, source });
  }

  let hosts: { id: string; host: HostDescription }[];
  let source: string;
  if (hostPath !== undefined) {
    try {
      hosts = [{ id: hostPath, host: readHostFile(resolve(io.cwd, hostPath)) }];
    } catch (e) {
      if (e instanceof InputError && e.path !== hostPath) throw new InputError(`--host ${hostPath}: ${e.path}`, e.reason);
      throw e;
    }
    source = `host ${hostPath}`;
  } else if (sysfsPath !== undefined) {
    hosts = [{ id: sysfsPath, host: hostFromSysfs(resolve(io.cwd, sysfsPath), placement, awBits) }];
    source = `sysfs ${sysfsPath}`;
  } else {
    hosts = sampleHosts();
    source = `no --host or --sysfs given: the ${hosts.length} sample hosts bundled with hiodkit`;
  }
  // a suspicious register is worth a word, but the verdict is QEMU's on the value as given
  if (hostPath !== undefined || sysfsPath !== undefined) {
    for (const { host } of hosts) {
      if (host.device.caps.type !== 1) continue;
      const { capReg, ecapReg } = host.device.caps.vendorCaps.vtd;
      for (const w of [...registerWarnings('cap', capReg), ...registerWarnings('ecap', ecapReg)]) io.stderr(`hiodkit check: warning: ${w} The verdict stands on it as given.\n`);
    }
  }
  const reports: DeviceReport[] = hosts.map(({ id, host }) => {
    const h = withOverrides(host, backend, values['behind-pci-bridge'] === true, awBits);
    const report = deviceReport({
      id,
      host: h.unitOnly === true ? undefined : h.device.name,
      ...(h.unit === undefined ? {} : { unit: h.unit }),
      placement: h.guest.description,
      ...(h.description === undefined ? {} : { description: h.description }),
      awBits: h.awBitsFrom === 'estimate' ? { from: 'estimate', ...(h.awBitsDetail === undefined ? {} : { detail: h.awBitsDetail }) } : { from: 'description' },
      form: 'qemu',
      scenario: { behaviour: selected.behaviour, explicit, stub, device: h.device, backend: h.backend, attached: [] },
    });
    // the register warnings went to stderr above, once per input
    return { ...report, warnings: report.warnings.filter((w) => !w.startsWith('cap_reg') && !w.startsWith('ecap_reg')) };
  });

  if (json) {
    io.stdout(`${JSON.stringify({ ...jsonHeader(common), guest: guestJson, source, verdicts: reports.map((r) => reportJson(r)) }, null, 2)}\n`);
  } else {
    io.stdout(`hiodkit check · ${describeBehaviour(selected, stub)}\n`);
    io.stdout(`guest: ${guestLine}\n${terminalText(source, Infinity)}\n`);
    for (const r of reports) io.stdout(`\n${detailedBlock(r, r.device.caps.type === 1 && hasVtdAccel(selected.profile) ? fieldReport(r.device, CONTEXT_FIELDS) : [])}\n`);
  }
  return reports.every((r) => r.verdict.outcome.ok) ? EXIT.ok : EXIT.failed;
}
