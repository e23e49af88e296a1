import type { PluginDeclaration } from '@hiodkit/core';
import { reachableRows } from '../arbitraries/cases.js';
import { classifyCase, hostPasidWidth, type Case, type PredicateName } from './predicates.js';
import { argValue, rowFor, type ArgName, type ReferenceRow, type ReferenceTable } from './reference.js';

/**
 * A field of a case that the expected outcome of some row reads: a generator mix that never varies
 * it leaves a checker free to get it wrong (drop the get_cap error's hints, print the type with %u).
 */
export interface ExpectationField {
  readonly name: string;
  /** Whether the expected outcome of a case in this row reads the field. */
  readonly readBy: (row: ReferenceRow) => boolean;
  /** What of the field a mix must vary: its value, or the part of it that matters. */
  readonly facet: (c: Case) => string;
}

const propagates = (row: ReferenceRow) => 'propagate' in row.expect;
const takes = (arg: ArgName) => (row: ReferenceRow) => 'reject' in row.expect && (row.expect.reject.args ?? []).includes(arg);
const mentions = (p: PredicateName) => (row: ReferenceRow) => row.when.some((conj) => p in conj);
const getCapError = (c: Case) => (c.device.awBits.kind === 'error' ? c.device.awBits.error : undefined);

// every argument a template can take: an ArgName added without a line here does not compile
const ARGUMENTS: Readonly<Record<ArgName, string>> = {
  'guest.aw-bits': "the guest's aw-bits",
  'host.aw-bits': "get_cap's aw-bits",
  'host.type': "the host's IOMMU type",
  'guest.pasid-bits': "the guest's pasid-bits",
  'host.pasid-bits': "the host's PASID width",
};

export const EXPECTATION_FIELDS: readonly ExpectationField[] = [
  { name: "get_cap's error message", readBy: propagates, facet: (c) => getCapError(c)?.message ?? '' },
  { name: "whether get_cap's error has hints", readBy: propagates, facet: (c) => String((getCapError(c)?.hints.length ?? 0) > 0) },
  { name: "get_cap's error hint text", readBy: propagates, facet: (c) => getCapError(c)?.hints.join('') ?? '' },
  ...(Object.keys(ARGUMENTS) as ArgName[]).map((arg) => ({ name: `${ARGUMENTS[arg]} (${arg})`, readBy: takes(arg), facet: (c: Case) => String(argValue(arg, c)) })),
  { name: "whether the host type's high bit is set (%d prints it negative)", readBy: takes('host.type'), facet: (c) => String(c.device.caps.type >= 0x8000_0000) },
  { name: 'how many devices are attached', readBy: mentions('duplicate'), facet: (c) => String(c.guest.attached.length) },
  { name: 'whether other devices are attached beside this one', readBy: (row) => row.id === 'already-attached', facet: (c) => String(c.guest.attached.length > 1) },
  { name: "the host's PASID width (ecap PSS + 1)", readBy: mentions('pasid'), facet: (c) => String(hostPasidWidth(c.device.caps.vendorCaps.vtd.ecapReg)) },
];

/** The fields a reachable row's expectation reads that never vary across `cases`, each with why. */
export function constantExpectationFields(table: ReferenceTable, declaration: Pick<PluginDeclaration, 'kconfig'>, cases: readonly Case[]): string[] {
  const rows = reachableRows(table, declaration);
  const rowOf = new Map(cases.map((c) => [c, rowFor(table, classifyCase(c, declaration))]));
  return EXPECTATION_FIELDS.flatMap((field) => {
    if (!rows.some(field.readBy)) return [];
    const facets = new Set(cases.filter((c) => field.readBy(rowOf.get(c) as ReferenceRow)).map(field.facet));
    if (facets.size === 0) return [`${field.name}: no case falls in a row that reads it`];
    return facets.size === 1 ? [`${field.name}: always ${JSON.stringify([...facets][0])}`] : [];
  });
}
