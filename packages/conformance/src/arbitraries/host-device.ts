import fc from 'fast-check';
import { u32, u64, type AwBitsAnswer, type HostIommuDevice, type PciBusKind, type PciPlacement, type QemuError } from '@hiodkit/core';
import { getCapErrorArb } from './get-cap-error.js';
import { hwInfoTypeArb } from './hw-info-type.js';
import { topologyPlacementArb } from './pci-topology.js';
import { qomObjectArb } from './qom-types.js';
import { capRegArb, ecapRegArb, u64Arb } from './registers.js';

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** Hand-made placements: small bus numbers and any mix of bus kinds, even ones no topology builds. */
const listedPlacementArb = () =>
  fc.record({
    bus: fc.integer({ min: 0, max: 3 }),
    devfn: fc.integer({ min: 0, max: 255 }),
    upstreamBuses: fc.oneof(
      { weight: 5, arbitrary: fc.constant<PciBusKind[]>([]) },
      { weight: 2, arbitrary: fc.constant<PciBusKind[]>(['pcie']) },
      { weight: 1, arbitrary: fc.constant<PciBusKind[]>(['pci']) },
      { weight: 2, arbitrary: fc.array(fc.constantFrom<PciBusKind>('pcie', 'pci'), { maxLength: 4 }) },
    ),
  });

/** Where the device sits: mostly in a random q35 topology of ports and bridges, sometimes a listed path. */
export const pciPlacementArb = (): fc.Arbitrary<PciPlacement> =>
  fc.oneof({ weight: 3, arbitrary: topologyPlacementArb() }, { weight: 1, arbitrary: listedPlacementArb() });

/** How the host address width compares with the guest's: at, around or far from it. */
export type AwBitsChoice =
  | { readonly kind: 'relative'; readonly delta: -1 | 0 | 1 }
  | { readonly kind: 'absolute'; readonly bits: number }
  | { readonly kind: 'no-get-cap' }
  | { readonly kind: 'error'; readonly error: QemuError };

export const awBitsChoiceArb = (name: string): fc.Arbitrary<AwBitsChoice> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(-1, 0, 1).map((delta) => ({ kind: 'relative', delta }) as AwBitsChoice) },
    { weight: 3, arbitrary: fc.oneof(fc.constant(64), fc.integer({ min: 1, max: 64 })).map((bits) => ({ kind: 'absolute', bits }) as AwBitsChoice) },
    { weight: 1, arbitrary: fc.constant({ kind: 'no-get-cap' } as AwBitsChoice) },
    { weight: 1, arbitrary: getCapErrorArb(name).map((error) => ({ kind: 'error', error }) as AwBitsChoice) },
  );

/** get_cap(AW_BITS)'s answer once the guest's aw-bits are known. */
export function awBitsAnswer(choice: AwBitsChoice, guestAwBits: number): AwBitsAnswer {
  switch (choice.kind) {
    case 'relative':
      return { kind: 'value', bits: Math.min(64, Math.max(1, guestAwBits + choice.delta)) };
    case 'absolute':
      return { kind: 'value', bits: choice.bits };
    case 'no-get-cap':
      return { kind: 'no-get-cap' };
    case 'error':
      return { kind: 'error', error: choice.error };
  }
}

/** A host IOMMU device with its get_cap answer still relative to a guest. */
export interface DeviceDraft {
  readonly device: Omit<HostIommuDevice, 'awBits'>;
  readonly awBits: AwBitsChoice;
}

export const hostDeviceDraftArb = (): fc.Arbitrary<DeviceDraft> =>
  fc
    .record({
      pci: pciPlacementArb(),
      hostBus: fc.integer({ min: 0, max: 255 }),
      qom: qomObjectArb(),
      type: hwInfoTypeArb(),
      hwCaps: u64Arb(),
      flags: fc.constantFrom(0, 0, 0, 1),
      capReg: capRegArb(),
      ecapReg: ecapRegArb(),
      maxPasidLog2: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20 })),
    })
    .chain((r) => {
      const name = `0000:${hex(r.hostBus, 2)}:${hex(r.pci.devfn >> 3, 2)}.${r.pci.devfn & 7}`;
      return awBitsChoiceArb(name).map(
        (awBits): DeviceDraft => ({
          device: {
            name,
            qom: r.qom,
            caps: {
              type: u32(r.type),
              hwCaps: u64(r.hwCaps),
              vendorCaps: { vtd: { flags: u32(r.flags), capReg: u64(r.capReg), ecapReg: u64(r.ecapReg) } },
              maxPasidLog2: r.maxPasidLog2,
            },
            pci: r.pci,
          } satisfies Omit<HostIommuDevice, 'awBits'>,
          awBits,
        }),
      );
    });
