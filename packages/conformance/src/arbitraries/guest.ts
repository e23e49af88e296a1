import fc from 'fast-check';
import { profileAtLeast, type IntelIommuProps, type ProfileId } from '@hiodkit/core';
import { absentFieldProblems, absentFieldsAtDefault, guestProblems, realizeProblems } from '../oracle/guest-config.js';
import { boundedFilter } from './bounded-filter.js';

const weighted = (pTrue: number): fc.Arbitrary<boolean> =>
  fc.oneof({ weight: pTrue, arbitrary: fc.constant(true) }, { weight: 100 - pTrue, arbitrary: fc.constant(false) });

/** Guest intel-iommu properties QEMU realizes at the profile (the kit's guest-config rules): x-flts on and off, fs1gp on and off. */
export const guestPropsArb = (profile: ProfileId = 'seed'): fc.Arbitrary<IntelIommuProps> => {
  const built = fc
    .record({
      flts: fc.boolean(),
      scalable: fc.boolean(),
      aw39: weighted(30),
      fs1gp: weighted(60),
      cachingMode: weighted(85),
      pasid: fc.boolean(),
      pasidBits: fc.integer({ min: 1, max: 20 }),
      dmaDrain: weighted(90),
      svm: weighted(20),
      eim: fc.constantFrom('auto', 'on', 'off'),
      intremap: fc.constantFrom('auto', 'on', 'off'),
      buggyEim: fc.boolean(),
      snoopControl: fc.boolean(),
      staleTm: fc.boolean(),
      version: fc.constantFrom(0, 1, 3),
      deviceIotlb: fc.boolean(),
      pt: weighted(90),
      dmaTranslation: weighted(90),
    } as const)
    .map((r): IntelIommuProps => {
      const renamed = profileAtLeast(profile, 'fsts');
      const scalableMode = r.flts || r.scalable;
      const pasid = scalableMode && r.pasid;
      return {
        awBits: r.flts ? 48 : r.aw39 ? 39 : 48,
        cachingMode: r.cachingMode,
        scalableMode,
        flts: r.flts,
        fs1gp: r.fs1gp,
        pasidMode: !profileAtLeast(profile, 'pasid') && pasid && (renamed || !r.deviceIotlb),
        pasidBits: profileAtLeast(profile, 'pasid') && pasid ? r.pasidBits : 0,
        dmaDrain: renamed || scalableMode ? true : r.dmaDrain,
        svm: renamed && r.svm && r.flts && r.deviceIotlb && r.dmaTranslation && pasid,
        eim: r.intremap === 'off' && r.eim === 'on' ? 'off' : r.eim,
        buggyEim: renamed ? false : r.buggyEim,
        snoopControl: r.snoopControl,
        staleTm: r.staleTm,
        version: r.version,
        intremap: r.intremap,
        deviceIotlb: r.deviceIotlb,
        pt: r.pt,
        dmaTranslation: r.dmaTranslation,
      };
    })
    .map((props) => absentFieldsAtDefault(props, profile));
  return boundedFilter(built, (props) => guestProblems(props, profile).length === 0, `guestPropsArb(${profile})`);
};

/** Guest properties QEMU refuses at realize at the profile, each breaking one of its checks, every field the profile lacks at its value there. */
export const invalidGuestPropsArb = (profile: ProfileId = 'seed'): fc.Arbitrary<IntelIommuProps> => {
  const renamed = profileAtLeast(profile, 'fsts');
  // x-flts=on breaks two checks, from the profile that has x-flts on
  const xflts = profileAtLeast(profile, 'xflts-refuse');
  const breakers: fc.Arbitrary<(p: IntelIommuProps) => IntelIommuProps>[] = [
    fc.constant((p) => ({ ...p, eim: 'on', intremap: 'off' })),
    ...(xflts ? [fc.constant((p: IntelIommuProps) => ({ ...p, flts: true, scalableMode: false }))] : []),
    fc.integer({ min: 0, max: 255 }).filter((aw) => aw !== 39 && aw !== 48).map((aw) => (p) => ({ ...p, flts: false, awBits: aw })),
    ...(xflts ? [fc.integer({ min: 0, max: 255 }).filter((aw) => aw !== 48).map((aw) => (p: IntelIommuProps) => ({ ...p, flts: true, scalableMode: true, awBits: aw }))] : []),
  ];
  if (!renamed) breakers.push(fc.constant((p) => ({ ...p, scalableMode: true, dmaDrain: false })));
  if (!profileAtLeast(profile, 'pasid')) breakers.push(fc.constant((p) => ({ ...p, pasidMode: true, scalableMode: false, flts: false })));
  if (profileAtLeast(profile, 'pasid')) {
    breakers.push(fc.integer({ min: 1, max: 255 }).map((bits) => (p) => ({ ...p, pasidBits: bits, scalableMode: false, flts: false })));
    breakers.push(fc.integer({ min: 21, max: 255 }).map((bits) => (p) => ({ ...p, pasidBits: bits, scalableMode: true })));
  }
  if (renamed) breakers.push(fc.constant((p) => ({ ...p, svm: true, deviceIotlb: false })));
  const broken = fc.tuple(guestPropsArb(profile), fc.oneof(...breakers)).map(([props, breakIt]) => breakIt(props));
  return boundedFilter(broken, (props) => absentFieldProblems(props, profile).length === 0 && realizeProblems(props, profile).length > 0, `invalidGuestPropsArb(${profile})`);
};
