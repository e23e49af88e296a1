import { knownFailureProperty, type KnownFailureEntry } from '../plugins/known-failures.js';
import { caseFromJson, type CaseJson } from '../plugins/wire.js';
import type { Case } from '../oracle/predicates.js';
import { isPropertyId, PROPERTY_IDS, type PropertyId } from '../properties/property.js';
import { schemaProblems } from '../schemas.js';
import { ConformanceConfigError } from './config-error.js';
import { PATH_FORM } from './replay-path.js';

/** How the kit shows a known failure again: a seed and fast-check path, or the case itself. */
export type Counterexample = { readonly kind: 'path'; readonly seed: number; readonly path: string } | { readonly kind: 'case'; readonly case: Case };

/** A known failure as the kit replays it: with a counterexample, or (ID alone) only by running the property. */
export interface KnownFailure {
  readonly property: PropertyId;
  readonly counterexample?: Counterexample;
  readonly reason?: string;
}

const ENTRY_KEYS = new Set(['property', 'seed', 'path', 'case', 'reason']);

function problem(where: string, text: string): never {
  throw new ConformanceConfigError(`${where}: ${text}`);
}

/** One entry, checked: a known property ID, and either seed and path or a valid case, not both. */
function resolveEntry(entry: KnownFailureEntry, where: string): KnownFailure {
  const id = knownFailureProperty(entry);
  if (!isPropertyId(id)) problem(where, `unknown property ID ${JSON.stringify(id)} (known: ${PROPERTY_IDS.join(', ')})`);
  if (typeof entry === 'string') return { property: id };
  const e = entry as Record<string, unknown>;
  const extra = Object.keys(e).filter((k) => !ENTRY_KEYS.has(k));
  if (extra.length > 0) problem(where, `unknown field ${JSON.stringify(extra[0])}; an entry has property, and seed and path or case, and an optional reason`);
  if (e['reason'] !== undefined && typeof e['reason'] !== 'string') problem(`${where}.reason`, 'must be a string');
  const reason = e['reason'] === undefined ? {} : { reason: e['reason'] as string };
  const hasPath = e['seed'] !== undefined || e['path'] !== undefined;
  if (hasPath && e['case'] !== undefined) problem(where, 'give its counterexample as seed and path or as a case, not both');
  if (e['case'] !== undefined) {
    const problems = schemaProblems('case.schema.json', e['case'], `${where}.case`);
    if (problems.length > 0) problem(where, `its case is not a valid case: ${problems.join('; ')}`);
    return { property: id, counterexample: { kind: 'case', case: caseFromJson(e['case'] as CaseJson) }, ...reason };
  }
  if (!hasPath) problem(where, 'an object entry carries its counterexample: seed and path, or case');
  const seed = e['seed'];
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < -0x8000_0000 || seed > 0x7fff_ffff) problem(`${where}.seed`, 'must be an integer in -2147483648..2147483647');
  const path = e['path'];
  if (typeof path !== 'string' || !PATH_FORM.test(path)) problem(`${where}.path`, `must be a fast-check path such as "3:0:1" (got ${JSON.stringify(path)})`);
  return { property: id, counterexample: { kind: 'path', seed, path }, ...reason };
}

/**
 * The known failures of a run: the plugin's own, then the run's options. The same property twice
 * is allowed only when at most one entry carries a counterexample, which then stands.
 */
export function resolveKnownFailures(sources: readonly { readonly entries: readonly KnownFailureEntry[]; readonly where: string }[]): Map<PropertyId, KnownFailure> {
  const known = new Map<PropertyId, KnownFailure>();
  for (const { entries, where } of sources) {
    entries.forEach((entry, i) => {
      const k = resolveEntry(entry, `${where}[${i}]`);
      const before = known.get(k.property);
      if (before?.counterexample !== undefined && k.counterexample !== undefined) problem(`${where}[${i}]`, `${k.property} is listed twice with a counterexample`);
      if (before?.counterexample === undefined) known.set(k.property, k);
    });
  }
  return known;
}

/** `ID` or `ID@SEED:PATH`, as the CLI's --known-failure takes it. */
export function parseKnownFailureOption(text: string): KnownFailureEntry {
  const at = text.indexOf('@');
  if (at < 0) return text;
  const m = /^(-?\d+):(.+)$/.exec(text.slice(at + 1));
  if (!m) throw new ConformanceConfigError(`--known-failure ${JSON.stringify(text)}: write ID, or ID@SEED:PATH with the seed and path its failure report printed (e.g. table-equivalence@42:3:0:1)`);
  return { property: text.slice(0, at), seed: Number(m[1]), path: m[2] as string };
}
