import { vIommu, type U32, type U64 } from '@hiodkit/core';
import type { Case } from '../oracle/predicates.js';
import { kitTypeRegistry } from './qom-types.js';

const registry = kitTypeRegistry();

/**
 * A recent client VT-d unit that can nest, written out bit by bit so no register code of core's is
 * involved: ND 256 domains, SAGAW 39/48-bit, MGAW 48, FRO 0x400, SLLPS 2MB/1GB, PSI, NFR 8,
 * MAMV 18, DWD, DRD, FS1GP (bit 56) and PI.
 */
const CAP_REG = 0x09d2_078c_402f_0602n as U64;
/** QI, DT, IR, EIM, PT, SC, IRO 0x500, MHMV 15, NEST, PRS, PSS 20 PASID bits (bits 39:35 = 19), PASID, PDS, SMTS, SLADS, SSTS, FSTS, SMPWC, RPS. */
const ECAP_REG = 0x0003_ed98_24f0_50den as U64;

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
