import type { PropertySpec, PropertyContext } from '../properties/property.js';
import { loadReferenceTable } from '../oracle/reference.js';
import type { PropertyResult } from './report.js';
import { openPlugin, propertyRun, resolveRun, type ConformanceOptions, type PluginInput } from './runner.js';
import { runProperty } from './run-property.js';

/** Everything a property run needs, opened once: the plugin, its table and the resolved options. */
export interface ConformanceSession {
  readonly context: PropertyContext;
  readonly run: ReturnType<typeof resolveRun>;
  /** Runs one property (by spec) and returns its result. */
  check(spec: PropertySpec<never>): PropertyResult;
  close(): void;
}

export function openSession(input: PluginInput, options: ConformanceOptions = {}): ConformanceSession {
  const handle = openPlugin(input, options.timeLimitMs ?? 1000);
  const owned = handle !== input;
  try {
    const run = resolveRun(handle, options);
    const context: PropertyContext = {
      profile: run.profile,
      table: loadReferenceTable(run.profile),
      plugin: handle,
      declaration: handle.declaration,
      rowHits: new Map(),
      timeouts: 0,
      calls: 0,
      timeoutBudget: options.timeoutBudget ?? 2,
    };
    return {
      context,
      run,
      check: (spec) =>
        runProperty(spec, context, propertyRun(run, spec.id, options.path)),
      close: () => {
        if (owned) handle.close();
      },
    };
  } catch (e) {
    if (owned) handle.close();
    throw e;
  }
}

/** Runs one property on a plugin: the per-property entry point (runConformance runs them all). */
export function checkProperty(spec: PropertySpec<never>, input: PluginInput, options: ConformanceOptions = {}): PropertyResult {
  const session = openSession(input, options);
  try {
    return session.check(spec);
  } finally {
    session.close();
  }
}
