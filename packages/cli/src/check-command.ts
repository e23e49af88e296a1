import { resolve } from 'node:path';
import {
  IOMMU_HW_INFO_TYPE,
  InputError,
  PROFILE_INFO,
  PROFILES,
  PropertyValueError,
  TYPE_HOST_IOMMU_DEVICE_IOMMUFD_VFIO,
  TYPE_HOST_IOMMU_DEVICE_LEGACY_VFIO,
  decideConfig,
  decodeRegister,
  describeMeaning,
  formatGuestProperties,
  hasVtdAccel,
  hintText,
  hostIommuTypeRegistry,
  iommuHwInfoTypeName,
  parseGuestProperties,
  propertiesOf,
  propertyName,
  renderUserVisible,
  type HostIommuDevice,
  type IntelIommuProps,
  type Outcome,
  type ProfileId,
  type RegisterName,
  u32,
  u64,
} from '@hiodkit/core';
import { classifyCase, expectedOutcome, loadReferenceTable, rowFor, sameOutcome, terminalText } from '@hiodkit/conformance';
import { stubPlugin } from '@hiodkit/stub';
import { vtdPlugin } from '@hiodkit/vtd';
import { choiceOption, integerOption, parseOptions, pathOption } from './args.js';
import { EXIT, UsageError } from './cli-error.js';
import { readHostFile, type Backend, type HostDescription } from './host-file.js';
import type { CliIo } from './io.js';
import { BEHIND_PCI_BRIDGE_AT, placeAt } from './placement.js';
import { registerWarnings } from './register-warnings.js';
import { sampleHosts } from './sample-hosts.js';
import { awBitsFromMgaw, readSysfs } from './sysfs.js';

export const CHECK_HELP = `Usage: hiodkit check [--host FILE | --sysfs DIR] [--guest PROPS] [options]

Would QEMU attach this host device to an intel-iommu guest? Prints the verdict as
QEMU prints it (the vfio "Failed to set vIOMMU" line), the check that decided it,
and the register fields it read.

  --host FILE            a host device description (schemas/host.schema.json;
                         UTF-8 JSON of at most 1 MiB, each key once)
  --sysfs DIR            a DMAR unit (/sys/class/iommu/dmarN) or a PCI device
                         (/sys/bus/pci/devices/BDF): the verdict comes from the
                         unit its iommu link names
  (neither)              check every sample host bundled with hiodkit
  --guest PROPS          -device intel-iommu properties, QEMU style; default:
                         scalable mode, x-flts (fsts) and caching-mode on
  --backend B            iommufd or legacy (overrides the host's)
  --behind-pci-bridge    place the device behind pcie-root-port + pcie-pci-bridge
  --host-aw-bits N       get_cap(AW_BITS)'s answer (1..64); with --sysfs the
                         default is the unit's MGAW
  --profile P            ${PROFILES.join(', ')} (default seed)
  --stub                 as a build without CONFIG_VTD_ACCEL
  --json                 print JSON
  -h, --help             show this help

A cap or ecap of 0, all ones or with reserved bits set (--host, --sysfs) gets a
warning on stderr; the verdict stands on the value as given.

Exit codes: 0 compatible, 1 incompatible, 2 bad usage or bad input
(including a guest configuration QEMU refuses to start with).`;

/** The configuration the question is about: nested translation, which needs scalable mode and caching-mode. */
function defaultGuest(profile: ProfileId): string {
  // before x-flts (aw-only) the question is about scalable mode and caching-mode alone
  const flts = propertiesOf(profile).some((p) => p.field === 'flts') ? [propertyName(profile, 'flts')] : [];
  return [propertyName(profile, 'scalableMode'), ...flts, 'caching-mode'].map((p) => `${p}=on`).join(',');
}

const FIELDS_READ: Record<ProfileId, [RegisterName, string][]> = {
  // no register field is read before the seed's vtd_check_hiod_accel
  'aw-only': [],
  'xflts-refuse': [],
  'xflts-refuse-cm': [],
  'xflts-refuse-fs': [],
  seed: [['cap', 'FS1GP']],
  bridge: [['cap', 'FS1GP']],
  relaxed: [['cap', 'FS1GP']],
  fsts: [['cap', 'FS1GP']],
  pasid: [['cap', 'FS1GP'], ['ecap', 'PSS']],
};
/** Fields that tell a reader whether nesting can work, though the check does not read them. */
const CONTEXT: [RegisterName, string][] = [['cap', 'MGAW'], ['cap', 'SAGAW'], ['ecap', 'SMTS'], ['ecap', 'FSTS'], ['ecap', 'SSTS'], ['ecap', 'NEST'], ['ecap', 'PASID'], ['ecap', 'PSS']];

