import type { ResolverPropertyResult, ResolverReport } from './resolver-report.js';
import type { ReplayFormatter, ReportStyle } from './format-report.js';
import { replayAsOptions } from './format-report.js';
import { terminalText } from './terminal-text.js';

function ms(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`;
}

const PLAIN: ReportStyle = { status: (_status, mark) => mark, verdict: (_conformant, text) => text };

/** A failed resolver property: what differed, the build (rules text line by line), and how to replay it. */
export function formatResolverFailure(p: ResolverPropertyResult, numRuns: number, indent = '      ', replay: ReplayFormatter = replayAsOptions): string {
  if (p.status !== 'failed') return '';
  const f = p.failure;
  const lines = f.summary.split('\n').map((line, i) => `${indent}${i === 0 ? '' : '  '}${terminalText(line)}`);
  if (f.expected !== undefined) lines.push(`${indent}expected: ${terminalText(f.expected, Infinity)}`);
  if (f.actual !== undefined) lines.push(`${indent}actual:   ${terminalText(f.actual, Infinity)}`);
  for (const { label, input } of f.inputs) {
    lines.push(`${indent}${terminalText(label)}: host ${terminalText(JSON.stringify(input.host))} mak ${terminalText(JSON.stringify(input.mak))} defaultDevices ${input.defaultDevices}`);
    lines.push(`${indent}rules:`);
    for (const line of input.rules.split('\n').filter((l) => l.trim() !== '')) lines.push(`${indent}  | ${terminalText(line)}`);
  }
  lines.push(`${indent}shrunk ${f.shrinks} time(s); replay: ${terminalText(replay({ property: p.id, seed: p.seed, path: f.path, numRuns }), Infinity)}`);
  return lines.join('\n');
}

/** The readable resolver report: a line per property, failures in full, time and the verdict. */
export function formatResolverReport(report: ResolverReport, options: { readonly style?: ReportStyle; readonly replay?: ReplayFormatter } = {}): string {
  const style = options.style ?? PLAIN;
  const replay = options.replay ?? replayAsOptions;
  const run = report.options;
  const out = [
    `hiodkit conformance: ${terminalText(report.resolver.name)} (${report.resolver.isolation}) — Kconfig resolver, judged against minikconf`,
    `  seed ${run.seed} · ${run.numRuns} runs per property · ${run.timeLimitMs} ms per call`,
  ];
  const width = Math.max(...report.properties.map((p) => p.id.length));
  for (const p of report.properties) {
    const mark = p.status === 'passed' ? 'PASS  ' : 'FAIL  ';
    const word = mark.trimEnd();
    const detail = p.status === 'failed' ? `failed after ${p.runs} run(s)` : `${p.runs} runs`;
    out.push(`  ${style.status(p.status, word)}${mark.slice(word.length)} ${p.id.padEnd(width)}  ${detail.padEnd(24)} ${ms(p.durationMs)}`);
    if (p.status === 'failed') out.push(formatResolverFailure(p, run.numRuns, '      ', replay));
  }
  out.push(`  ${style.verdict(report.conformant, report.conformant ? 'CONFORMANT' : 'NOT CONFORMANT')} in ${ms(report.durationMs)}`);
  return out.join('\n');
}
