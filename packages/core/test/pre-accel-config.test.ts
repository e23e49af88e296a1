import { describe, expect, it } from 'vitest';
import { INTEL_IOMMU_DEFAULTS, InputError, decideConfig, formatGuestProperties, intelIommuDefaults, parseGuestProperties, propertiesOf, type IntelIommuProps, type ProfileId } from '@hiodkit/core';

const decide = (over: Partial<IntelIommuProps>, profile: ProfileId): string => {
  const outcome = decideConfig({ ...INTEL_IOMMU_DEFAULTS, ...over }, profile);
  return outcome.ok ? 'accept' : outcome.error.message;
};

function parseError(text: string, profile: ProfileId): string {
  try {
    parseGuestProperties(text, profile);
  } catch (e) {
    if (e instanceof InputError) return e.reason;
    throw e;
  }
  throw new Error(`${text} parsed at ${profile}`);
}

describe('vtd_decide_config before the seed', () => {
  it('aw-only (77f6efc0): the aw-bits message names no mode', () => {
    expect(decide({ awBits: 40 }, 'aw-only')).toBe('Supported values for aw-bits are: 39, 48');
    expect(decide({ scalableMode: true, awBits: 57 }, 'aw-only')).toBe('Supported values for aw-bits are: 39, 48');
  });

  it('aw-only: no x-flts field, so nothing reads flts', () => {
    expect(decide({ flts: true }, 'aw-only')).toBe('accept');
    expect(decide({ flts: true, scalableMode: true, awBits: 39 }, 'aw-only')).toBe('accept');
  });

  it.each(['xflts-refuse', 'xflts-refuse-cm'] as const)('%s (aa68a9fb, 3cda33e0): "flts=on", as aa68a9fb wrote it', (profile) => {
    expect(decide({ scalableMode: true, flts: true, awBits: 39 }, profile)).toBe('Scalable mode(flts=on): supported value for aw-bits is: 48');
    expect(decide({ flts: true }, profile)).toBe('x-flts is only available in scalable mode');
    expect(decide({ awBits: 40 }, profile)).toBe('Legacy mode: supported values for aw-bits are: 39, 48');
  });

  it('xflts-refuse-fs (4fda086f) fixes the print to "x-flts=on"', () => {
    expect(decide({ scalableMode: true, flts: true, awBits: 39 }, 'xflts-refuse-fs')).toBe('Scalable mode(x-flts=on): supported value for aw-bits is: 48');
  });

  it.each(['aw-only', 'xflts-refuse', 'xflts-refuse-cm', 'xflts-refuse-fs'] as const)('%s: the realize-time PASID check and dma-drain are there', (profile) => {
    expect(decide({ scalableMode: true, pasidMode: true, deviceIotlb: true }, profile)).toBe('PASID based device IOTLB is not supported');
    expect(decide({ scalableMode: true, dmaDrain: false }, profile)).toBe('Need to set dma_drain for scalable mode');
  });
});

describe('the intel-iommu properties before the seed', () => {
  it('aw-bits defaults to 39 at aw-only (VTD_HOST_AW_39BIT), 48 from x-flts on', () => {
    expect(intelIommuDefaults('aw-only').awBits).toBe(39);
    expect(parseGuestProperties('caching-mode=on', 'aw-only').awBits).toBe(39);
    expect(parseGuestProperties('caching-mode=on', 'xflts-refuse').awBits).toBe(48);
  });

  it('aw-only has neither x-flts nor fs1gp, and refuses them in QEMU\'s words', () => {
    const names = propertiesOf('aw-only').map((p) => p.name);
    expect(names).not.toContain('x-flts');
    expect(names).not.toContain('fs1gp');
    expect(parseError('x-scalable-mode=on,x-flts=on', 'aw-only')).toMatch(/^Property 'intel-iommu\.x-flts' not found at profile aw-only \(it exists at xflts-refuse, xflts-refuse-cm, xflts-refuse-fs, seed, bridge, relaxed\)$/);
    expect(parseError('fs1gp=off', 'aw-only')).toMatch(/^Property 'intel-iommu\.fs1gp' not found at profile aw-only/);
  });

  it.each(['xflts-refuse', 'xflts-refuse-cm', 'xflts-refuse-fs'] as const)('%s parses x-flts and fs1gp, not fsts or svm', (profile) => {
    expect(parseGuestProperties('x-scalable-mode=on,x-flts=on,fs1gp=off', profile)).toMatchObject({ scalableMode: true, flts: true, fs1gp: false });
    expect(parseError('fsts=on', profile)).toMatch(/^Property 'intel-iommu\.fsts' not found at profile /);
    expect(parseError('svm=on', profile)).toMatch(/^Property 'intel-iommu\.svm' not found at profile /);
  });

  it('aw-only renders aw-bits=48 as a change from its default, and 39 as no change', () => {
    expect(formatGuestProperties({ ...intelIommuDefaults('aw-only'), awBits: 48 }, 'aw-only')).toBe('aw-bits=48');
    expect(formatGuestProperties(intelIommuDefaults('aw-only'), 'aw-only')).toBe('');
  });
});
