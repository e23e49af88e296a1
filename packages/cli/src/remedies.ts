import {
  PROFILES,
  QEMU_RELEASES,
  VTD_HOST_AW_39BIT,
  VTD_HOST_AW_48BIT,
  knownMachineTypes,
  profileAtLeast,
  propertiesOf,
  propertyName,
  resolveQemu,
  type IntelIommuProps,
  type ProfileId,
} from '@hiodkit/core';
import { hostPasidBits } from '@hiodkit/vtd';
import { scenarioProfile, scenarioProps, type Behaviour, type Scenario } from './verdict.js';

/** The input change a remedy stands for, in the terms of a Scenario. */
export type InputChange =
  | { readonly kind: 'set'; readonly values: Partial<IntelIommuProps> }
  | { readonly kind: 'behaviour'; readonly behaviour: Behaviour }
  | { readonly kind: 'backend'; readonly backend: 'iommufd' }
  | { readonly kind: 'root-port' }
  | { readonly kind: 'accel-build' };

/** What to change, in words for the input's form, and the change itself. */
export interface Remedy {
  readonly text: string;
  readonly change: InputChange;
}

/** How the input is written, so that a remedy names the setting where the user has it. */
export type InputForm = 'qemu' | 'libvirt';

/** Applies a remedy's change to a scenario. */
export function applyChange(s: Scenario, change: InputChange): Scenario {
  switch (change.kind) {
    case 'set':
      return { ...s, explicit: { ...s.explicit, ...change.values } };
    case 'behaviour':
      return { ...s, behaviour: change.behaviour };
    case 'backend':
      return { ...s, backend: change.backend };
    case 'root-port':
      // a pcie-root-port on the root bus: one PCIe bus between the device and the root, no alias
      return { ...s, device: { ...s.device, pci: { bus: s.device.pci.bus, devfn: 0, upstreamBuses: ['pcie'] } } };
    case 'accel-build':
      return { ...s, stub: false };
  }
}

/** A property as the input form writes it: `aw-bits=39` on -device intel-iommu, or libvirt's attribute or <qemu:override>. */
function setting(profile: ProfileId, field: keyof IntelIommuProps, value: boolean | number, form: InputForm): string {
  const name = propertyName(profile, field);
  const qemu = `${name}=${typeof value === 'boolean' ? (value ? 'on' : 'off') : value}`;
  if (form === 'qemu') return `${qemu} on -device intel-iommu`;
  const attribute = { awBits: 'aw_bits', cachingMode: 'caching_mode' }[field as string];
  if (attribute !== undefined) return `<driver ${attribute}='${typeof value === 'boolean' ? (value ? 'on' : 'off') : value}'/> in <iommu model='intel'>`;
  return `<qemu:property name='${name}' type='${typeof value === 'boolean' ? 'bool' : 'unsigned'}' value='${String(value)}'/> in the <qemu:override> of the iommu's alias (${qemu})`;
}

/** The first release, from this one on, whose check does not end in the unconditional refusal. */
function firstAcceptingRelease(after: string | undefined): (typeof QEMU_RELEASES)[number] | undefined {
  const from = after === undefined ? 0 : QEMU_RELEASES.findIndex((r) => r.version === after);
  return QEMU_RELEASES.slice(from).find((r) => profileAtLeast(r.profile, 'relaxed'));
}

function awBitsRemedy(s: Scenario, props: IntelIommuProps, profile: ProfileId, form: InputForm): Remedy | undefined {
  if (s.device.awBits.kind !== 'value') return undefined;
  const host = s.device.awBits.bits;
  // vtd_decide_config takes aw-bits 39 or 48 without x-flts, 48 only with it: below 39 nothing fits
  if (host < VTD_HOST_AW_39BIT) return undefined;
  const hasFlts = propertiesOf(profile).some((p) => p.field === 'flts');
  if (hasFlts && props.flts) {
    const flts = propertyName(profile, 'flts');
    return {
      text: `${setting(profile, 'awBits', VTD_HOST_AW_39BIT, form)} with ${flts}=off${form === 'libvirt' ? ' (in the <qemu:override>)' : ''}: second-stage translation only; ${flts}=on needs aw-bits=${VTD_HOST_AW_48BIT} (vtd_decide_config) and this unit gives ${host}, so nesting is impossible on it`,
      change: { kind: 'set', values: { flts: false, awBits: VTD_HOST_AW_39BIT } },
    };
  }
  return { text: setting(profile, 'awBits', VTD_HOST_AW_39BIT, form), change: { kind: 'set', values: { awBits: VTD_HOST_AW_39BIT } } };
}

