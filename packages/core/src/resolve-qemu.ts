import { intelIommuDefaults, propertiesOf, type IntelIommuProps, type PropertyDef } from './guest.js';
import { InputError } from './input-error.js';
import type { ProfileId } from './profile.js';
import { INTEL_IOMMU_MACHINE_COMPAT, OLDEST_MAPPED_MACHINE, QEMU_RELEASES, type MachineCompat, type QemuRelease } from './qemu-releases.js';

/** What a QEMU release and machine type make of `-device intel-iommu`. */
export interface ResolvedQemu {
  readonly release: QemuRelease;
  /** the versioned machine type, `q35` resolved */
  readonly machine: string;
  readonly profile: ProfileId;
  /** the intel-iommu properties the release has (parseGuestProperties' `properties`) */
  readonly properties: readonly PropertyDef[];
  /** the property values before the user's list: the release's defaults with the machine's compat entries */
  readonly defaults: IntelIommuProps;
  /** the compat entries that changed a default */
  readonly compat: readonly MachineCompat[];
}

const Q35 = /^pc-q35-(\d+)\.(\d+)$/;

function versionKey(version: string): number {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major * 1000 + minor;
}

/** The machine types of a release that the map covers, oldest first; `q35` names the last. */
export function knownMachineTypes(release: QemuRelease): string[] {
  return QEMU_RELEASES.filter((r) => versionKey(r.version) >= versionKey(OLDEST_MAPPED_MACHINE) && versionKey(r.version) <= versionKey(release.version)).map((r) => `pc-q35-${r.version}`);
}

function findRelease(qemu: string): QemuRelease {
  const known = QEMU_RELEASES.map((r) => r.version).join(', ');
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(qemu.trim());
  if (m && m[3] !== undefined && m[3] !== '0') {
    throw new InputError('qemu', `${qemu} is a stable release, which the version map does not hold: give X.Y for the X.Y.0 release (known: ${known})`);
  }
  const release = m ? QEMU_RELEASES.find((r) => r.version === `${Number(m[1])}.${Number(m[2])}`) : undefined;
  if (!release) throw new InputError('qemu', `QEMU ${JSON.stringify(qemu)} is not in the version map (known: ${known})`);
  return release;
}

function findMachine(machine: string, release: QemuRelease): string {
  const known = knownMachineTypes(release);
  const newest = known[known.length - 1] as string;
  if (machine === 'q35') return newest;
  const m = Q35.exec(machine);
  const list = `q35 (= ${newest}), ${known.join(', ')}`;
  if (!m) throw new InputError('machine', `unknown machine type ${JSON.stringify(machine)} (QEMU ${release.version} here: ${list})`);
  const version = `${Number(m[1])}.${Number(m[2])}`;
  if (versionKey(version) > versionKey(release.version)) throw new InputError('machine', `${machine} is newer than QEMU ${release.version} (it has ${list})`);
  if (versionKey(version) < versionKey(OLDEST_MAPPED_MACHINE)) {
    throw new InputError('machine', `${machine} is older than the version map, whose compat entries were read from pc-q35-${OLDEST_MAPPED_MACHINE} up (QEMU ${release.version} here: ${list})`);
  }
  if (!known.includes(`pc-q35-${version}`)) throw new InputError('machine', `unknown machine type ${JSON.stringify(machine)} (QEMU ${release.version} here: ${list})`);
  return `pc-q35-${version}`;
}

/**
 * The profile and intel-iommu property defaults of `--qemu VERSION` (`X.Y` or `X.Y.0`) with
 * `--machine TYPE` (`q35` or `pc-q35-X.Y`, default `q35`). Throws InputError naming the known ones.
 */
export function resolveQemu(qemu: string, machine = 'q35'): ResolvedQemu {
  const release = findRelease(qemu);
  const resolved = findMachine(machine, release);
  const machineVersion = resolved.slice('pc-q35-'.length);
  // a machine type X.Y applies pc_compat_X_Y and every newer array (pc_q35_machine_X_Y_options chains down)
  const compat = INTEL_IOMMU_MACHINE_COMPAT.filter((c) => versionKey(release.version) >= versionKey(c.fromQemu) && versionKey(machineVersion) <= versionKey(c.upTo));
  const defaults: Record<string, unknown> = { ...intelIommuDefaults(release.profile) };
  for (const c of compat) defaults[c.field] = c.value;
  return {
    release,
    machine: resolved,
    profile: release.profile,
    properties: propertiesOf(release.profile).filter((p) => !release.lacks.includes(p.name)),
    defaults: defaults as unknown as IntelIommuProps,
    compat,
  };
}
