import { describe, expect, it } from 'vitest';
import { errorSetg, type ProfileId } from '@hiodkit/core';
import { attachOutcome, vtdCheckHiodAccel, type AccelCheck } from '@hiodkit/vtd';
import { guest, hostDevice, verdict } from './fixtures.js';

const CACHING_MODE = 'Device assignment is not allowed without enabling caching-mode=on for Intel IOMMU.';
const STAGE_1 = 'host device is uncompatible with stage-1 translation';
const FIRST_STAGE = 'host device is uncompatible with first stage translation';

let hookCalls = 0;
const hook: AccelCheck = (_s, _hiod, errp) => {
  hookCalls++;
  errorSetg(errp, 'the accel hook ran');
  return false;
};

function attach(profile: ProfileId, ...args: Parameters<typeof guest>): string {
  return verdict(attachOutcome(guest(...args), hostDevice(), hook, profile));
}

describe('the attach path before the seed: no accel hook', () => {
  it.each([
    // intel_iommu.c@77f6efc0: no x-flts, so the device is accepted whatever the guest's flts field says
    ['aw-only', 'accept'],
    ['xflts-refuse', STAGE_1],
    ['xflts-refuse-cm', STAGE_1],
    ['xflts-refuse-fs', FIRST_STAGE],
  ] as const)('%s: x-flts on, a device passing every check: %s, and the hook is never called', (profile, expected) => {
    hookCalls = 0;
    expect(attach(profile)).toBe(expected);
    expect(hookCalls).toBe(0);
  });

  it.each(['aw-only', 'xflts-refuse', 'xflts-refuse-cm', 'xflts-refuse-fs'] as const)('%s: x-flts off accepts', (profile) => {
    expect(attach(profile, { flts: false })).toBe('accept');
  });

  it.each([
    ['aw-only', 'accept'],
    ['xflts-refuse', 'accept'],
    ['xflts-refuse-cm', CACHING_MODE],
    ['xflts-refuse-fs', CACHING_MODE],
    ['seed', CACHING_MODE],
  ] as const)('%s: caching-mode off with x-flts off gives %s (checked at attach from 3cda33e0)', (profile, expected) => {
    expect(attach(profile, { cachingMode: false, flts: false })).toBe(expected);
  });

  it('xflts-refuse-cm: caching-mode comes before the duplicate', () => {
    expect(attach('xflts-refuse-cm', { cachingMode: false }, [{ bus: 0, devfn: 0x18 }])).toBe(CACHING_MODE);
  });

  it.each(['aw-only', 'xflts-refuse'] as const)('%s: without the caching-mode check, the duplicate is the first refusal', (profile) => {
    const dup = verdict(attachOutcome(guest({ cachingMode: false }, [{ bus: 0, devfn: 0x18 }]), hostDevice({ bus: 0, devfn: 0x18 }), hook, profile));
    expect(dup).toBe('Host IOMMU device already exist');
  });

  it.each(['aw-only', 'xflts-refuse', 'xflts-refuse-cm', 'xflts-refuse-fs'] as const)('%s: the aw-bits check still runs before the refusal', (profile) => {
    expect(verdict(attachOutcome(guest(), hostDevice({ awBits: 47 }), hook, profile))).toBe('aw-bits 48 > host aw-bits 47');
  });

  it('vtdCheckHiodAccel refuses a profile without intel_iommu_accel.c', () => {
    expect(() => vtdCheckHiodAccel('xflts-refuse-fs')).toThrow('profile xflts-refuse-fs predates intel_iommu_accel.c (added by the seed, cca621c7)');
  });
});
