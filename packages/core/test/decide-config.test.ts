import { describe, expect, it } from 'vitest';
import { INTEL_IOMMU_DEFAULTS, decideConfig, type IntelIommuProps, type Outcome, type ProfileId } from '@hiodkit/core';

function props(over: Partial<IntelIommuProps>): IntelIommuProps {
  return { ...INTEL_IOMMU_DEFAULTS, ...over };
}

/** The rejection message, or 'accept'. */
function verdict(outcome: Outcome): string {
  if (outcome.ok) return 'accept';
  expect(outcome.error.hints).toEqual([]);
  return outcome.error.message;
}

const decide = (over: Partial<IntelIommuProps>, profile: ProfileId): string => verdict(decideConfig(props(over), profile));

const SCALABLE_FLTS = { scalableMode: true, flts: true } as const;

describe('decideConfig at the seed (BEHAVIOUR §config.pasid-device-iotlb to §config.pasid-scalable)', () => {
  it('QEMU defaults pass', () => {
    expect(decide({}, 'seed')).toBe('accept');
    expect(verdict(decideConfig(INTEL_IOMMU_DEFAULTS))).toBe('accept');
  });

  it('scalable mode with x-flts and the default aw-bits 48 and fs1gp on passes', () => {
    expect(decide({ ...SCALABLE_FLTS, cachingMode: true }, 'seed')).toBe('accept');
  });

  it.each<[string, Partial<IntelIommuProps>, string]>([
    ['realize: PASID with device-iotlb', { scalableMode: true, pasidMode: true, deviceIotlb: true }, 'PASID based device IOTLB is not supported'],
    ['1: eim=on, intremap=off', { eim: 'on', intremap: 'off' }, 'eim=on cannot be selected without intremap=on'],
    ['3: x-flts without scalable mode', { flts: true }, 'x-flts is only available in scalable mode'],
    ['4: legacy mode aw-bits 40', { awBits: 40 }, 'Legacy mode: supported values for aw-bits are: 39, 48'],
    ['4: scalable mode (flts off) aw-bits 57', { scalableMode: true, awBits: 57 }, 'Scalable mode(flts=off): supported values for aw-bits are: 39, 48'],
    ['5: x-flts aw-bits 39', { ...SCALABLE_FLTS, awBits: 39 }, 'Scalable mode(x-flts=on): supported value for aw-bits is: 48'],
    ['5: x-flts aw-bits 57', { ...SCALABLE_FLTS, awBits: 57 }, 'Scalable mode(x-flts=on): supported value for aw-bits is: 48'],
    ['6: scalable mode without dma-drain', { scalableMode: true, dmaDrain: false }, 'Need to set dma_drain for scalable mode'],
    ['7: x-pasid-mode without scalable mode', { pasidMode: true }, 'Need to set scalable mode for PASID'],
  ])('%s', (_label, over, message) => {
    expect(decide(over, 'seed')).toBe(message);
  });

  it.each([
    [{ eim: 'on', intremap: 'on' }],
    [{ awBits: 39 }],
    [{ awBits: 48 }],
    [{ scalableMode: true, awBits: 39 }],
    [{ scalableMode: true, pasidMode: true }],
    [{ dmaDrain: false }],
    [{ ...SCALABLE_FLTS, fs1gp: false }],
    [{ pasidMode: false, deviceIotlb: true }],
  ] satisfies [Partial<IntelIommuProps>][])('passes %j', (over) => {
    expect(decide(over, 'seed')).toBe('accept');
  });

  describe('order: first failure wins', () => {
    it.each<[string, Partial<IntelIommuProps>, string]>([
      ['realize PASID/IOTLB before 1 (eim)', { pasidMode: true, deviceIotlb: true, eim: 'on', intremap: 'off' }, 'PASID based device IOTLB is not supported'],
      ['1 (eim) before 3 (x-flts without scalable)', { eim: 'on', intremap: 'off', flts: true }, 'eim=on cannot be selected without intremap=on'],
      ['3 (x-flts without scalable) before 5 (x-flts aw-bits)', { flts: true, awBits: 39 }, 'x-flts is only available in scalable mode'],
      ['3 before 7 (PASID without scalable)', { flts: true, pasidMode: true }, 'x-flts is only available in scalable mode'],
      ['4 (legacy aw-bits) before 7 (PASID without scalable)', { awBits: 40, pasidMode: true }, 'Legacy mode: supported values for aw-bits are: 39, 48'],
      ['4 (scalable aw-bits) before 6 (dma-drain)', { scalableMode: true, awBits: 40, dmaDrain: false }, 'Scalable mode(flts=off): supported values for aw-bits are: 39, 48'],
      ['5 (x-flts aw-bits) before 6 (dma-drain)', { ...SCALABLE_FLTS, awBits: 39, dmaDrain: false }, 'Scalable mode(x-flts=on): supported value for aw-bits is: 48'],
    ])('%s', (_label, over, message) => {
      expect(decide(over, 'seed')).toBe(message);
    });
  });
});

