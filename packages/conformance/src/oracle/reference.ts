import { readFileSync } from 'node:fs';
import { isProfileId, PROFILES, type Outcome, type ProfileId } from '@hiodkit/core';
import { TemplateError, renderTemplate } from './c-format.js';
import { PREDICATE_VALUES, hostPasidWidth, type Assignment, type Case, type PredicateName } from './predicates.js';
import { schemaProblems } from '../schemas.js';

export type ArgName = 'guest.aw-bits' | 'host.aw-bits' | 'host.type' | 'guest.pasid-bits' | 'host.pasid-bits';

export type Expectation =
  | { readonly accept: true }
  | { readonly reject: { readonly message: string; readonly args?: readonly ArgName[]; readonly hints?: readonly string[] } }
  | { readonly propagate: 'get-cap-error' };

/** Predicate values a row requires; a list means any of them. */
export type Conjunction = Readonly<Partial<Record<PredicateName, string | readonly string[]>>>;
export type PartialAssignment = Readonly<Partial<Record<PredicateName, string>>>;

export interface ReferenceRow {
  readonly id: string;
  readonly spec: string;
  readonly when: readonly Conjunction[];
  readonly expect: Expectation;
  readonly repair?: PartialAssignment;
  readonly break?: PartialAssignment;
}

export interface ReferenceTable {
  readonly profile: ProfileId;
  readonly qemuCommit: string;
  readonly description?: string;
  readonly predicates: Readonly<Partial<Record<PredicateName, readonly string[]>>>;
  readonly rows: readonly ReferenceRow[];
}

