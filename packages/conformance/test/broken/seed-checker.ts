// A second, deliberately plain implementation of the seed's attach path, with switches that plant
// one fault each. The kill matrix proves the kit catches every one of them.
import { cFormat, type CheckerPlugin, type HostIommuDevice, type Outcome, type QemuError, type VIommuState } from '@hiodkit/core';

export type Step = 'caching' | 'duplicate' | 'get-cap' | 'flts-gate' | 'iommufd' | 'type' | 'fs1gp' | 'final';
export const SEED_ORDER: readonly Step[] = ['caching', 'duplicate', 'get-cap', 'flts-gate', 'iommufd', 'type', 'fs1gp', 'final'];

export interface Faults {
  readonly order?: readonly Step[];
  readonly fs1gpBit?: bigint;
  readonly fs1gpFromEcap?: boolean;
  readonly fs1gpViaNumber?: boolean;
  readonly ignoreGuestFs1gp?: boolean;
  readonly iommufdCheck?: 'cast' | 'exact-name' | 'skip' | 'not-legacy';
  readonly typeCheck?: 'ne' | 'gt';
  readonly typeFormat?: string;
  readonly awCompare?: '>' | '>=';
  /** passes get_cap's error on with its message only */
  readonly dropGetCapHints?: boolean;
  readonly finalAccepts?: boolean;
  readonly messages?: Partial<Record<Step, string>>;
  /** links the stub instead of the accel checker */
  readonly stub?: { readonly hint: boolean };
}

const MESSAGES: Record<Step, string> = {
  caching: 'Device assignment is not allowed without enabling caching-mode=on for Intel IOMMU.',
  duplicate: 'Host IOMMU device already exist',
  'get-cap': '.get_cap() not implemented',
  'flts-gate': '',
  iommufd: 'Need IOMMUFD backend when x-flts=on',
  type: 'Incompatible host platform IOMMU type %d',
  fs1gp: 'First stage 1GB large page is unsupported by host IOMMU',
  final: 'host IOMMU is incompatible with guest first stage translation',
};

type Verdict = Outcome | undefined;
const fail = (message: string, hints: string[] = []): Outcome => ({ ok: false, error: { message, hints } });

export function seedChecker(name: string, faults: Faults = {}, declaresAccel = true): CheckerPlugin {
  const order = faults.order ?? SEED_ORDER;
  const msg = (step: Step) => faults.messages?.[step] ?? MESSAGES[step];
  const steps: Record<Step, (s: VIommuState, d: HostIommuDevice) => Verdict> = {
    caching: (s) => (s.props.cachingMode ? undefined : fail(msg('caching'))),
    duplicate: (s, d) => (s.attached.some((a) => a.bus === d.pci.bus && a.devfn === d.pci.devfn) ? fail(msg('duplicate')) : undefined),
    'get-cap': (s, d) => {
      if (d.awBits.kind === 'no-get-cap') return fail(msg('get-cap'));
      if (d.awBits.kind === 'error') return { ok: false, error: faults.dropGetCapHints ? { message: d.awBits.error.message, hints: [] } : (d.awBits.error as QemuError) };
      const exceeds = faults.awCompare === '>=' ? s.props.awBits >= d.awBits.bits : s.props.awBits > d.awBits.bits;
      return exceeds ? fail(cFormat('aw-bits %d > host aw-bits %d', s.props.awBits, d.awBits.bits)) : undefined;
    },
    'flts-gate': (s) => (s.props.flts ? undefined : { ok: true }),
    iommufd: (_s, d) => {
      const check = faults.iommufdCheck ?? 'cast';
      const ok =
        check === 'skip' ||
        (check === 'cast' && (d.qom.type === 'host-iommu-device-iommufd' || d.qom.ancestors.includes('host-iommu-device-iommufd'))) ||
        (check === 'exact-name' && d.qom.type === 'host-iommu-device-iommufd-vfio') ||
        (check === 'not-legacy' && d.qom.type !== 'host-iommu-device-legacy-vfio');
      return ok ? undefined : fail(msg('iommufd'));
    },
    type: (_s, d) => {
      const bad = faults.typeCheck === 'gt' ? d.caps.type > 1 : d.caps.type !== 1;
      return bad ? fail(cFormat(faults.typeFormat ?? msg('type'), d.caps.type)) : undefined;
    },
    fs1gp: (s, d) => {
      const reg = faults.fs1gpFromEcap ? d.caps.vendorCaps.vtd.ecapReg : d.caps.vendorCaps.vtd.capReg;
      const bit = faults.fs1gpBit ?? 56n;
      const has = faults.fs1gpViaNumber ? Math.floor(Number(reg) / 2 ** Number(bit)) % 2 === 1 : ((reg >> bit) & 1n) === 1n;
      const wanted = faults.ignoreGuestFs1gp ? true : s.props.fs1gp;
      return wanted && !has ? fail(msg('fs1gp')) : undefined;
    },
    final: () => (faults.finalAccepts ? { ok: true } : fail(msg('final'))),
  };
  return {
    name,
    implements: { profile: 'seed', kconfig: { VTD_ACCEL: declaresAccel } },
    check(s, d) {
      for (const step of order) {
        if (faults.stub && (step === 'iommufd' || step === 'type' || step === 'fs1gp' || step === 'final')) {
          return fail('host IOMMU cannot be checked!', faults.stub.hint ? ['CONFIG_VTD_ACCEL is not enabled'] : []);
        }
        const verdict = steps[step](s, d);
        if (verdict) return verdict;
      }
      throw new Error('unreachable: the final step always decides');
    },
  };
}

/** The seed order with two adjacent steps swapped. */
export function swapped(a: Step, b: Step): Step[] {
  const order = [...SEED_ORDER];
  const i = order.indexOf(a);
  const j = order.indexOf(b);
  [order[i], order[j]] = [order[j] as Step, order[i] as Step];
  return order;
}