function fieldReport(device: HostIommuDevice, wanted: [RegisterName, string][]) {
  const vtd = device.caps.vendorCaps.vtd;
  return wanted.map(([reg, name]) => {
    const value = reg === 'cap' ? vtd.capReg : vtd.ecapReg;
    const f = decodeRegister(reg, value).fields.find((d) => d.field.name === name);
    if (!f) throw new Error(`no field ${name} in ${reg}_reg`);
    const bits = f.field.lsb === f.field.msb ? `bit ${f.field.lsb}` : `bits ${f.field.msb}:${f.field.lsb}`;
    return { register: `${reg}_reg`, value: `0x${value.toString(16)}`, field: f.field.name, ...(f.field.linuxName ? { linux: f.field.linuxName } : {}), bits, raw: `0x${f.raw.toString(16)}`, meaning: describeMeaning(f.field, f.meaning), title: f.field.title };
  });
}

interface Verdict {
  readonly id: string;
  readonly host: HostDescription;
  readonly outcome: Outcome;
  readonly row: { readonly id: string; readonly spec: string };
  readonly line: string;
}

function check(id: string, host: HostDescription, props: IntelIommuProps, profile: ProfileId, stub: boolean): Verdict {
  const plugin = stub ? stubPlugin(profile) : vtdPlugin(profile);
  const guest = { props, attached: [] };
  const outcome = plugin.check(guest, host.device);
  const c = { guest, device: host.device };
  const row = rowFor(loadReferenceTable(profile), classifyCase(c, plugin.implements));
  if (!sameOutcome(outcome, expectedOutcome(row, c))) throw new Error(`the checker and reference/${profile}.json disagree on ${id}`);
  return { id, host, outcome, row: { id: row.id, spec: row.spec }, line: refusal(outcome, host, host.device.name, profile) };
}

/** What QEMU prints when it refuses the attach (empty when it accepts), naming the device `name`. */
function refusal(outcome: Outcome, host: HostDescription, name: string, profile: ProfileId): string {
  if (outcome.ok) return '';
  const option = host.backend === 'iommufd' ? `vfio-pci,host=${name},iommufd=iommufd0` : `vfio-pci,host=${name}`;
  return renderUserVisible(outcome.error, name, { kind: 'cold', deviceOption: option }, profile);
}

function withOverrides(host: HostDescription, backend: Backend | undefined, behindBridge: boolean, awBits: number | undefined): HostDescription {
  let next = host;
  if (backend !== undefined && backend !== host.backend) {
    const qom = hostIommuTypeRegistry().instantiate(backend === 'iommufd' ? TYPE_HOST_IOMMU_DEVICE_IOMMUFD_VFIO : TYPE_HOST_IOMMU_DEVICE_LEGACY_VFIO);
    next = { ...next, backend, device: { ...next.device, qom } };
  }
  if (behindBridge) {
    const guest = placeAt(BEHIND_PCI_BRIDGE_AT, '--behind-pci-bridge');
    next = { ...next, guest, device: { ...next.device, pci: guest.placement } };
  }
  if (awBits !== undefined) next = { ...next, awBitsFrom: 'description', device: { ...next.device, awBits: { kind: 'value', bits: awBits } } };
  return next;
}

function hostFromSysfs(dir: string): HostDescription {
  const target = readSysfs(dir);
  const { unit } = target;
  const name = target.kind === 'pci-device' ? target.bdf : unit.name;
  const guest = placeAt(['02.0'], 'pci');
  const pss = decodeRegister('ecap', unit.ecap).fields.find((f) => f.field.name === 'PSS');
  const pasid = decodeRegister('ecap', unit.ecap).fields.find((f) => f.field.name === 'PASID')?.meaning === true;
  const device: HostIommuDevice = {
    name,
    qom: hostIommuTypeRegistry().instantiate(TYPE_HOST_IOMMU_DEVICE_IOMMUFD_VFIO),
    caps: {
      // a DMAR unit is an Intel VT-d IOMMU; sysfs shows neither hw_caps nor the errata flags
      type: u32(IOMMU_HW_INFO_TYPE.INTEL_VTD),
      hwCaps: u64(0n),
      vendorCaps: { vtd: { flags: u32(0), capReg: unit.cap, ecapReg: unit.ecap } },
      maxPasidLog2: pasid ? (pss?.meaning as number) : 0,
    },
    awBits: { kind: 'value', bits: awBitsFromMgaw(unit.cap) },
    pci: guest.placement,
  };
  return { device, backend: 'iommufd', unit, awBitsFrom: 'mgaw', guest };
}