/** A table the kit refuses, with every reason. */
export class ReferenceTableError extends Error {
  override readonly name = 'ReferenceTableError';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: ${problems.length === 1 ? problems[0] : `\n  ${problems.join('\n  ')}`}`);
  }
}

export function referenceTableUrl(profile: ProfileId): URL {
  return new URL(`../../reference/${profile}.json`, import.meta.url);
}

function valuesOf(v: string | readonly string[]): readonly string[] {
  return typeof v === 'string' ? [v] : v;
}

function conjunctionMatches(conj: Conjunction, a: Partial<Record<PredicateName, string>>): boolean {
  return Object.entries(conj).every(([p, v]) => valuesOf(v as string | readonly string[]).includes(a[p as PredicateName] as string));
}

export function rowMatches(row: ReferenceRow, a: Partial<Record<PredicateName, string>>): boolean {
  return row.when.some((conj) => conjunctionMatches(conj, a));
}

function* combinations(predicates: readonly [PredicateName, readonly string[]][]): Generator<Record<string, string>> {
  const [head, ...rest] = predicates;
  if (!head) {
    yield {};
    return;
  }
  for (const tail of combinations(rest)) for (const v of head[1]) yield { [head[0]]: v, ...tail };
}

function describeAssignment(a: Readonly<Record<string, string>>): string {
  return `{${Object.entries(a).map(([k, v]) => `${k}=${v}`).join(', ')}}`;
}

/** Every combination of the table's predicate values must fall in exactly one row. */
export function completenessProblems(table: Pick<ReferenceTable, 'predicates' | 'rows'>, limit = 5): string[] {
  const problems: string[] = [];
  let gaps = 0;
  let overlaps = 0;
  for (const combo of combinations(Object.entries(table.predicates) as [PredicateName, readonly string[]][])) {
    const hits = table.rows.filter((r) => rowMatches(r, combo));
    if (hits.length === 1) continue;
    if (hits.length === 0 && gaps++ < limit) problems.push(`incomplete: ${describeAssignment(combo)} falls in no row`);
    if (hits.length > 1 && overlaps++ < limit) problems.push(`not disjoint: ${describeAssignment(combo)} falls in rows ${hits.map((r) => r.id).join(' and ')}`);
  }
  if (gaps > limit) problems.push(`… and ${gaps - limit} more combinations in no row`);
  if (overlaps > limit) problems.push(`… and ${overlaps - limit} more combinations in several rows`);
  return problems;
}

/** How many arguments a printf template consumes (every conversion but %%). */
function conversionCount(template: string): number {
  return (template.replace(/%%/g, '').match(/%[-0#+ ]*\d*(hh|h|ll|l|z)?[a-zA-Z]/g) ?? []).length;
}

/** Why a template cannot be rendered with `count` numeric arguments, or undefined when it can. */
function renderProblem(template: string, count: number): string | undefined {
  try {
    renderTemplate(template, Array.from({ length: count }, () => 0));
    return undefined;
  } catch (e) {
    if (e instanceof TemplateError) return e.message;
    throw e;
  }
}

function semanticProblems(table: ReferenceTable): string[] {
  const problems: string[] = [];
  for (const [p, values] of Object.entries(table.predicates) as [PredicateName, readonly string[]][]) {
    const known = PREDICATE_VALUES[p] as readonly string[];
    const missing = known.filter((v) => !values.includes(v));
    const extra = values.filter((v) => !known.includes(v));
    if (missing.length || extra.length) problems.push(`predicates.${p}: values must be exactly ${known.join(', ')}`);
  }
  const ids = new Set<string>();
  table.rows.forEach((row, i) => {
    const at = `rows[${i}] (${row.id})`;
    if (ids.has(row.id)) problems.push(`${at}: duplicate row id`);
    ids.add(row.id);
    const checkValues = (where: string, p: string, values: readonly string[]) => {
      const domain = table.predicates[p as PredicateName];
      if (!domain) problems.push(`${at}.${where}: predicate ${p} is not declared in predicates`);
      else for (const v of values) if (!domain.includes(v)) problems.push(`${at}.${where}: ${p}=${v} is not one of ${domain.join(', ')}`);
    };
    row.when.forEach((conj, j) => Object.entries(conj).forEach(([p, v]) => checkValues(`when[${j}]`, p, valuesOf(v as string | readonly string[]))));
    for (const key of ['repair', 'break'] as const) Object.entries(row[key] ?? {}).forEach(([p, v]) => checkValues(key, p, [v as string]));
    if ('reject' in row.expect) {
      // every argument is an integer: the template must render with exactly that many
      const { message, args = [], hints = [] } = row.expect.reject;
      const wanted = conversionCount(message);
      const problem = renderProblem(message, args.length);
      if (wanted !== args.length) problems.push(`${at}.expect.reject: the message takes ${wanted} argument(s), args lists ${args.length}`);
      else if (problem !== undefined) problems.push(`${at}.expect.reject: the message cannot be rendered with its ${args.length} integer argument(s): ${problem}`);
      hints.forEach((h, k) => {
        if (conversionCount(h) !== 0 || renderProblem(h, 0) !== undefined) problems.push(`${at}.expect.reject.hints[${k}]: hints take no arguments`);
      });
    }
  });
  return problems;
}

/** Validates a table (schema, vocabulary, complete and disjoint); throws ReferenceTableError with every problem. */
export function parseReferenceTable(json: unknown, source: string, profile?: ProfileId): ReferenceTable {
  const schema = schemaProblems('reference.schema.json', json, 'table');
  if (schema.length > 0) throw new ReferenceTableError(source, schema);
  const table = json as ReferenceTable;
  const problems = semanticProblems(table);
  if (profile !== undefined && table.profile !== profile) problems.push(`profile is ${table.profile}, expected ${profile}`);
  if (problems.length === 0) problems.push(...completenessProblems(table));
  if (problems.length > 0) throw new ReferenceTableError(source, problems);
  return table;
}

const loaded = new Map<ProfileId, ReferenceTable>();

/** The shipped table of a profile (reference/<profile>.json), validated once. */
export function loadReferenceTable(profile: ProfileId): ReferenceTable {
  if (!isProfileId(profile)) throw new RangeError(`unknown profile ${JSON.stringify(profile)} (known: ${PROFILES.join(', ')})`);
  let table = loaded.get(profile);
  if (!table) {
    const url = referenceTableUrl(profile);
    table = parseReferenceTable(JSON.parse(readFileSync(url, 'utf8')), `reference/${profile}.json`, profile);
    loaded.set(profile, table);
  }
  return table;
}

/** The one row a case's predicates fall in. */
export function rowFor(table: ReferenceTable, assignment: Assignment): ReferenceRow {
  const row = table.rows.find((r) => rowMatches(r, assignment));
  if (!row) throw new ReferenceTableError(`reference/${table.profile}.json`, [`${describeAssignment(assignment)} falls in no row`]);
  return row;
}

/** The value of one template argument for a case. */
export function argValue(name: ArgName, c: Case): number {
  const { props } = c.guest;
  switch (name) {
    case 'guest.aw-bits':
      return props.awBits;
    case 'host.aw-bits':
      if (c.device.awBits.kind !== 'value') throw new RangeError('host.aw-bits: get_cap gave no value for this case');
      return c.device.awBits.bits;
    case 'host.type':
      return c.device.caps.type;
    case 'guest.pasid-bits':
      return props.pasidBits;
    case 'host.pasid-bits':
      return hostPasidWidth(c.device.caps.vendorCaps.vtd.ecapReg);
  }
}

/** The outcome a row prescribes for a case: its message rendered with C printf semantics, by the kit's own formatter. */
export function expectedOutcome(row: ReferenceRow, c: Case): Outcome {
  const e = row.expect;
  if ('accept' in e) return { ok: true };
  if ('propagate' in e) {
    if (c.device.awBits.kind !== 'error') throw new RangeError(`row ${row.id} propagates get_cap's error, but this case's get_cap sets none`);
    return { ok: false, error: c.device.awBits.error };
  }
  const args = (e.reject.args ?? []).map((a) => argValue(a, c));
  return { ok: false, error: { message: renderTemplate(e.reject.message, args), hints: (e.reject.hints ?? []).map((h) => renderTemplate(h, [])) } };
}

function templatePattern(template: string): RegExp {
  const body = template.replace(/%%|%[-0#+ ]*\d*(?:hh|h|ll|l|z)?[diuxXs]|[.*+?^${}()|[\]\\]/g, (m) => {
    if (m === '%%') return '%';
    if (!m.startsWith('%')) return `\\${m}`;
    const conv = m[m.length - 1];
    return conv === 's' ? '[\\s\\S]*' : conv === 'd' || conv === 'i' ? '-?\\d+' : conv === 'u' ? '\\d+' : '[0-9a-fA-F]+';
  });
  return new RegExp(`^${body}$`);
}

/** Which row's check an outcome comes from, judged by its message; `exact` when the arguments match too. */
export interface Attribution {
  readonly row: ReferenceRow | 'accept';
  readonly exact: boolean;
}

export function attributeOutcome(table: ReferenceTable, c: Case, outcome: Outcome): Attribution | undefined {
  if (outcome.ok) return { row: 'accept', exact: true };
  const message = outcome.error.message;
  for (const row of table.rows) {
    if ('accept' in row.expect) continue;
    if ('propagate' in row.expect) {
      if (c.device.awBits.kind === 'error' && c.device.awBits.error.message === message) return { row, exact: true };
      continue;
    }
    let expected: Outcome | undefined;
    try {
      expected = expectedOutcome(row, c);
    } catch {
      // the row's arguments do not exist for this case; the template match below still applies
    }
    if (expected && !expected.ok && expected.error.message === message) return { row, exact: true };
  }
  for (const row of table.rows) {
    if ('reject' in row.expect && templatePattern(row.expect.reject.message).test(message)) return { row, exact: false };
  }
  return undefined;
}
