// After a Stryker run: the score per package, and the survivors checked against the committed list of
// mutants the plugin contract cannot observe. Exits 1 when the two differ, naming each difference.
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

interface StrykerMutant {
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: { readonly start: { readonly line: number; readonly column: number }; readonly end: { readonly line: number; readonly column: number } };
}

interface StrykerReport {
  readonly files: Readonly<Record<string, { readonly source: string; readonly mutants: readonly StrykerMutant[] }>>;
}

/** One mutant as the committed list records it: where, what, and why no test through the contract can see it. */
export interface ListedMutant {
  readonly file: string;
  readonly line: number;
  readonly mutator: string;
  readonly original: string;
  readonly replacement: string;
  readonly status: 'Survived' | 'NoCoverage';
  readonly reason: string;
}

const UNDETECTED = new Set(['Survived', 'NoCoverage']);

function originalText(source: string, m: StrykerMutant): string {
  const lines = source.split('\n');
  const { start, end } = m.location;
  if (start.line === end.line) return (lines[start.line - 1] ?? '').slice(start.column - 1, end.column - 1);
  // a multi-line span: its first line, enough to find it
  return `${(lines[start.line - 1] ?? '').slice(start.column - 1)}…`;
}

const keyOf = (m: Omit<ListedMutant, 'reason'>) => JSON.stringify([m.file, m.line, m.mutator, m.original, m.replacement, m.status]);

function packageOf(file: string): string {
  return /^packages\/([^/]+)\//.exec(file)?.[1] ?? file;
}

const [reportPath, listPath] = process.argv.slice(2);
if (reportPath === undefined) {
  console.error('usage: survivors.ts <stryker report.json> [equivalent-mutants.json]');
  process.exit(2);
}
const report = JSON.parse(readFileSync(reportPath, 'utf8')) as StrykerReport;

const tally = new Map<string, Record<string, number>>();
const undetected: Omit<ListedMutant, 'reason'>[] = [];
for (const [path, file] of Object.entries(report.files)) {
  const name = relative(process.cwd(), resolve(path)).replace(/\\/g, '/');
  const counts = tally.get(packageOf(name)) ?? {};
  tally.set(packageOf(name), counts);
  for (const m of file.mutants) {
    counts[m.status] = (counts[m.status] ?? 0) + 1;
    if (UNDETECTED.has(m.status)) {
      undetected.push({ file: name, line: m.location.start.line, mutator: m.mutatorName, original: originalText(file.source, m), replacement: m.replacement ?? '', status: m.status as ListedMutant['status'] });
    }
  }
}

console.log('package   mutants  killed  timeout  survived  no-coverage  errors  score');
for (const [pkg, c] of [...tally].sort()) {
  const n = (s: string) => c[s] ?? 0;
  const total = Object.values(c).reduce((a, b) => a + b, 0);
  const errors = n('CompileError') + n('RuntimeError');
  const valid = total - errors - n('Ignored');
  const score = valid === 0 ? 100 : (100 * (n('Killed') + n('Timeout'))) / valid;
  console.log(`${pkg.padEnd(8)}  ${String(total).padStart(7)}  ${String(n('Killed')).padStart(6)}  ${String(n('Timeout')).padStart(7)}  ${String(n('Survived')).padStart(8)}  ${String(n('NoCoverage')).padStart(11)}  ${String(errors).padStart(6)}  ${score.toFixed(2)}%`);
}

if (listPath === undefined) {
  // a measurement only (the shared-core job): show what the kit let through
  for (const m of undetected) console.log(`undetected: ${m.file}:${m.line} ${m.mutator} ${JSON.stringify(m.original)} -> ${JSON.stringify(m.replacement)} (${m.status})`);
  process.exit(0);
}
const listed = (JSON.parse(readFileSync(listPath, 'utf8')) as { mutants: ListedMutant[] }).mutants;
const listedKeys = new Set(listed.map(keyOf));
const foundKeys = new Set(undetected.map(keyOf));
const unlisted = undetected.filter((m) => !listedKeys.has(keyOf(m)));
const stale = listed.filter((m) => !foundKeys.has(keyOf(m)));
console.log(`\n${undetected.length} undetected, ${listed.length} listed in ${listPath}`);
for (const m of unlisted) console.log(`not listed: ${JSON.stringify({ ...m, reason: '' })}`);
for (const m of stale) console.log(`listed but not undetected this run: ${m.file}:${m.line} ${m.mutator} ${JSON.stringify(m.original)} -> ${JSON.stringify(m.replacement)} (${m.status})`);
if (unlisted.length > 0 || stale.length > 0) process.exit(1);
console.log('every undetected mutant is listed with its reason, and every listed one is undetected');
