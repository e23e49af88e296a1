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
  type VIommuState,
} from '@hiodkit/core';

export interface DeviceOptions {
  readonly qomType?: string;
  readonly type?: number;
  readonly capReg?: bigint;
  readonly ecapReg?: bigint;
  readonly maxPasidLog2?: number;
  readonly awBits?: number | AwBitsAnswer;
  readonly bus?: number;
  readonly devfn?: number;
  readonly upstreamBuses?: readonly PciBusKind[];
}

/** A host IOMMU device that the accel checker would accept (from the relaxed profile on). */
export function hostDevice(o: DeviceOptions = {}): HostIommuDevice {
  const aw = o.awBits ?? 48;
  return {
    name: '0000:02:00.0',
    qom: hostIommuTypeRegistry().instantiate(o.qomType ?? 'host-iommu-device-iommufd-vfio'),
    caps: {
      type: u32(o.type ?? 1),
      hwCaps: u64(0n),
      vendorCaps: {
        vtd: {
          flags: u32(0),
          capReg: u64(o.capReg ?? 0x0100000000000000n | (47n << 16n)),
          ecapReg: u64(o.ecapReg ?? 19n << 35n),
        },
      },
      maxPasidLog2: o.maxPasidLog2 ?? 20,
    },
    awBits: typeof aw === 'number' ? { kind: 'value', bits: aw } : aw,
    pci: { bus: o.bus ?? 0, devfn: o.devfn ?? 0x18, upstreamBuses: o.upstreamBuses ?? [] },
  };
}

/** caching-mode, scalable mode and x-flts/fsts on. */
export function guest(props: Partial<IntelIommuProps> = {}, attached: readonly PciAddress[] = []): VIommuState {
  return vIommu({ cachingMode: true, scalableMode: true, flts: true, ...props }, attached);
}
