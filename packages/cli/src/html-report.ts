import { terminalText, type PropertyResult, type PropertyStatus, type RunInfo } from '@hiodkit/conformance';
import type { PluginRun } from './plugin-run.js';
import { replayCommand } from './replay-command.js';
import { xmlAttribute, xmlText } from './xml-text.js';

const LABEL: Record<PropertyStatus, string> = {
  passed: 'PASS',
  failed: 'FAIL',
  'known-failure': 'XFAIL',
  'unexpected-pass': 'XPASS',
  'known-failure-not-found': 'XFAIL?',
  'not-applicable': 'n/a',
};

/** One line of untrusted text for the page: what a terminal would hide made visible (`\x1b`, `\u202e`), then markup escaped. */
function shown(text: string): string {
  return xmlText(terminalText(text, Infinity));
}

function shownAttribute(text: string): string {
  return xmlAttribute(terminalText(text, Infinity));
}

function shownLines(text: string): string {
  return text.split('\n').map(shown).join('\n');
}

function ms(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`;
}

const STYLE = `
:root { --pass: #1a7f37; --fail: #cf222e; --xfail: #9a6700; --na: #6e7781; --line: #d0d7de; font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1f2328; }
body { margin: 2rem auto; max-width: 72rem; padding: 0 1.5rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h2 { font-size: 1.25rem; margin: 2.5rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; } h3 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
.meta { color: #59636e; margin: 0 0 1.5rem; }
table { border-collapse: collapse; }
.matrix th, .matrix td { border: 1px solid var(--line); padding: .35rem .6rem; text-align: center; white-space: nowrap; }
.matrix thead th { font-weight: 600; font-size: .8rem; background: #f6f8fa; white-space: normal; max-width: 7.5rem; vertical-align: bottom; }
.matrix th[scope=row] { text-align: left; font-weight: 500; white-space: normal; max-width: 16rem; overflow-wrap: anywhere; }
.status { font-weight: 700; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85rem; }
.passed { color: var(--pass); } .failed, .unexpected-pass { color: #fff; background: var(--fail); } .known-failure, .known-failure-not-found { color: var(--xfail); background: #fff8c5; } .not-applicable { color: var(--na); }
.matrix a { color: inherit; }
.verdict-yes { color: var(--pass); font-weight: 700; } .verdict-no { color: var(--fail); font-weight: 700; }
.coverage td { padding: .15rem .6rem .15rem 0; font-size: .9rem; } .coverage td.share { text-align: right; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.track { width: 24rem; height: .8rem; background: #eaeef2; border-radius: .2rem; overflow: hidden; }
.bar { height: 100%; background: #0969da; }
.unreachable { color: var(--na); }
.counterexample { border: 1px solid var(--line); border-radius: .4rem; padding: .75rem 1rem; margin: 1rem 0; }
.outcomes { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.outcome { border-radius: .3rem; padding: .5rem .75rem; } .outcome h4 { margin: 0 0 .25rem; font-size: .85rem; }
.expected { background: #dafbe1; } .actual { background: #ffebe9; }
pre { white-space: pre-wrap; word-break: break-all; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .8rem; margin: .25rem 0; }
pre.replay { background: #f6f8fa; border: 1px solid var(--line); border-radius: .3rem; padding: .5rem .75rem; }
`;

function anchor(pluginIndex: number, propertyId: string): string {
  return `p${pluginIndex}-${propertyId.replace(/[^a-z0-9-]/g, '-')}`;
}

function replayOf(run: PluginRun, p: PropertyResult): string {
  return replayCommand(run.replay)({ property: p.id, seed: p.seed, path: p.failure?.path ?? '', numRuns: run.report.options.numRuns });
}

function matrix(runs: readonly PluginRun[], ids: readonly string[]): string {
  // a long ID may wrap after its slash
  const head = `<tr><th scope="col">plugin</th>${ids.map((id) => `<th scope="col">${shown(id).replace(/\//g, '/<wbr>')}</th>`).join('')}<th scope="col">verdict</th></tr>`;
  const rows = runs.map((run, i) => {
    const { report } = run;
    const cells = ids.map((id) => {
      const p = report.properties.find((q) => q.id === id);
      if (!p) return '<td class="not-run" title="not run">—</td>';
      const title = p.reason ?? (p.failure ? p.failure.summary : `${p.runs} runs, ${p.calls} calls`);
      const label = p.failure ? `<a href="#${anchor(i, id)}">${LABEL[p.status]}</a>` : LABEL[p.status];
      return `<td class="status ${p.status}" data-property="${shownAttribute(id)}" title="${shownAttribute(title)}">${label}</td>`;
    });
    const verdict = report.conformant ? '<td class="verdict-yes">conformant</td>' : '<td class="verdict-no">not conformant</td>';
    return `<tr><th scope="row"><a href="#p${i}">${shown(report.plugin.name)}</a> <span class="meta">${report.profile}</span></th>${cells.join('')}${verdict}</tr>`;
  });
  return `<table class="matrix"><thead>${head}</thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function coverage(run: PluginRun): string {
  const c = run.report.coverage;
  if (!c) return '<p class="meta">No row coverage: table-equivalence did not run.</p>';
  const rows = c.rows.map((r) => {
    const bar = r.reachable ? `<div class="track"><div class="bar" style="width: ${(r.share * 100).toFixed(1)}%"></div></div>` : '<span class="unreachable">not reachable with this CONFIG_VTD_ACCEL</span>';
    return `<tr data-row="${shownAttribute(r.id)}"><td>${shown(r.id)}</td><td class="share">${r.reachable ? `${(r.share * 100).toFixed(1)}%` : '—'}</td><td>${bar}</td></tr>`;
  });
  return `<h3>Row coverage</h3><p class="meta">${c.cases} generated cases in table-equivalence, by the reference-table row they fall in.</p><table class="coverage">${rows.join('\n')}</table>`;
}

function counterexample(run: PluginRun, pluginIndex: number, p: PropertyResult): string {
  const f = p.failure;
  if (!f) return '';
  const side = (cls: string, title: string, text: string | undefined) => `<div class="outcome ${cls}"><h4>${title}</h4><pre>${text === undefined ? '—' : shownLines(text)}</pre></div>`;
  const cases = f.cases.map((c) => `<h4>${shown(c.label)}</h4><pre class="case">${shown(JSON.stringify(c.case))}</pre>`).join('');
  return `<article class="counterexample" id="${anchor(pluginIndex, p.id)}">
<h3><span class="status ${p.status}">${LABEL[p.status]}</span> ${shown(p.id)}</h3>
<pre>${shownLines(f.summary)}</pre>
${f.row ? `<p>row <code>${shown(f.row.id)}</code>: ${shown(f.row.spec)}</p>` : ''}
<div class="outcomes">${side('expected', "QEMU's outcome", f.expected)}${side('actual', "the plugin's outcome", f.actual)}</div>
${f.predicates ? `<p class="meta">predicates: ${Object.entries(f.predicates).map(([k, v]) => `${shown(k)}=${shown(v)}`).join(' ')}</p>` : ''}
${cases}
${f.path === '' ? '<p>The case recorded with the known failure.</p>' : `<p>Shrunk ${f.shrinks} time(s). Replay it:</p>\n<pre class="replay">${shown(replayOf(run, p))}</pre>`}
</article>`;
}

function pluginSection(run: PluginRun, i: number): string {
  const { report } = run;
  const notes = report.properties
    .filter((p) => p.status === 'unexpected-pass' || p.status === 'known-failure-not-found')
    .map((p) => `<p><span class="status ${p.status}">${LABEL[p.status]}</span> ${shown(p.id)}: ${shown(p.reason ?? '')}</p>`);
  const failures = report.properties.filter((p) => p.failure).map((p) => counterexample(run, i, p));
  return `<section id="p${i}">
<h2>${shown(report.plugin.name)} <span class="${report.conformant ? 'verdict-yes' : 'verdict-no'}">${report.conformant ? 'conformant' : 'not conformant'}</span></h2>
<p class="meta">profile ${report.profile} · ${shown(report.plugin.isolation)} · table ${shown(report.table.file)} (qemu ${shown(report.table.qemuCommit.slice(0, 12))}, ${report.table.rows} rows) · ${report.options.numRuns} runs per property · ${report.options.timeLimitMs} ms per call · ${ms(report.durationMs)}</p>
${notes.join('\n')}
${failures.join('\n')}
${coverage(run)}
</section>`;
}

/** The run as one self-contained page: the plugin × property matrix, then each plugin's counterexamples and row coverage. */
export function htmlReport(runs: readonly PluginRun[], info: RunInfo): string {
  const ids = [...new Set(runs.flatMap((r) => r.report.properties.map((p) => p.id)))];
  const conformant = runs.filter((r) => r.report.conformant).length;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>hiodkit conformance: ${conformant} of ${runs.length} conformant</title>
<style>${STYLE}</style>
</head>
<body>
<h1>hiodkit conformance</h1>
<p class="meta"><span class="${conformant === runs.length ? 'verdict-yes' : 'verdict-no'}">${conformant} of ${runs.length} plugin(s) conformant</span> · seed ${info.seed} · ${shown(info.kit.name)} ${shown(info.kit.version)} · Node ${shown(info.node)} on ${shown(info.os.platform)} ${shown(info.os.arch)} · ${shown(info.startTime)} to ${shown(info.endTime)}</p>
${matrix(runs, ids)}
${runs.map(pluginSection).join('\n')}
</body>
</html>
`;
}