/** A verdict's host for people; every text that came from the input is passed through terminalText. */
function describeHost(v: Verdict): string[] {
  const { host } = v;
  const d = host.device;
  const u = host.unit;
  const unit = u ? ` on DMAR unit ${terminalText(u.name)}${u.address ? ` at ${terminalText(u.address)}` : ''}${u.version ? `, version ${terminalText(u.version)}` : ''}${u.path ? ` (${terminalText(u.path, Infinity)})` : ''}` : '';
  const type = iommuHwInfoTypeName(d.caps.type);
  const aw = d.awBits.kind === 'value' ? `${d.awBits.bits}${host.awBitsFrom === 'mgaw' ? " (the unit's MGAW; QEMU asks the kernel's IOVA ranges, which sysfs does not show)" : ''}` : d.awBits.kind;
  return [
    `${terminalText(v.id, Infinity)}: ${terminalText(d.name)}${unit}`,
    `  ${host.backend} backend (${d.qom.type}) · IOMMU type ${d.caps.type}${type ? ` (${type})` : ''} · host aw-bits ${aw}`,
    `  in the guest: ${host.guest.description}`,
    // the schema bounds a description's length: it is never cut
    ...(host.description ? [`  ${terminalText(host.description, Infinity)}`] : []),
  ];
}

