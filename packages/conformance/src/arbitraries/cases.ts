import fc from 'fast-check';
import type { PciAddress, PluginDeclaration, ProfileId } from '@hiodkit/core';
import type { Case } from '../oracle/predicates.js';
import { realize } from '../oracle/realize.js';
import type { PartialAssignment, ReferenceRow, ReferenceTable } from '../oracle/reference.js';
import { guestPropsArb } from './guest.js';
import { awBitsAnswer, hostDeviceDraftArb } from './host-device.js';

const pciAddressArb = (): fc.Arbitrary<PciAddress> => fc.record({ bus: fc.integer({ min: 0, max: 3 }), devfn: fc.integer({ min: 0, max: 255 }) });

/** A vIOMMU state and a host device drawn independently: caching-mode, attached devices, get_cap states, aw-bits around the guest's. */
export const freeCaseArb = (profile: ProfileId = 'seed'): fc.Arbitrary<Case> =>
  fc
    .record({
      props: guestPropsArb(profile),
      draft: hostDeviceDraftArb(),
      others: fc.array(pciAddressArb(), { maxLength: 3 }),
      duplicate: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 6, arbitrary: fc.constant(false) }),
    })
    .map(({ props, draft, others, duplicate }): Case => {
      const { device } = draft;
      const own = (a: PciAddress) => a.bus === device.pci.bus && a.devfn === device.pci.devfn;
      const attached = duplicate ? [...others, { bus: device.pci.bus, devfn: device.pci.devfn }] : others.filter((a) => !own(a));
      return { guest: { props, attached }, device: { ...device, awBits: awBitsAnswer(draft.awBits, props.awBits) } };
    });

function expand(conj: Readonly<Record<string, string | readonly string[]>>): PartialAssignment[] {
  return Object.entries(conj).reduce<PartialAssignment[]>(
    (acc, [p, v]) => acc.flatMap((a) => (typeof v === 'string' ? [v] : v).map((x) => ({ ...a, [p]: x }))),
    [{}],
  );
}

/** The concrete predicate assignments a row can be realized with under a declaration (its vtdAccel fixed). */
export function rowTargets(row: ReferenceRow, declaration: Pick<PluginDeclaration, 'kconfig'>): PartialAssignment[] {
  const vtdAccel = declaration.kconfig.VTD_ACCEL ? 'y' : 'n';
  return row.when.flatMap((conj) => expand(conj)).filter((a) => a.vtdAccel === undefined || a.vtdAccel === vtdAccel);
}

/** The rows a plugin with this declaration can reach. */
export function reachableRows(table: ReferenceTable, declaration: Pick<PluginDeclaration, 'kconfig'>): ReferenceRow[] {
  return table.rows.filter((row) => rowTargets(row, declaration).length > 0);
}

/** Cases that fall in one given row, each a free case moved into the row by realize(). */
export const rowCaseArb = (row: ReferenceRow, profile: ProfileId, declaration: Pick<PluginDeclaration, 'kconfig'>): fc.Arbitrary<Case> => {
  const targets = rowTargets(row, declaration);
  if (targets.length === 0) throw new RangeError(`row ${row.id} cannot be reached by a plugin declaring CONFIG_VTD_ACCEL=${declaration.kconfig.VTD_ACCEL ? 'y' : 'n'}`);
  return fc.tuple(freeCaseArb(profile), fc.constantFrom(...targets)).map(([c, target]) => realize(c, target, profile, declaration));
};

/** The default mix: a fifth free cases, the rest spread evenly over the reachable rows. */
export const defaultCaseArb = (table: ReferenceTable, declaration: Pick<PluginDeclaration, 'kconfig'>): fc.Arbitrary<Case> => {
  const rows = reachableRows(table, declaration).map((row) => rowCaseArb(row, table.profile, declaration));
  return fc.oneof({ weight: 1, arbitrary: freeCaseArb(table.profile) }, { weight: 4, arbitrary: fc.oneof(...rows) });
};

/** Cases that pass steps 1-6 with x-flts on: they reach vtd_check_hiod_accel or its stub. */
export const accelCaseArb = (profile: ProfileId, declaration: Pick<PluginDeclaration, 'kconfig'>): fc.Arbitrary<Case> =>
  freeCaseArb(profile).map((c) => realize(c, { cachingMode: 'on', duplicate: 'no', awBits: 'guest-le-host', flts: 'on' }, profile, declaration));
