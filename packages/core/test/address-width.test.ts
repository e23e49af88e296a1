import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeRegister, vtdDomainAddressWidth } from '@hiodkit/core';

// registers real units printed (DMAR: dmarN: … cap … ecap …), from the machines in packages/cli/fixtures/machines.json
const CLIENT_TGL = { cap: 0xd2008c40660462n, ecap: 0xf050dan };
const MTL = { cap: 0xc9de008cee690462n, ecap: 0x12ca9a00f0efden };
const SPR = { cap: 0x19ed008c40780c66n, ecap: 0x3ee9e86f050dfn };
const IVB = { cap: 0xc9008020660262n, ecap: 0xf0105an };
// the bundled server sample: MGAW 57 but SAGAW 48-bit only
const SAGAW48_MGAW57 = { cap: 0x9ed008c40780466n, ecap: 0x3ee9e86f050dfn };

describe('vtdDomainAddressWidth: SAGAW capped at MGAW, as prepare_domain_attach_device() does', () => {
  it('a client unit: SAGAW 48-bit, MGAW 39 → 39', () => {
    expect(vtdDomainAddressWidth(CLIENT_TGL.cap, CLIENT_TGL.ecap, true)).toMatchObject({ agaw: 2, mgaw: 39, width: 39, stage: 'second', awBits: 39 });
  });

  it('Meteor Lake: MGAW 42, both stages → second stage, 42', () => {
    expect(vtdDomainAddressWidth(MTL.cap, MTL.ecap, true)).toMatchObject({ width: 42, stage: 'second', awBits: 42 });
  });

  it('Sapphire Rapids: SAGAW 48+57, FS5LP, MGAW 57 → 57', () => {
    expect(vtdDomainAddressWidth(SPR.cap, SPR.ecap, true)).toMatchObject({ agaw: 3, width: 57, awBits: 57 });
  });

  it('MGAW 57 with SAGAW 48 only gives 48, not MGAW', () => {
    expect(vtdDomainAddressWidth(SAGAW48_MGAW57.cap, SAGAW48_MGAW57.ecap, true)).toMatchObject({ agaw: 2, mgaw: 57, width: 48, awBits: 48 });
  });

  it('Ivy Bridge: SAGAW 39-bit only → 39', () => {
    expect(vtdDomainAddressWidth(IVB.cap, IVB.ecap, false)).toMatchObject({ agaw: 1, width: 39 });
  });

  it('a unit with first stage only in scalable mode: first-stage domain, one bit less (canonical addresses)', () => {
    const cap = encodeRegister('cap', { SAGAW: 0b00100n, MGAW: 47n });
    const ecap = encodeRegister('ecap', { SMTS: 1n, FSTS: 1n });
    expect(vtdDomainAddressWidth(cap, ecap, true)).toMatchObject({ width: 48, stage: 'first', awBits: 47 });
    expect(vtdDomainAddressWidth(cap, ecap, false)).toMatchObject({ width: 48, stage: 'second', awBits: 48 });
  });

  it('scalable mode with both stages takes the overlap of the first-stage levels and SAGAW', () => {
    // SAGAW 57 only, no FS5LP: the first stage has 48 only, so the overlap is empty
    const cap = encodeRegister('cap', { SAGAW: 0b01000n, MGAW: 56n });
    const ecap = encodeRegister('ecap', { SMTS: 1n, FSTS: 1n, SSTS: 1n });
    expect(vtdDomainAddressWidth(cap, ecap, true)).toMatchObject({ sagaw: 0, agaw: undefined, awBits: undefined });
    expect(vtdDomainAddressWidth(cap, ecap, false)).toMatchObject({ sagaw: 0b01000, agaw: 3, awBits: 57 });
  });

  it('never exceeds MGAW nor the SAGAW level, and is undefined exactly when no level ≤ 57 bits is set', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.boolean(), (cap, ecap, sm) => {
        const w = vtdDomainAddressWidth(cap, ecap, sm);
        expect(w.agaw === undefined).toBe((w.sagaw & 0b1111) === 0);
        if (w.width === undefined) return;
        expect(w.width).toBeLessThanOrEqual(w.mgaw);
        expect(w.width).toBeLessThanOrEqual(30 + 9 * (w.agaw as number));
        expect(w.awBits).toBe(w.stage === 'first' ? w.width - 1 : w.width);
      }),
    );
  });
});
