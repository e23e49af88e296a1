import {
  InputError,
  PROFILE_INFO,
  hasVtdAccel,
  intelIommuDefaults,
  parseGuestProperties,
  propertiesOf,
  propertyName,
  resolveQemu,
  splitQemuOpts,
  type IntelIommuProps,
  type ParseGuestOptions,
  type ProfileId,
  type PropertyDef,
  type ResolvedQemu,
} from '@hiodkit/core';
import type { Behaviour } from './verdict.js';

/** The QEMU a check is about: a release on a machine type (`--qemu`), or a profile (`--profile`). */
export interface Selected {
  readonly behaviour: Behaviour;
  readonly profile: ProfileId;
  readonly resolved: ResolvedQemu | undefined;
  readonly properties: readonly PropertyDef[];
  readonly defaults: IntelIommuProps;
}

/** Resolves `--qemu VERSION --machine TYPE` or `--profile P`; InputErrors name the option. */
export function selectBehaviour(qemu: string | undefined, machine: string | undefined, profile: ProfileId | undefined): Selected {
  if (qemu !== undefined) {
    let resolved: ResolvedQemu;
    try {
      resolved = resolveQemu(qemu, machine ?? 'q35');
    } catch (e) {
      if (e instanceof InputError) throw new InputError(e.path === 'qemu' ? '--qemu' : '--machine', e.reason);
      throw e;
    }
    return { behaviour: { kind: 'release', version: resolved.release.version, machine: resolved.machine }, profile: resolved.profile, resolved, properties: resolved.properties, defaults: resolved.defaults };
  }
  const p = profile ?? 'seed';
  return { behaviour: { kind: 'profile', profile: p }, profile: p, resolved: undefined, properties: propertiesOf(p), defaults: intelIommuDefaults(p) };
}

/** The header's words for the QEMU chosen. */
export function describeBehaviour(s: Selected, stub: boolean): string {
  const kconfig = !hasVtdAccel(s.profile) ? 'no CONFIG_VTD_ACCEL yet' : stub ? 'CONFIG_VTD_ACCEL off (stub)' : 'CONFIG_VTD_ACCEL on';
  const commit = PROFILE_INFO[s.profile].commit;
  if (s.resolved === undefined) return `profile ${s.profile} (qemu ${commit}) · ${kconfig}`;
  return `QEMU ${s.resolved.release.version} on ${s.resolved.machine} (profile ${s.profile}, qemu ${commit}) · ${kconfig}`;
}

/** The configuration the question is about: nested translation, which needs scalable mode and caching-mode. */
export function defaultGuest(profile: ProfileId): string {
  // before x-flts (aw-only) the question is about scalable mode and caching-mode alone
  const flts = propertiesOf(profile).some((p) => p.field === 'flts') ? [propertyName(profile, 'flts')] : [];
  return [propertyName(profile, 'scalableMode'), ...flts, 'caching-mode'].map((p) => `${p}=on`).join(',');
}

/** The fields a property list sets itself, by the names in it (a short form `nofs1gp` names fs1gp). */
export function namedFields(names: readonly string[], defs: readonly PropertyDef[]): (keyof IntelIommuProps)[] {
  return names.flatMap((n) => defs.filter((d) => d.name === n).map((d) => d.field));
}

/** The names a QemuOpts property list sets, the driver and id aside. */
export function optsNames(text: string): string[] {
  return splitQemuOpts(text)
    .map((o, i) => (i === 0 && o.shortForm === 'intel-iommu' ? '' : o.name))
    .filter((n) => n !== '' && n !== 'driver' && n !== 'id');
}

/** Picks the given fields of a full property set: what the user set, the rest being defaults. */
export function explicitOf(props: IntelIommuProps, fields: readonly (keyof IntelIommuProps)[]): Partial<IntelIommuProps> {
  return Object.fromEntries(fields.map((f) => [f, props[f]])) as Partial<IntelIommuProps>;
}

/** Parses --guest over the selected defaults; QEMU's refusal of a value is a PropertyValueError. */
export function parseGuest(text: string, s: Selected, onWarning: ParseGuestOptions['onWarning']): IntelIommuProps {
  return parseGuestProperties(text, s.profile, { defaults: s.defaults, properties: s.properties, ...(onWarning === undefined ? {} : { onWarning }) });
}
