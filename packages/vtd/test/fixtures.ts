import {
  hostIommuTypeRegistry,
  u32,
  u64,
  vIommu,
  type AwBitsAnswer,
  type HostIommuDevice,
  type IntelIommuProps,
  type PciAddress,
  type PciBusKind,
  type TypeRegistry,
  type VIommuState,
} from '@hiodkit/core';

/** VTD_CAP_FS1GP, cap_reg bit 56, typed here rather than taken from the code under test. */
export const CAP_FS1GP = 0x0100000000000000n;
/** ecap_reg PSS (bits 39:35) = n - 1 for an n-bit PASID. */
export const ecapPasidBits = (bits: number): bigint => BigInt(bits - 1) << 35n;

export interface DeviceOptions {
  readonly name?: string;
  /** QOM type; resolved in `registry` (default: the four preloaded types) */
  readonly qomType?: string;
  readonly registry?: TypeRegistry;
  /** caps.type */
  readonly type?: number;
  readonly hwCaps?: bigint;
  readonly flags?: number;
  readonly capReg?: bigint;
  readonly ecapReg?: bigint;
  readonly maxPasidLog2?: number;
  /** a host address width, or another get_cap answer */
  readonly awBits?: number | AwBitsAnswer;
  readonly bus?: number;
  readonly devfn?: number;
  readonly upstreamBuses?: readonly PciBusKind[];
}

/**
 * A host IOMMU device that passes every check of every profile against guest(): iommufd-vfio,
 * INTEL_VTD, FS1GP set, a 20-bit PASID, 48-bit host address width, on the root bus at 00:03.0.
 */
export function hostDevice(o: DeviceOptions = {}): HostIommuDevice {
  const registry = o.registry ?? hostIommuTypeRegistry();
  const aw = o.awBits ?? 48;
  return {
    name: o.name ?? '0000:02:00.0',
    qom: registry.instantiate(o.qomType ?? 'host-iommu-device-iommufd-vfio'),
    caps: {
      type: u32(o.type ?? 1),
      hwCaps: u64(o.hwCaps ?? 0n),
      vendorCaps: {
        vtd: {
          flags: u32(o.flags ?? 0),
          capReg: u64(o.capReg ?? CAP_FS1GP | (47n << 16n) | (0b00100n << 8n)),
          ecapReg: u64(o.ecapReg ?? ecapPasidBits(20) | (1n << 47n) | (1n << 43n)),
        },
      },
      maxPasidLog2: o.maxPasidLog2 ?? 20,
    },
    awBits: typeof aw === 'number' ? { kind: 'value', bits: aw } : aw,
    pci: { bus: o.bus ?? 0, devfn: o.devfn ?? 0x18, upstreamBuses: o.upstreamBuses ?? [] },
  };
}

/** A guest that reaches vtd_check_hiod_accel: caching-mode, scalable mode and x-flts/fsts on. */
export function guest(props: Partial<IntelIommuProps> = {}, attached: readonly PciAddress[] = []): VIommuState {
  return vIommu({ cachingMode: true, scalableMode: true, flts: true, ...props }, attached);
}

/** The rejection message, or 'accept'. */
export function verdict(outcome: { readonly ok: true } | { readonly ok: false; readonly error: { readonly message: string } }): string {
  return outcome.ok ? 'accept' : outcome.error.message;
}

/** Deep-freezes plain data so a checker that writes to its inputs throws. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
