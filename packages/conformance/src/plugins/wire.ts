import { InputError, parseU32, parseU64, toHex, type HostIommuDevice, type Outcome, type VIommuState } from '@hiodkit/core';
import type { Case } from '../oracle/predicates.js';
import { schemaProblems } from '../schemas.js';

/** A case as JSON: u64 registers as `0x…` strings (schemas/case.schema.json). */
export interface CaseJson {
  readonly guest: VIommuState;
  readonly device: Omit<HostIommuDevice, 'caps'> & {
    readonly caps: {
      readonly type: number;
      readonly hwCaps: string;
      readonly vendorCaps: { readonly vtd: { readonly flags: number; readonly capReg: string; readonly ecapReg: string } };
      readonly maxPasidLog2: number;
    };
  };
}

export function caseToJson(c: Case): CaseJson {
  const { caps } = c.device;
  return {
    guest: { props: { ...c.guest.props }, attached: c.guest.attached.map((a) => ({ bus: a.bus, devfn: a.devfn })) },
    device: {
      ...c.device,
      caps: {
        type: caps.type,
        hwCaps: toHex(caps.hwCaps),
        vendorCaps: { vtd: { flags: caps.vendorCaps.vtd.flags, capReg: toHex(caps.vendorCaps.vtd.capReg), ecapReg: toHex(caps.vendorCaps.vtd.ecapReg) } },
        maxPasidLog2: caps.maxPasidLog2,
      },
    },
  };
}

/** Validates a JSON case against the schema and turns it into the model; throws InputError naming the field. */
export function caseFromJson(json: unknown, root = 'case'): Case {
  const problems = schemaProblems('case.schema.json', json, root);
  if (problems.length > 0) throw new InputError(root, problems.join('; '));
  const j = json as CaseJson;
  const vtd = j.device.caps.vendorCaps.vtd;
  const caps = `${root}.device.caps`;
  return {
    guest: j.guest,
    device: {
      ...j.device,
      caps: {
        type: parseU32(j.device.caps.type, `${caps}.type`),
        hwCaps: parseU64(j.device.caps.hwCaps, `${caps}.hwCaps`),
        vendorCaps: {
          vtd: {
            flags: parseU32(vtd.flags, `${caps}.vendorCaps.vtd.flags`),
            capReg: parseU64(vtd.capReg, `${caps}.vendorCaps.vtd.capReg`),
            ecapReg: parseU64(vtd.ecapReg, `${caps}.vendorCaps.vtd.ecapReg`),
          },
        },
        maxPasidLog2: j.device.caps.maxPasidLog2,
      },
    },
  };
}

/** The problems that make `value` not an Outcome (schemas/outcome.schema.json); empty when it is one. */
export function outcomeProblems(value: unknown, root = 'outcome'): string[] {
  return schemaProblems('outcome.schema.json', value, root);
}

/** A fresh plain copy of a valid outcome: the kit never touches the plugin's object again (getters, proxies). */
export function copyOutcome(o: Outcome): Outcome {
  return o.ok ? { ok: true } : { ok: false, error: { message: o.error.message, hints: [...o.error.hints] } };
}

/** One line for an outcome: `accept`, or the message and hint text. */
export function describeOutcome(outcome: Outcome): string {
  if (outcome.ok) return 'accept';
  const hint = outcome.error.hints.join('');
  return hint === '' ? `reject: ${JSON.stringify(outcome.error.message)}` : `reject: ${JSON.stringify(outcome.error.message)} hint ${JSON.stringify(hint)}`;
}

/** Outcomes are equal when both accept, or both reject with the same message and hint text. */
export function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a.ok || b.ok) return a.ok === b.ok;
  return a.error.message === b.error.message && a.error.hints.join('') === b.error.hints.join('');
}
