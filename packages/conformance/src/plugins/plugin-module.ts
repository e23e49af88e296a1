import { isProfileId, PROFILES } from '@hiodkit/core';
import type { PluginWithKnownFailures } from './invocation.js';

/** A plugin given as a module to load: the CLI's `--plugin`, or an isolated run. */
export interface PluginModule {
  /** A path, a file URL, or what `import.meta.resolve` returns. */
  readonly module: string | URL;
  /** The export holding the plugin; default: `default`, then `plugin`. */
  readonly export?: string;
  /** What a relative `module` path is relative to: a file (its folder) or folder URL; default the working directory (describeConformance: the test file). */
  readonly base?: URL;
}

/** Thrown when a module does not hold a usable plugin: a problem with the input, not nonconformance. */
export class PluginLoadError extends Error {
  override readonly name = 'PluginLoadError';
}

/** Problems that make `value` not a checker plugin; empty when it is one. */
export function pluginShapeProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['is not an object'];
  const p = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof p['name'] !== 'string' || p['name'] === '') problems.push('name: must be a non-empty string');
  const impl = p['implements'] as Record<string, unknown> | undefined;
  if (typeof impl !== 'object' || impl === null) problems.push('implements: must be an object like { profile: "seed", kconfig: { VTD_ACCEL: true } }');
  else {
    if (!isProfileId(impl['profile'])) problems.push(`implements.profile: must be one of ${PROFILES.join(', ')} (got ${JSON.stringify(impl['profile'])})`);
    const kconfig = impl['kconfig'] as Record<string, unknown> | undefined;
    if (typeof kconfig !== 'object' || kconfig === null || typeof kconfig['VTD_ACCEL'] !== 'boolean') problems.push('implements.kconfig.VTD_ACCEL: must be a boolean');
  }
  if (typeof p['check'] !== 'function') problems.push('check: must be a function (guest, device) => Outcome');
  const known = p['knownFailures'];
  const entry = (k: unknown) => typeof k === 'string' || (typeof k === 'object' && k !== null && typeof (k as { property?: unknown }).property === 'string');
  if (known !== undefined && (!Array.isArray(known) || !known.every(entry))) problems.push('knownFailures: must be an array of property IDs or { property, seed, path } / { property, case } objects');
  return problems;
}

/** The export a loaded module holds the plugin in, of either kind, or a PluginLoadError saying what is missing. */
export function pickExport(mod: Record<string, unknown>, exportName: string | undefined): { readonly name: string; readonly value: unknown } {
  const names = exportName !== undefined ? [exportName] : ['default', 'plugin'];
  const found = names.find((n) => mod[n] !== undefined);
  if (found === undefined) {
    const exported = Object.keys(mod).join(', ') || 'nothing';
    throw new PluginLoadError(`the module has no export ${names.map((n) => JSON.stringify(n)).join(' or ')} (it exports ${exported})`);
  }
  const value = mod[found];
  if (typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function') {
    throw new PluginLoadError(`export ${JSON.stringify(found)} is a Promise, not a plugin: export the plugin itself (a module may compute it with a top-level await)`);
  }
  return { name: found, value };
}

/** The checker plugin in an export, or a PluginLoadError listing what its shape lacks. */
export function checkerOfExport(picked: { readonly name: string; readonly value: unknown }): PluginWithKnownFailures {
  const problems = pluginShapeProblems(picked.value);
  if (problems.length > 0) throw new PluginLoadError(`export ${JSON.stringify(picked.name)} is not a checker plugin: ${problems.join('; ')}`);
  return picked.value as PluginWithKnownFailures;
}

/** The checker plugin a loaded module exports, or a PluginLoadError saying what is missing. */
export function pickPlugin(mod: Record<string, unknown>, exportName: string | undefined): PluginWithKnownFailures {
  return checkerOfExport(pickExport(mod, exportName));
}
