import type { HostIommuDevice, IntelIommuProps, PluginDeclaration, ProfileId, QemuError } from '@hiodkit/core';
import { getCapErrors } from '../arbitraries/get-cap-error.js';
import { TYPE_KIT_UNKNOWN, kitTypeRegistry } from '../arbitraries/qom-types.js';
import { absentFieldsAtDefault, guestProblems } from './guest-config.js';
import { PREDICATE_NAMES, classifyCase, hostPasidWidth, type Case, type PredicateName } from './predicates.js';
import type { PartialAssignment } from './reference.js';

/** A bug in the kit itself (a generator that cannot make what it promised), never a plugin's fault. */
export class KitError extends Error {
  override readonly name = 'KitError';
}

const registry = kitTypeRegistry();
const FS1GP = 1n << 56n;
const PSS_MASK = 0x1fn << 35n;
const NON_VTD_TYPES = [0, 2, 3, 0x8000_0000, 0xffff_ffff];

function withProps(c: Case, props: Partial<IntelIommuProps>): Case {
  return { guest: { ...c.guest, props: { ...c.guest.props, ...props } }, device: c.device };
}

function withDevice(c: Case, device: Partial<HostIommuDevice>): Case {
  return { guest: c.guest, device: { ...c.device, ...device } };
}

function withCaps(c: Case, caps: Partial<HostIommuDevice['caps']>): Case {
  return withDevice(c, { caps: { ...c.device.caps, ...caps } });
}

function withVtd(c: Case, vtd: Partial<HostIommuDevice['caps']['vendorCaps']['vtd']>): Case {
  return withCaps(c, { vendorCaps: { vtd: { ...c.device.caps.vendorCaps.vtd, ...vtd } } });
}

