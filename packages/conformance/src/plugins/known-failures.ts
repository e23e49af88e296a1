import type { CaseJson } from './wire.js';

/**
 * A property a plugin declares it fails: its ID alone, or its ID with the counterexample that
 * shows the failure (replayed before anything else, so a fix is told from a lucky run).
 */
export type KnownFailureEntry =
  | string
  | { readonly property: string; readonly seed: number; readonly path: string; readonly reason?: string }
  | { readonly property: string; readonly case: CaseJson; readonly reason?: string };

/** The property ID an entry names, whatever its form. */
export function knownFailureProperty(entry: KnownFailureEntry): string {
  return typeof entry === 'string' ? entry : entry.property;
}
