// Plugin runs that between them have every property status, for the JUnit and HTML reports' tests.
import { conformanceRun, runConformance, type CaseJson, type ConformanceRun, type PluginWithKnownFailures } from '@hiodkit/conformance';
import { vtdPlugin } from '@hiodkit/vtd';
import type { PluginRun } from '../src/plugin-run.js';
import brokenPlugin from './fixtures/wrong-type-message.js';

/** A name holding what XML cannot (U+FFFE, ESC, a lone surrogate), markup, and a bidi override. */
export const HOSTILE_NAME = 'odd\ufffe\x1b[31m <b>&"name"</b> \u202egnp.exe\ud800';

const SEED = 7;
const RUN = { seed: SEED, numRuns: 30 } as const;

function pluginRun(plugin: PluginWithKnownFailures, properties: readonly string[], replay: readonly string[]): PluginRun {
  const startedAt = new Date();
  return { report: runConformance(plugin, { ...RUN, ...(properties.length > 0 ? { properties } : {}) }), startedAt, replay };
}

/**
 * A broken checker (FAIL, n/a, XFAIL? for a known failure not found), the same under another name
 * (hostile unless given) with its failure declared (XFAIL), the built-in checker declaring that counterexample as a known
 * failure (XPASS), and the built-in checker passing everything.
 */
export function mixedRuns(declaredName = HOSTILE_NAME): { readonly runs: PluginRun[]; readonly document: ConformanceRun } {
  const start = new Date();
  const broken = pluginRun({ ...brokenPlugin, knownFailures: ['final-rejection'] }, ['contract', 'table-equivalence', 'final-rejection', 'stub'], ['--plugin', 'test/fixtures/wrong-type-message.ts']);
  const counterexample = broken.report.properties.find((p) => p.id === 'table-equivalence')?.failure?.cases[0]?.case as CaseJson;
  const runs = [
    broken,
    pluginRun({ ...brokenPlugin, name: declaredName, knownFailures: [{ property: 'table-equivalence', case: counterexample, reason: 'the <type> message is <our own>' }] }, ['contract', 'table-equivalence'], ['--plugin', 'odd plugin.ts']),
    pluginRun({ ...vtdPlugin('seed'), knownFailures: [{ property: 'table-equivalence', case: counterexample }] }, ['contract', 'table-equivalence'], ['--builtin', 'vtd', '--profile', 'seed']),
    pluginRun(vtdPlugin('seed'), [], ['--builtin', 'vtd', '--profile', 'seed']),
  ];
  return { runs, document: conformanceRun(runs.map((r) => r.report), { seed: SEED, start, end: new Date() }) };
}