/** Changes the case so one predicate takes a value, keeping the guest config valid and the change small. */
function setPredicate(c: Case, p: PredicateName, v: string): Case {
  const props = c.guest.props;
  const device = c.device;
  switch (p) {
    case 'cachingMode':
      return withProps(c, { cachingMode: v === 'on' });
    case 'duplicate': {
      const others = c.guest.attached.filter((a) => a.bus !== device.pci.bus || a.devfn !== device.pci.devfn);
      const attached = v === 'yes' ? [...others, { bus: device.pci.bus, devfn: device.pci.devfn }] : others;
      return { guest: { ...c.guest, attached }, device };
    }
    case 'awBits': {
      const aw = device.awBits;
      if (v === 'no-get-cap') return withDevice(c, { awBits: { kind: 'no-get-cap' } });
      if (v === 'get-cap-fails') {
        if (aw.kind === 'error') return c;
        // one of the traps, chosen by the case so that realized cases meet them all
        const errors = getCapErrors(device.name);
        return withDevice(c, { awBits: { kind: 'error', error: errors[(device.pci.devfn + device.pci.bus) % errors.length] as QemuError } });
      }
      const current = aw.kind === 'value' ? aw.bits : undefined;
      if (v === 'guest-le-host') return withDevice(c, { awBits: { kind: 'value', bits: current !== undefined && current >= props.awBits ? current : props.awBits } });
      return withDevice(c, { awBits: { kind: 'value', bits: current !== undefined && current < props.awBits ? current : props.awBits - 1 } });
    }
    case 'flts':
      return v === 'on' ? withProps(c, { flts: true, scalableMode: true, awBits: 48, dmaDrain: true }) : withProps(c, { flts: false, svm: false });
    case 'vtdAccel':
      throw new KitError('vtdAccel comes from the plugin declaration and cannot be set on a case');
    case 'iommufd': {
      const isIommufd = classifyCase(c, { kconfig: { VTD_ACCEL: true } }).iommufd === 'yes';
      if ((v === 'yes') === isIommufd) return c;
      // outside iommufd, alternate legacy-vfio and a type no checker knows by name
      const other = device.pci.devfn % 2 === 0 ? 'host-iommu-device-legacy-vfio' : TYPE_KIT_UNKNOWN;
      return withDevice(c, { qom: registry.instantiate(v === 'yes' ? 'host-iommu-device-iommufd-vfio' : other) });
    }
    case 'vtdType': {
      if (v === 'yes') return withCaps(c, { type: 1 as HostIommuDevice['caps']['type'] });
      if (device.caps.type !== 1) return c;
      const pick = NON_VTD_TYPES[Number(device.caps.vendorCaps.vtd.capReg % BigInt(NON_VTD_TYPES.length))] as number;
      return withCaps(c, { type: pick as HostIommuDevice['caps']['type'] });
    }
    case 'fs1gp':
      return withProps(c, { fs1gp: v === 'on' });
    case 'hostFs1gp': {
      const cap = device.caps.vendorCaps.vtd.capReg;
      return withVtd(c, { capReg: (v === 'set' ? cap | FS1GP : cap & ~FS1GP) as HostIommuDevice['caps']['vendorCaps']['vtd']['capReg'] });
    }
    case 'aliased': {
      const buses = device.pci.upstreamBuses;
      const upstreamBuses = v === 'yes' ? (buses.includes('pci') ? buses : [...buses, 'pci' as const]) : buses.map(() => 'pcie' as const);
      return withDevice(c, { pci: { ...device.pci, upstreamBuses } });
    }
    case 'pasid': {
      if (v === 'host-no-pasid') return withCaps(c, { maxPasidLog2: 0 });
      let next = device.caps.maxPasidLog2 === 0 ? withCaps(c, { maxPasidLog2: 20 }) : c;
      const ecap = next.device.caps.vendorCaps.vtd.ecapReg;
      const width = hostPasidWidth(ecap);
      const setWidth = (bits: number) => withVtd(next, { ecapReg: ((ecap & ~PSS_MASK) | (BigInt(bits - 1) << 35n)) as HostIommuDevice['caps']['vendorCaps']['vtd']['ecapReg'] });
      if (v === 'guest-le-host') return props.pasidBits > width ? setWidth(props.pasidBits) : next;
      // pasid-bits needs scalable mode, which needs dma-drain before the fsts profile (BEHAVIOUR §config.dma-drain)
      if (props.pasidBits < 2) next = withProps(next, { pasidBits: 20, scalableMode: true, dmaDrain: true });
      const guestBits = next.guest.props.pasidBits;
      return hostPasidWidth(next.device.caps.vendorCaps.vtd.ecapReg) < guestBits ? next : setWidth(guestBits - 1);
    }
  }
}

/**
 * The case changed so its predicates take the `target` values and keep every other value they had at
 * the profile, with a guest QEMU still realizes there (guest-config.ts). Throws KitError if that cannot be done.
 */
export function realize(c: Case, target: PartialAssignment, profile: ProfileId, declaration: Pick<PluginDeclaration, 'kconfig'>): Case {
  // a case made for a later profile (the canonical one has x-flts on) loses the fields this one lacks
  const start = withProps(c, absentFieldsAtDefault(c.guest.props, profile));
  const before = classifyCase(start, declaration);
  const wanted = { ...before, ...target } as Record<PredicateName, string>;
  let next = start;
  for (const [p, v] of Object.entries(target) as [PredicateName, string][]) if (p !== 'vtdAccel') next = setPredicate(next, p, v);
  for (let pass = 0; pass < 3; pass++) {
    const now = classifyCase(next, declaration);
    const off = PREDICATE_NAMES.filter((p) => p !== 'vtdAccel' && now[p] !== wanted[p]);
    if (off.length === 0) break;
    for (const p of off) next = setPredicate(next, p, wanted[p]);
  }
  const after = classifyCase(next, declaration);
  const wrong = PREDICATE_NAMES.filter((p) => after[p] !== wanted[p]);
  if (wrong.length > 0) throw new KitError(`realize: could not make ${wrong.map((p) => `${p}=${wanted[p]} (got ${after[p]})`).join(', ')}`);
  const problems = guestProblems(next.guest.props, profile);
  if (problems.length > 0) throw new KitError(`realize: the guest is no longer one of profile ${profile}: ${problems.join('; ')}`);
  return next;
}
