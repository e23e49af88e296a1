import { inspect } from 'node:util';
import { INTEL_IOMMU_DEFAULTS, type AwBitsAnswer } from '@hiodkit/core';
import type { Case } from '../oracle/predicates.js';

/**
 * A deep copy of plain data (objects, arrays, primitives including bigint), the only things a case
 * holds; much cheaper than structuredClone on the kit's hot path.
 */
export function clonePlainData<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(clonePlainData) as T;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = clonePlainData((value as Record<string, unknown>)[key]);
  return copy as T;
}

/** A deep copy of a case, field by field: the hot path of every plugin call. */
export function cloneCase(c: Case): Case {
  const { guest, device } = c;
  const { caps, awBits: aw, pci } = device;
  const awBits: AwBitsAnswer = aw.kind === 'error' ? { kind: 'error', error: { message: aw.error.message, hints: [...aw.error.hints] } } : { ...aw };
  return {
    guest: { props: { ...guest.props }, attached: guest.attached.map((a) => ({ bus: a.bus, devfn: a.devfn })) },
    device: {
      name: device.name,
      qom: { type: device.qom.type, ancestors: [...device.qom.ancestors] },
      caps: { type: caps.type, hwCaps: caps.hwCaps, vendorCaps: { vtd: { ...caps.vendorCaps.vtd } }, maxPasidLog2: caps.maxPasidLog2 },
      awBits,
      pci: { bus: pci.bus, devfn: pci.devfn, upstreamBuses: [...pci.upstreamBuses] },
    },
  };
}

const PROP_KEYS = Object.keys(INTEL_IOMMU_DEFAULTS) as (keyof Case['guest']['props'])[];

/** The number of own enumerable keys, counted without allocating (this runs twice per plugin call). */
function keyCount(o: object): number {
  let n = 0;
  for (const key in o) if (Object.hasOwn(o, key)) n++;
  return n;
}

function sameKeys(a: object, b: object, count: number): boolean {
  return keyCount(a) === count && keyCount(b) === count;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Whether a plugin left a case exactly as it was given, field by field (no field added or removed). */
export function sameCase(a: Case, b: Case): boolean {
  const [ga, gb, da, db] = [a.guest, b.guest, a.device, b.device];
  if (!sameKeys(ga, gb, 2) || !sameKeys(ga.props, gb.props, PROP_KEYS.length) || !PROP_KEYS.every((k) => ga.props[k] === gb.props[k])) return false;
  if (ga.attached.length !== gb.attached.length || !ga.attached.every((x, i) => sameKeys(x, gb.attached[i] as object, 2) && x.bus === gb.attached[i]?.bus && x.devfn === gb.attached[i]?.devfn)) return false;
  if (!sameKeys(da, db, 5) || da.name !== db.name) return false;
  if (!sameKeys(da.qom, db.qom, 2) || da.qom.type !== db.qom.type || !sameStrings(da.qom.ancestors, db.qom.ancestors)) return false;
  const [ca, cb] = [da.caps, db.caps];
  const [va, vb] = [ca.vendorCaps.vtd, cb.vendorCaps.vtd];
  if (!sameKeys(ca, cb, 4) || ca.type !== cb.type || ca.hwCaps !== cb.hwCaps || ca.maxPasidLog2 !== cb.maxPasidLog2) return false;
  if (!sameKeys(ca.vendorCaps, cb.vendorCaps, 1) || !sameKeys(va, vb, 3) || va.flags !== vb.flags || va.capReg !== vb.capReg || va.ecapReg !== vb.ecapReg) return false;
  const [wa, wb] = [da.awBits, db.awBits];
  if (wa.kind !== wb.kind || keyCount(wa) !== keyCount(wb)) return false;
  if (wa.kind === 'value' && wa.bits !== (wb as typeof wa).bits) return false;
  if (wa.kind === 'error') {
    const eb = (wb as typeof wa).error;
    if (!sameKeys(wa.error, eb, 2) || wa.error.message !== eb.message || !sameStrings(wa.error.hints, eb.hints)) return false;
  }
  const [pa, pb] = [da.pci, db.pci];
  return sameKeys(pa, pb, 3) && pa.bus === pb.bus && pa.devfn === pb.devfn && sameStrings(pa.upstreamBuses, pb.upstreamBuses);
}

/** `inspect` of an arbitrary value, short enough for a report. */
export function renderValue(value: unknown): string {
  const text = inspect(value, { depth: 4, breakLength: Infinity, maxArrayLength: 10, maxStringLength: 200 });
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

/** The path of the first difference between two plain-data values, or undefined when they are equal. */
export function firstDifference(before: unknown, after: unknown, path: string): string | undefined {
  if (Object.is(before, after)) return undefined;
  if (typeof before !== 'object' || typeof after !== 'object' || before === null || after === null || Array.isArray(before) !== Array.isArray(after)) {
    return `${path} changed from ${renderValue(before)} to ${renderValue(after)}`;
  }
  const isArray = Array.isArray(before);
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const keys = Object.keys(b);
  for (const key of keys) {
    const sub = isArray ? `${path}[${key}]` : `${path}.${key}`;
    if (!Object.hasOwn(a, key)) return `${sub} was deleted`;
    const diff = firstDifference(b[key], a[key], sub);
    if (diff !== undefined) return diff;
  }
  const afterKeys = Object.keys(a);
  if (afterKeys.length !== keys.length) {
    const added = afterKeys.find((k) => !Object.hasOwn(b, k)) as string;
    return `${isArray ? `${path}[${added}]` : `${path}.${added}`} was added`;
  }
  return undefined;
}
