import type { QemuError } from './error.js';

/** What a QEMU check returns: `true` with no error, or `false` with exactly one error. */
export type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: QemuError };

export const ACCEPT: Outcome = Object.freeze({ ok: true });

export function reject(error: QemuError): Outcome {
  return { ok: false, error };
}
