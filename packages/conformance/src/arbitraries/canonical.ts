import { encodeRegister, hostIommuTypeRegistry, rawOf, registerField, vIommu, type FieldMeaning, type RegisterName, type U32, type U64 } from '@hiodkit/core';
import type { Case } from '../oracle/predicates.js';

const registry = hostIommuTypeRegistry();

function register(name: RegisterName, meanings: Record<string, FieldMeaning>): U64 {
  const raw = Object.fromEntries(Object.entries(meanings).map(([field, meaning]) => [field, rawOf(registerField(name, field), meaning)]));
  return encodeRegister(name, raw) as U64;
}

/** A recent client VT-d unit that can nest: 48-bit, FS1GP, scalable mode, first stage, 20 PASID bits. */
const CAP_REG = register('cap', { ND: 256, SAGAW: ['39-bit (3-level)', '48-bit (4-level)'], MGAW: 48, FRO: 0x400, SLLPS: ['2MB', '1GB'], PSI: true, NFR: 8, MAMV: 18, DWD: true, DRD: true, FS1GP: true, PI: true });
const ECAP_REG = register('ecap', { C: false, QI: true, DT: true, IR: true, EIM: true, PT: true, SC: true, IRO: 0x500, MHMV: 15, NEST: true, PRS: true, PSS: 20, PASID: true, PDS: true, SMTS: true, SLADS: true, SSTS: true, FSTS: true, SMPWC: true, RPS: true });

/** An accepted-by-everything starting point: x-flts on, caching-mode on, an iommufd VFIO device on that unit. */
export function canonicalCase(): Case {
  return {
    guest: vIommu({ cachingMode: true, scalableMode: true, flts: true, awBits: 48 }),
    device: {
      name: '0000:02:00.0',
      qom: registry.instantiate('host-iommu-device-iommufd-vfio'),
      caps: { type: 1 as U32, hwCaps: 0n as U64, vendorCaps: { vtd: { flags: 0 as U32, capReg: CAP_REG, ecapReg: ECAP_REG } }, maxPasidLog2: 20 },
      awBits: { kind: 'value', bits: 48 },
      pci: { bus: 0, devfn: 0x10, upstreamBuses: [] },
    },
  };
}
