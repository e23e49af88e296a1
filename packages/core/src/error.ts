import { cFormat, type PrintfArg } from './printf.js';

/** QEMU's `Error`: the message, and the hint text error_append_hint() built, one entry per call. */
export interface QemuError {
  readonly message: string;
  readonly hints: readonly string[];
}

/** The hint text as error_report_err() prints it: the appended pieces, concatenated. */
export function hintText(error: QemuError): string {
  return error.hints.join('');
}

/** A QEMU assertion that would abort the process (error_setv's `assert(*errp == NULL)`). */
export class QemuAssertionError extends Error {
  override readonly name = 'QemuAssertionError';
}

/** `Error **errp`: holds at most one error. */
export class Errp {
  #error: QemuError | null = null;

  get error(): QemuError | null {
    return this.#error;
  }

  /** Used by the helpers below; prefer errorSetg() and friends. */
  replace(error: QemuError): void {
    this.#error = error;
  }
}

/** error_setg(): sets the error; a second error on the same errp is a QEMU assertion failure. */
export function errorSetg(errp: Errp, format: string, ...args: PrintfArg[]): void {
  if (errp.error !== null) {
    throw new QemuAssertionError(`error_setg: *errp already holds "${errp.error.message}" (assert(*errp == NULL))`);
  }
  errp.replace({ message: cFormat(format, ...args), hints: [] });
}

/** error_propagate(): moves an error set elsewhere (e.g. by get_cap) into errp. */
export function errorPropagate(errp: Errp, error: QemuError): void {
  if (errp.error !== null) {
    throw new QemuAssertionError(`error_propagate: *errp already holds "${errp.error.message}"`);
  }
  errp.replace(error);
}

/** error_append_hint(): appends to the hint text; QEMU asserts an error is already set. */
export function errorAppendHint(errp: Errp, format: string, ...args: PrintfArg[]): void {
  const current = errp.error;
  if (current === null) throw new QemuAssertionError('error_append_hint: no error is set (assert(err))');
  errp.replace({ message: current.message, hints: [...current.hints, cFormat(format, ...args)] });
}

/** error_prepend(): prefixes the message (how vfio builds its user-visible line); no-op without an error. */
export function errorPrepend(errp: Errp, format: string, ...args: PrintfArg[]): void {
  const current = errp.error;
  if (current === null) return;
  errp.replace({ message: cFormat(format, ...args) + current.message, hints: current.hints });
}

/** A standalone error, as error_setg() on a fresh errp makes it. */
export function qemuError(format: string, ...args: PrintfArg[]): QemuError {
  const errp = new Errp();
  errorSetg(errp, format, ...args);
  return errp.error as QemuError;
}
