import { resolveKconfig } from './kconfig.js';

/**
 * What a build's Kconfig resolution starts from: the rules (Kconfig text, which may carry CONFIG_X=y|n
 * lines of its own), meson's host symbols, the configs/devices .mak assignments and the
 * default-devices switch. The rules are valid minikconf text: a resolver is not judged on syntax errors.
 */
export interface KconfigResolverInput {
  readonly rules: string;
  /** Kconfig.host symbols; only those set to true are passed to minikconf, as meson does */
  readonly host: Readonly<Record<string, boolean>>;
  /** the .mak lines, in the order written: CONFIG_X=y is { X: true } */
  readonly mak: Readonly<Record<string, boolean>>;
  /** false for `configure --without-default-devices` (minikconf --allnoconfig) */
  readonly defaultDevices: boolean;
}

/** minikconf's answer: every referenced symbol's value, or the error it stops the build with (its message exactly). */
export type KconfigResolution =
  | { readonly ok: true; readonly values: Readonly<Record<string, boolean>> }
  | { readonly ok: false; readonly error: { readonly message: string } };

/** A build's Kconfig resolver: the second plugin kind, judged against the minikconf port. */
export interface KconfigResolverPlugin {
  readonly kind: 'kconfig-resolver';
  readonly name: string;
  /** Must not modify its input, must not throw on valid rules and must return at once. */
  resolve(input: KconfigResolverInput): KconfigResolution;
}

/** The project's port of scripts/minikconf.py, as a resolver. */
export function minikconfResolution(input: KconfigResolverInput): KconfigResolution {
  const result = resolveKconfig({ host: input.host, mak: input.mak, defaultDevices: input.defaultDevices }, input.rules);
  return result.ok ? { ok: true, values: { ...result.values } } : { ok: false, error: { message: result.error.message } };
}

export const MINIKCONF_RESOLVER: KconfigResolverPlugin = { kind: 'kconfig-resolver', name: 'minikconf', resolve: minikconfResolution };

/** The same resolution: both succeed with the same symbols and values, or both fail with the same message. */
export function sameResolution(a: KconfigResolution, b: KconfigResolution): boolean {
  if (!a.ok || !b.ok) return !a.ok && !b.ok && a.error.message === b.error.message;
  const keys = Object.keys(a.values);
  return keys.length === Object.keys(b.values).length && keys.every((k) => Object.hasOwn(b.values, k) && a.values[k] === b.values[k]);
}

/** One line for a resolution: the symbols as CONFIG_X=y|n in name order, or the error. */
export function describeResolution(r: KconfigResolution): string {
  if (!r.ok) return `error: ${JSON.stringify(r.error.message)}`;
  return Object.keys(r.values)
    .sort()
    .map((k) => `${k}=${r.values[k] ? 'y' : 'n'}`)
    .join(' ');
}
