import { hasVtdAccel } from '@hiodkit/core';
import type { ConformanceReport, PropertyResult } from './report.js';
import { terminalText } from './terminal-text.js';

const STATUS_MARK: Record<PropertyResult['status'], string> = {
  passed: 'PASS  ',
  failed: 'FAIL  ',
  'known-failure': 'XFAIL ',
  'unexpected-pass': 'XPASS ',
  'known-failure-not-found': 'XFAIL?',
  'not-applicable': 'n/a   ',
};

/** How a terminal shows a report: the status marks and the verdict, each given as plain text; the default leaves them so. */
export interface ReportStyle {
  status(status: PropertyResult['status'], mark: string): string;
  verdict(conformant: boolean, text: string): string;
}

const PLAIN: ReportStyle = { status: (_status, mark) => mark, verdict: (_conformant, text) => text };

function ms(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`;
}

/** What a replay needs: the property, the seed and path of its failure, and the numRuns its path's first index counts within. */
export interface ReplayRef {
  readonly property: string;
  readonly seed: number;
  readonly path: string;
  readonly numRuns: number;
}

/** How a failure says to replay it where the user is: in code, on the command line, in vitest. */
export type ReplayFormatter = (r: ReplayRef) => string;

/** The replay as options for runConformance (or describeConformance). */
export const replayAsOptions: ReplayFormatter = (r) => `{ seed: ${r.seed}, numRuns: ${r.numRuns}, path: ${JSON.stringify(r.path)}, properties: [${JSON.stringify(r.property)}] }`;

/** A failed property's counterexample, both outcomes side by side, and how to replay it. */
export function formatFailure(result: PropertyResult, numRuns: number, indent = '      ', replay: ReplayFormatter = replayAsOptions): string {
  const f = result.failure;
  if (!f) return '';
  // the summary quotes the plugin (a thrown message, its stderr): each of its lines escaped, the later ones indented under the first
  const lines = f.summary.split('\n').map((line, i) => `${indent}${i === 0 ? '' : '  '}${terminalText(line)}`);
  if (f.row) lines.push(`${indent}row:      ${f.row.id} (${f.row.spec})`);
  if (f.expected !== undefined) lines.push(`${indent}expected: ${terminalText(f.expected)}`);
  if (f.actual !== undefined) lines.push(`${indent}actual:   ${terminalText(f.actual)}`);
  if (f.predicates) lines.push(`${indent}predicates: ${Object.entries(f.predicates).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  for (const c of f.cases) lines.push(`${indent}${c.label}: ${terminalText(JSON.stringify(c.case), Infinity)}`);
  // a known failure recorded as a case replays that case, which has no path
  const again = f.path === '' ? 'the case above, as recorded with its known failure' : replay({ property: result.id, seed: result.seed, path: f.path, numRuns });
  lines.push(`${indent}shrunk ${f.shrinks} time(s); replay: ${terminalText(again, Infinity)}`);
  return lines.join('\n');
}

/** The readable report: a line per property, failures in full, row coverage, time and the verdict; `style` colours the marks, `replay` says how to replay a failure. */
export function formatReport(report: ConformanceReport, options: { readonly style?: ReportStyle; readonly replay?: ReplayFormatter } = {}): string {
  const style = options.style ?? PLAIN;
  const replay = options.replay ?? replayAsOptions;
  const { plugin } = report;
  const run = report.options;
  const out: string[] = [];
  const kconfig = hasVtdAccel(report.profile) ? `CONFIG_VTD_ACCEL=${plugin.implements.kconfig.VTD_ACCEL ? 'y' : 'n'}` : 'no CONFIG_VTD_ACCEL yet';
  out.push(`hiodkit conformance: ${terminalText(plugin.name)} (${plugin.isolation}) — profile ${report.profile}, ${kconfig}`);
  out.push(`  table ${report.table.file} (qemu ${report.table.qemuCommit.slice(0, 12)}, ${report.table.rows} rows) · seed ${run.seed} · ${run.numRuns} runs per property · ${run.timeLimitMs} ms per call`);
  const width = Math.max(...report.properties.map((p) => p.id.length));
  for (const p of report.properties) {
    const detail =
      p.status === 'not-applicable'
        ? p.reason ?? ''
        : p.failure
          ? `failed after ${p.runs} run(s)`
          : `${p.runs} runs`;
    const mark = STATUS_MARK[p.status];
    const word = mark.trimEnd();
    out.push(`  ${style.status(p.status, word)}${mark.slice(word.length)} ${p.id.padEnd(width)}  ${detail.padEnd(24)} ${p.status === 'not-applicable' ? '' : ms(p.durationMs)}`.trimEnd());
    if (p.failure && (p.status === 'failed' || p.status === 'known-failure')) out.push(formatFailure(p, run.numRuns, undefined, replay));
    if (p.status === 'unexpected-pass' || p.status === 'known-failure-not-found') out.push(`       ${p.reason ?? ''}`);
  }
  if (report.coverage) {
    out.push(`  row coverage (${report.coverage.cases} generated cases in table-equivalence):`);
    const idWidth = Math.max(...report.coverage.rows.map((r) => r.id.length));
    for (const r of report.coverage.rows) {
      const share = r.reachable ? `${(r.share * 100).toFixed(1).padStart(5)}%  ${'#'.repeat(Math.round(r.share * 50))}` : '   —    not reachable with this CONFIG_VTD_ACCEL';
      out.push(`    ${r.id.padEnd(idWidth)}  ${share}`);
    }
  }
  if (report.builds.length > 0) out.push(`  builds that link this checker: ${report.builds.length} of 24 (e.g. ${report.builds[0]})`);
  out.push(`  ${style.verdict(report.conformant, report.conformant ? 'CONFORMANT' : 'NOT CONFORMANT')} in ${ms(report.durationMs)}`);
  return out.join('\n');
}