/** The machine-type remedy for the aw-bits refusal, offered beside aw-bits=39 where the default changed under the user. */
function machinePinRemedy(s: Scenario, form: InputForm): Remedy | undefined {
  if (s.behaviour.kind !== 'release' || s.explicit.awBits !== undefined) return undefined;
  if (s.device.awBits.kind !== 'value' || s.device.awBits.bits < VTD_HOST_AW_39BIT) return undefined;
  if (scenarioProps(s).flts) return undefined;
  const release = s.behaviour.version;
  if (!knownMachineTypes(resolveQemu(release).release).includes('pc-q35-9.1') || s.behaviour.machine === 'pc-q35-9.1') return undefined;
  if (resolveQemu(release, 'pc-q35-9.1').defaults.awBits !== VTD_HOST_AW_39BIT) return undefined;
  const text = form === 'qemu' ? '-machine pc-q35-9.1, whose intel-iommu aw-bits default is 39 (pc_compat_9_1)' : "<type machine='pc-q35-9.1'>, whose intel-iommu aw-bits default is 39 (pc_compat_9_1)";
  return { text, change: { kind: 'behaviour', behaviour: { kind: 'release', version: release, machine: 'pc-q35-9.1' } } };
}

/**
 * What would change the answer for a refusal by `row`, only where it provably does: applying any
 * of the changes removes that refusal (the next check may refuse in turn; its own remedy is then
 * shown). The first is the one to try; the others are alternatives. Empty where nothing is provably right.
 */
export function remediesFor(s: Scenario, row: string, form: InputForm): Remedy[] {
  const primary = remedyFor(s, row, form);
  const pin = row === 'aw-bits-exceed-host' ? machinePinRemedy(s, form) : undefined;
  return [primary, pin].filter((r): r is Remedy => r !== undefined);
}

function remedyFor(s: Scenario, row: string, form: InputForm): Remedy | undefined {
  const profile = scenarioProfile(s);
  const props = scenarioProps(s);
  switch (row) {
    case 'caching-mode-off':
      return { text: setting(profile, 'cachingMode', true, form), change: { kind: 'set', values: { cachingMode: true } } };
    case 'aw-bits-exceed-host':
      return awBitsRemedy(s, props, profile, form);
    case 'not-iommufd':
      return {
        text: form === 'qemu' ? '-object iommufd,id=iommufd0 and iommufd=iommufd0 on this -device vfio-pci' : "<driver iommufd='yes'/> in this <hostdev>",
        change: { kind: 'backend', backend: 'iommufd' },
      };
    case 'fs1gp-unsupported':
      return { text: setting(profile, 'fs1gp', false, form), change: { kind: 'set', values: { fs1gp: false } } };
    case 'pasid-bits-exceed-host': {
      const host = hostPasidBits(s.device.caps.vendorCaps.vtd.ecapReg);
      return { text: setting(profile, 'pasidBits', host, form), change: { kind: 'set', values: { pasidBits: host } } };
    }
    case 'behind-pci-bridge':
      return {
        text: form === 'qemu' ? 'plug it into a pcie-root-port (bus= the port\'s id, addr=0) instead of behind a conventional PCI bridge' : "give the <hostdev> an <address> on a pcie-root-port controller instead of behind a pci-bridge or pcie-to-pci-bridge",
        change: { kind: 'root-port' },
      };
    case 'accel-stub':
      return { text: 'a QEMU built with CONFIG_VTD_ACCEL=y (this build links the stub, which refuses every device)', change: { kind: 'accel-build' } };
    case 'first-stage-rejected': {
      if (s.behaviour.kind === 'release') {
        const next = firstAcceptingRelease(s.behaviour.version);
        if (next === undefined) return undefined;
        return { text: `QEMU ${next.version} (profile ${next.profile}), the first release that accepts a device with ${propertyName(profile, 'flts')}=on`, change: { kind: 'behaviour', behaviour: { kind: 'release', version: next.version, machine: s.behaviour.machine } } };
      }
      const accepting = PROFILES.find((p) => profileAtLeast(p, 'relaxed') && propertiesOf(p).some((d) => d.name === propertyName(profile, 'flts')));
      if (accepting === undefined) return undefined;
      const release = QEMU_RELEASES.find((r) => r.profile === accepting);
      return { text: `profile ${accepting}${release === undefined ? '' : ` (QEMU ${release.version})`}, the first revision that accepts a device with ${propertyName(profile, 'flts')}=on`, change: { kind: 'behaviour', behaviour: { kind: 'profile', profile: accepting } } };
    }
    default:
      return undefined;
  }
}
