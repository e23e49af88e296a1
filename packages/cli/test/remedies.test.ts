import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  IOMMU_HW_INFO_TYPE,
  PROFILES,
  QEMU_RELEASES,
  encodeRegister,
  hostIommuTypeRegistry,
  knownMachineTypes,
  propertiesOf,
  TYPE_HOST_IOMMU_DEVICE_IOMMUFD_VFIO,
  u32,
  u64,
  type HostIommuDevice,
  type IntelIommuProps,
  type ProfileId,
} from '@hiodkit/core';
import { applyChange, remediesFor, type InputForm } from '../src/remedies.js';
import { runScenario, scenarioProfile, type Behaviour, type Scenario } from '../src/verdict.js';

const behaviour: fc.Arbitrary<Behaviour> = fc.oneof(
  fc.constantFrom(...QEMU_RELEASES).chain((r) => fc.constantFrom(...knownMachineTypes(r)).map((machine): Behaviour => ({ kind: 'release', version: r.version, machine }))),
  fc.constantFrom(...PROFILES).map((profile): Behaviour => ({ kind: 'profile', profile })),
);

function profileOf(b: Behaviour): ProfileId {
  return scenarioProfile({ behaviour: b } as Scenario);
}

/** The fields a user may set at the profile, with values vtd_decide_config can accept. */
function explicit(profile: ProfileId): fc.Arbitrary<Partial<IntelIommuProps>> {
  const has = (f: keyof IntelIommuProps) => propertiesOf(profile).some((p) => p.field === f);
  const fields: Record<string, fc.Arbitrary<unknown>> = {
    // mostly the nesting configuration, so that runs reach the later checks
    cachingMode: fc.constantFrom(true, true, true, false),
    scalableMode: fc.constantFrom(true, true, true, false),
    awBits: fc.constantFrom(39, 48),
    ...(has('flts') ? { flts: fc.constantFrom(true, true, true, false) } : {}),
    ...(has('fs1gp') ? { fs1gp: fc.boolean() } : {}),
    ...(has('pasidBits') ? { pasidBits: fc.integer({ min: 0, max: 20 }) } : {}),
  };
  // pasid-bits is the one field the PASID check reads: always set where it exists
  return fc.record(fields, { requiredKeys: (has('pasidBits') ? ['pasidBits'] : []) as never[] }) as fc.Arbitrary<Partial<IntelIommuProps>>;
}

const device: fc.Arbitrary<HostIommuDevice> = fc
  .record({
    vtd: fc.constantFrom(true, true, true, false),
    fs1gp: fc.boolean(),
    pss: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 31 })),
    pasid: fc.constantFrom(true, true, false),
    awBits: fc.oneof({ arbitrary: fc.integer({ min: 30, max: 64 }), weight: 4 }, { arbitrary: fc.constant(undefined), weight: 1 }),
    behindBridge: fc.boolean(),
  })
  .map(({ vtd, fs1gp, pss, pasid, awBits, behindBridge }) => ({
    name: '0000:02:00.0',
    qom: hostIommuTypeRegistry().instantiate(TYPE_HOST_IOMMU_DEVICE_IOMMUFD_VFIO),
    caps: {
      type: u32(vtd ? IOMMU_HW_INFO_TYPE.INTEL_VTD : IOMMU_HW_INFO_TYPE.ARM_SMMUV3),
      hwCaps: u64(0n),
      vendorCaps: { vtd: { flags: u32(0), capReg: u64(encodeRegister('cap', { FS1GP: fs1gp ? 1n : 0n, MGAW: 47n, SAGAW: 4n })), ecapReg: u64(encodeRegister('ecap', { PSS: BigInt(pss), PASID: pasid ? 1n : 0n })) } },
      maxPasidLog2: pasid ? pss + 1 : 0,
    },
    awBits: awBits === undefined ? { kind: 'no-get-cap' as const } : { kind: 'value' as const, bits: awBits },
    pci: behindBridge ? { bus: 2, devfn: 8, upstreamBuses: ['pci', 'pcie'] as const } : { bus: 0, devfn: 16, upstreamBuses: [] },
  }));

const scenario: fc.Arbitrary<Scenario> = behaviour.chain((b) =>
  fc.record({
    behaviour: fc.constant(b),
    explicit: explicit(profileOf(b)),
    stub: fc.constantFrom(false, false, false, true),
    device,
    backend: fc.constantFrom('iommufd' as const, 'iommufd' as const, 'iommufd' as const, 'legacy' as const),
    attached: fc.constant([]),
  }),
);

describe('remedies: applying one removes the refusal it answers', () => {
  it.each(['qemu', 'libvirt'] as const)('for generated inputs refused by row R, each remedy (%s wording) gives a start QEMU accepts and an outcome R does not decide', (form: InputForm) => {
    const remedied = new Set<string>();
    fc.assert(
      fc.property(scenario, (s) => {
        const before = runScenario(s);
        fc.pre(before.kind === 'attach');
        if (before.kind !== 'attach' || before.outcome.ok) return;
        for (const remedy of remediesFor(s, before.row.id, form)) {
          remedied.add(before.row.id);
          const after = runScenario(applyChange(s, remedy.change));
          expect(after.kind, `${before.row.id}: ${remedy.text}`).toBe('attach');
          if (after.kind === 'attach') expect(after.row.id, remedy.text).not.toBe(before.row.id);
        }
      }),
      { numRuns: 2500, seed: 20260301 },
    );
    // the property is not vacuous: every kind of remedy was generated and applied
    expect([...remedied].sort()).toEqual(['accel-stub', 'aw-bits-exceed-host', 'behind-pci-bridge', 'caching-mode-off', 'first-stage-rejected', 'fs1gp-unsupported', 'not-iommufd', 'pasid-bits-exceed-host']);
  }, 120_000);

  it('offers none where nothing is provably right: a host narrower than 39 bits, or a host IOMMU that is not VT-d', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const before = runScenario(s);
        fc.pre(before.kind === 'attach' && !before.outcome.ok);
        if (before.kind !== 'attach') return;
        const remedies = remediesFor(s, before.row.id, 'qemu');
        if (before.row.id === 'type-not-vtd' || before.row.id === 'no-get-cap' || before.row.id === 'get-cap-fails' || before.row.id === 'already-attached') expect(remedies).toEqual([]);
        if (before.row.id === 'aw-bits-exceed-host' && s.device.awBits.kind === 'value' && s.device.awBits.bits < 39) expect(remedies).toEqual([]);
      }),
      { numRuns: 1000, seed: 7 },
    );
  });
});