describe('decideConfig at bridge and relaxed keeps the x-flts messages', () => {
  it.each(['bridge', 'relaxed'] as const)('%s', (profile) => {
    expect(decide({ flts: true }, profile)).toBe('x-flts is only available in scalable mode');
    expect(decide({ ...SCALABLE_FLTS, awBits: 39 }, profile)).toBe('Scalable mode(x-flts=on): supported value for aw-bits is: 48');
    expect(decide({ scalableMode: true, awBits: 40 }, profile)).toBe('Scalable mode(flts=off): supported values for aw-bits are: 39, 48');
    expect(decide({ ...SCALABLE_FLTS }, profile)).toBe('accept');
  });
});

describe('decideConfig at fsts (c068e00c)', () => {
  it.each<[string, Partial<IntelIommuProps>, string]>([
    ['eim', { eim: 'on', intremap: 'off' }, 'eim=on cannot be selected without intremap=on'],
    ['fsts without scalable mode', { flts: true }, 'fsts is only available in scalable mode'],
    ['legacy aw-bits', { awBits: 40 }, 'Legacy mode: supported values for aw-bits are: 39, 48'],
    ['scalable aw-bits (fsts off)', { scalableMode: true, awBits: 40 }, 'Scalable mode(fsts=off): supported values for aw-bits are: 39, 48'],
    ['fsts aw-bits', { ...SCALABLE_FLTS, awBits: 39 }, 'Scalable mode(fsts=on): supported value for aw-bits is: 48'],
    ['PASID without scalable', { pasidMode: true }, 'Need to set scalable mode for PASID'],
    ['svm without device-iotlb', { ...SCALABLE_FLTS, svm: true, pasidMode: true }, 'Need to set device IOTLB for svm'],
    ['svm without fsts', { scalableMode: true, svm: true, deviceIotlb: true, pasidMode: true }, 'Need to set fsts for svm'],
    ['svm without dma-translation', { ...SCALABLE_FLTS, svm: true, deviceIotlb: true, dmaTranslation: false, pasidMode: true }, 'Need to set dma-translation for svm'],
    ['svm without PASID', { ...SCALABLE_FLTS, svm: true, deviceIotlb: true }, 'Need to set PASID support for svm'],
  ])('%s', (_label, over, message) => {
    expect(decide(over, 'fsts')).toBe(message);
  });

  it('the dma-drain check and the realize-time PASID/IOTLB check are gone', () => {
    expect(decide({ scalableMode: true, dmaDrain: false }, 'fsts')).toBe('accept');
    expect(decide({ scalableMode: true, pasidMode: true, deviceIotlb: true }, 'fsts')).toBe('accept');
  });

  it('a full svm configuration passes', () => {
    expect(decide({ ...SCALABLE_FLTS, svm: true, deviceIotlb: true, pasidMode: true }, 'fsts')).toBe('accept');
  });

  describe('order: first failure wins', () => {
    it.each<[string, Partial<IntelIommuProps>, string]>([
      ['eim before fsts-without-scalable', { eim: 'on', intremap: 'off', flts: true }, 'eim=on cannot be selected without intremap=on'],
      ['fsts-without-scalable before fsts aw-bits', { flts: true, awBits: 39 }, 'fsts is only available in scalable mode'],
      ['fsts-without-scalable before PASID-without-scalable', { flts: true, pasidMode: true }, 'fsts is only available in scalable mode'],
      ['legacy aw-bits before PASID-without-scalable', { awBits: 40, pasidMode: true }, 'Legacy mode: supported values for aw-bits are: 39, 48'],
      ['fsts aw-bits before svm', { ...SCALABLE_FLTS, awBits: 39, svm: true }, 'Scalable mode(fsts=on): supported value for aw-bits is: 48'],
      ['scalable aw-bits before svm', { scalableMode: true, awBits: 40, svm: true }, 'Scalable mode(fsts=off): supported values for aw-bits are: 39, 48'],
      ['PASID-without-scalable before svm', { pasidMode: true, svm: true }, 'Need to set scalable mode for PASID'],
      ['svm: device IOTLB before fsts', { scalableMode: true, svm: true }, 'Need to set device IOTLB for svm'],
      ['svm: fsts before dma-translation', { scalableMode: true, svm: true, deviceIotlb: true, dmaTranslation: false }, 'Need to set fsts for svm'],
      ['svm: dma-translation before PASID', { ...SCALABLE_FLTS, svm: true, deviceIotlb: true, dmaTranslation: false }, 'Need to set dma-translation for svm'],
    ])('%s', (_label, over, message) => {
      expect(decide(over, 'fsts')).toBe(message);
    });
  });
});