export function checkCommand(argv: readonly string[], io: CliIo): number {
  const { values } = parseOptions(
    'check',
    {
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        sysfs: { type: 'string' },
        guest: { type: 'string' },
        backend: { type: 'string' },
        'behind-pci-bridge': { type: 'boolean' },
        'host-aw-bits': { type: 'string' },
        profile: { type: 'string' },
        stub: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    },
  );
  if (values.help) {
    io.stdout(`${CHECK_HELP}\n`);
    return EXIT.ok;
  }
  const hostPath = pathOption('--host', values.host);
  const sysfsPath = pathOption('--sysfs', values.sysfs);
  if (hostPath !== undefined && sysfsPath !== undefined) throw new UsageError('give --host or --sysfs, not both', 'check');
  const profile = choiceOption('--profile', values.profile, PROFILES) ?? 'seed';
  const backend = choiceOption('--backend', values.backend, ['iommufd', 'legacy'] as const);
  const awBits = integerOption('--host-aw-bits', values['host-aw-bits'], 1, 64);
  const stub = values.stub === true;
  if (stub && !hasVtdAccel(profile)) throw new UsageError(`--stub: profile ${profile} predates CONFIG_VTD_ACCEL and its stub (added by the seed, cca621c7)`, 'check');

  const guestText = values.guest ?? defaultGuest(profile);
  // the -device driver name may lead the list; QEMU's own lines name it once
  const shown = terminalText(guestText.replace(/^(driver=)?intel-iommu(,|$)/, ''), Infinity);
  // device_init_func() reports a setter's refusal and a realize refusal alike, located at the -device option
  const refuse = (message: string, hints: string): number => {
    io.stderr(`qemu-system-x86_64: -device intel-iommu${shown === '' ? '' : `,${shown}`}: ${terminalText(message, Infinity)}\n${hints}`);
    io.stderr(`hiodkit check: QEMU refuses this intel-iommu configuration before any device is attached\n`);
    return EXIT.usage;
  };
  let props: IntelIommuProps;
  try {
    // QemuOpts warns while it parses, before any property is set; QEMU's deprecation warning is two lines, each escaped on its own
    props = parseGuestProperties(guestText, profile, { onWarning: (w) => io.stderr(`hiodkit check: warning: ${w.split('\n').map((l) => terminalText(l, Infinity)).join('\n')}\n`) });
  } catch (e) {
    if (e instanceof PropertyValueError) return refuse(e.reason, '');
    if (e instanceof InputError) throw new InputError(`--guest ${e.path}`, e.reason);
    throw e;
  }
  const decided = decideConfig(props, profile);
  if (!decided.ok) return refuse(decided.error.message, hintText(decided.error));

  let hosts: { id: string; host: HostDescription }[];
  let source: string;
  if (hostPath !== undefined) {
    const path = hostPath;
    try {
      hosts = [{ id: path, host: readHostFile(resolve(io.cwd, path)) }];
    } catch (e) {
      if (e instanceof InputError && e.path !== path) throw new InputError(`--host ${path}: ${e.path}`, e.reason);
      throw e;
    }
    source = `host ${path}`;
  } else if (sysfsPath !== undefined) {
    hosts = [{ id: sysfsPath, host: hostFromSysfs(resolve(io.cwd, sysfsPath)) }];
    source = `sysfs ${sysfsPath}`;
  } else {
    hosts = sampleHosts();
    source = `no --host or --sysfs given: the ${hosts.length} sample hosts bundled with hiodkit`;
  }
  // a suspicious register is worth a word, but the verdict is QEMU's on the value as given
  if (hostPath !== undefined || sysfsPath !== undefined) {
    for (const { host } of hosts) {
      if (host.device.caps.type !== IOMMU_HW_INFO_TYPE.INTEL_VTD) continue;
      const { capReg, ecapReg } = host.device.caps.vendorCaps.vtd;
      for (const w of [...registerWarnings('cap', capReg), ...registerWarnings('ecap', ecapReg)]) io.stderr(`hiodkit check: warning: ${w} The verdict stands on it as given.\n`);
    }
  }
  const verdicts = hosts.map(({ id, host }) => check(id, withOverrides(host, backend, values['behind-pci-bridge'] === true, awBits), props, profile, stub));

  if (values.json) {
    const out = {
      profile,
      qemuCommit: PROFILE_INFO[profile].commit,
      checker: !hasVtdAccel(profile) ? 'intel_iommu.c' : stub ? 'stub' : 'accel',
      guest: { properties: formatGuestProperties(props, profile), given: guestText },
      source,
      verdicts: verdicts.map((v) => ({
        id: v.id,
        host: v.host.device.name,
        ...(v.host.unit ? { unit: { name: v.host.unit.name, address: v.host.unit.address, version: v.host.unit.version, path: v.host.unit.path } } : {}),
        backend: v.host.backend,
        placement: v.host.guest.description,
        compatible: v.outcome.ok,
        ...(v.outcome.ok ? {} : { error: v.outcome.error, line: v.line }),
        decidedBy: v.row,
        fieldsRead: fieldReport(v.host.device, FIELDS_READ[profile]),
      })),
    };
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    const kconfig = !hasVtdAccel(profile) ? 'no CONFIG_VTD_ACCEL yet' : stub ? 'CONFIG_VTD_ACCEL off (stub)' : 'CONFIG_VTD_ACCEL on';
    io.stdout(`hiodkit check · profile ${profile} (qemu ${PROFILE_INFO[profile].commit}) · ${kconfig}\n`);
    io.stdout(`guest: -device intel-iommu${shown === '' ? '' : `,${shown}`}\n${terminalText(source, Infinity)}\n`);
    for (const v of verdicts) {
      io.stdout(`\n${describeHost(v).join('\n')}\n`);
      io.stdout(`  ${v.outcome.ok ? 'COMPATIBLE' : 'INCOMPATIBLE'}: decided by ${v.row.id} (${v.row.spec})\n`);
      if (!v.outcome.ok) io.stdout(`${refusal(v.outcome, v.host, terminalText(v.host.device.name), profile).split('\n').map((l) => (l === '' ? '' : `    ${l}`)).join('\n').trimEnd()}\n`);
      if (v.host.device.caps.type === 1 && FIELDS_READ[profile].length > 0) {
        io.stdout('  register fields the check reads:\n');
        for (const f of fieldReport(v.host.device, FIELDS_READ[profile])) io.stdout(`    ${f.register} ${f.value}: ${f.field}${f.linux ? ` (${f.linux})` : ''} ${f.bits} = ${f.raw} · ${f.title}: ${f.meaning}\n`);
        io.stdout(`  context: ${fieldReport(v.host.device, CONTEXT).map((f) => `${f.field} ${f.meaning}`).join(' · ')}\n`);
      }
    }
  }
  return verdicts.every((v) => v.outcome.ok) ? EXIT.ok : EXIT.failed;
}
