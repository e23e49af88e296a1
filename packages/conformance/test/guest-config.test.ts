// The kit's own guest rules (oracle/guest-config.ts) against core's: the same guests realized, the same fields absent.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROFILES, decideConfig, intelIommuDefaults, propertiesOf, type IntelIommuProps } from '@hiodkit/core';
import { KitError, guestPropsArb, invalidGuestPropsArb } from '../src/index.js';
import { boundedFilter } from '../src/arbitraries/bounded-filter.js';
import { absentFieldProblems, absentFieldsAtDefault, guestProblems, realizeProblems } from '../src/oracle/guest-config.js';

const SEED = 0x5eed;
const onOffAuto = fc.constantFrom('on' as const, 'off' as const, 'auto' as const);

/** Any combination of the properties, values at and around every edge the rules test. */
const anyPropsArb: fc.Arbitrary<IntelIommuProps> = fc.record({
  awBits: fc.constantFrom(0, 38, 39, 40, 47, 48, 49, 57, 64, 255),
  cachingMode: fc.boolean(),
  scalableMode: fc.boolean(),
  flts: fc.boolean(),
  fs1gp: fc.boolean(),
  pasidMode: fc.boolean(),
  pasidBits: fc.constantFrom(0, 1, 8, 19, 20, 21, 255),
  dmaDrain: fc.boolean(),
  svm: fc.boolean(),
  eim: onOffAuto,
  buggyEim: fc.boolean(),
  snoopControl: fc.boolean(),
  staleTm: fc.boolean(),
  version: fc.constantFrom(0, 1, 3),
  intremap: onOffAuto,
  deviceIotlb: fc.boolean(),
  pt: fc.boolean(),
  dmaTranslation: fc.boolean(),
});

describe.each(PROFILES)('at %s', (profile) => {
  it('the fields the kit calls absent are those core has no property for, each at core\'s default', () => {
    const settable = new Set(propertiesOf(profile).map((p) => p.field));
    const defaults = intelIommuDefaults(profile);
    const normalized = absentFieldsAtDefault(fc.sample(anyPropsArb, { seed: SEED, numRuns: 1 })[0] as IntelIommuProps, profile);
    for (const field of Object.keys(defaults) as (keyof IntelIommuProps)[]) {
      if (!settable.has(field)) expect(normalized[field], field).toBe(defaults[field]);
      // a field flagged when changed is one without a property
      const changed = { ...normalized, [field]: typeof normalized[field] === 'boolean' ? !normalized[field] : 7 } as IntelIommuProps;
      expect(absentFieldProblems(changed, profile).length > 0, field).toBe(!settable.has(field));
    }
  });

  it('realizes exactly the guests core decideConfig accepts', () => {
    fc.assert(
      fc.property(anyPropsArb.map((p) => absentFieldsAtDefault(p, profile)), (props) => {
        expect(realizeProblems(props, profile).length === 0).toBe(decideConfig(props, profile).ok);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('guestPropsArb makes guests of the profile; invalidGuestPropsArb makes ones QEMU refuses, fields absent at their value', () => {
    for (const props of fc.sample(guestPropsArb(profile), { seed: SEED, numRuns: 300 })) expect(guestProblems(props, profile)).toEqual([]);
    for (const props of fc.sample(invalidGuestPropsArb(profile), { seed: SEED, numRuns: 300 })) {
      expect(absentFieldProblems(props, profile)).toEqual([]);
      expect(realizeProblems(props, profile).length).toBeGreaterThan(0);
    }
  });
});

describe('boundedFilter', () => {
  it('gives up with a KitError naming the generator instead of spinning', () => {
    const never = boundedFilter(fc.integer(), () => false, 'a generator whose filter never passes', 50);
    expect(() => fc.sample(never, { seed: SEED, numRuns: 1 })).toThrow(KitError);
    expect(() => fc.sample(never, { seed: SEED, numRuns: 1 })).toThrow(/a generator whose filter never passes: none of 50 generated values in a row passed the filter/);
  });

  it('filters, and shrinks only to values that pass', () => {
    const even = boundedFilter(fc.integer({ min: 0, max: 1000 }), (n) => n % 2 === 0, 'even');
    expect(fc.sample(even, { seed: SEED, numRuns: 200 }).every((n) => n % 2 === 0)).toBe(true);
    const result = fc.check(fc.property(even, (n) => n < 100), { seed: SEED });
    expect(result.failed).toBe(true);
    const shrunk = result.counterexample?.[0] ?? 0;
    expect(shrunk % 2).toBe(0);
    expect(shrunk).toBeGreaterThanOrEqual(100);
    expect(result.numShrinks).toBeGreaterThan(0);
  });
});