describe('decideConfig at pasid (pasid-bits)', () => {
  it.each<[string, Partial<IntelIommuProps>, string]>([
    ['pasid-bits without scalable mode', { pasidBits: 20 }, 'Need to set scalable mode for PASID'],
    ['pasid-bits 21', { scalableMode: true, pasidBits: 21 }, 'PASID width 21 exceeds Max PASID Width 20 allowed in PCI spec'],
    ['pasid-bits 255', { scalableMode: true, pasidBits: 255 }, 'PASID width 255 exceeds Max PASID Width 20 allowed in PCI spec'],
    ['fsts without scalable mode', { flts: true }, 'fsts is only available in scalable mode'],
    ['svm without PASID', { ...SCALABLE_FLTS, svm: true, deviceIotlb: true }, 'Need to set PASID support for svm'],
  ])('%s', (_label, over, message) => {
    expect(decide(over, 'pasid')).toBe(message);
  });

  it.each([1, 16, 20])('pasid-bits %i in scalable mode passes', (bits) => {
    expect(decide({ scalableMode: true, pasidBits: bits }, 'pasid')).toBe('accept');
  });

  it('svm is satisfied by pasid-bits (x-pasid-mode no longer exists)', () => {
    expect(decide({ ...SCALABLE_FLTS, svm: true, deviceIotlb: true, pasidBits: 20 }, 'pasid')).toBe('accept');
    expect(decide({ ...SCALABLE_FLTS, svm: true, deviceIotlb: true, pasidMode: true }, 'pasid')).toBe('Need to set PASID support for svm');
  });

  describe('order: first failure wins', () => {
    it.each<[string, Partial<IntelIommuProps>, string]>([
      ['PASID-without-scalable before PASID width', { pasidBits: 21 }, 'Need to set scalable mode for PASID'],
      ['fsts aw-bits before PASID width', { ...SCALABLE_FLTS, awBits: 39, pasidBits: 21 }, 'Scalable mode(fsts=on): supported value for aw-bits is: 48'],
      ['PASID width before svm', { scalableMode: true, pasidBits: 21, svm: true }, 'PASID width 21 exceeds Max PASID Width 20 allowed in PCI spec'],
    ])('%s', (_label, over, message) => {
      expect(decide(over, 'pasid')).toBe(message);
    });
  });
});

describe('intremap=auto', () => {
  it('resolves to on (kernel-irqchip=on is not modelled), so eim=on is allowed with it', () => {
    expect(decideConfig({ ...INTEL_IOMMU_DEFAULTS, eim: 'on', intremap: 'auto' })).toEqual({ ok: true });
    expect(decideConfig({ ...INTEL_IOMMU_DEFAULTS, eim: 'on', intremap: 'off' })).toEqual({
      ok: false,
      error: { message: 'eim=on cannot be selected without intremap=on', hints: [] },
    });
  });
});
