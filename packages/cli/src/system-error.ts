import { InputError } from '@hiodkit/core';

/** Whether `e` is an error from a system call (it has an errno code such as ENOENT). */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException & { code: string } {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z0-9]+$/.test((e as NodeJS.ErrnoException).code as string);
}

/** The system's words for a failed call and its code, without the path Node appends: "permission denied (EACCES)". */
export function systemErrorText(e: NodeJS.ErrnoException & { code: string }): string {
  const words = /^E[A-Z0-9]+: ([^,]+)/.exec(e.message)?.[1];
  return words === undefined ? e.code : `${words} (${e.code})`;
}

/** A failed system call on an input path as bad input naming the path and the errno; anything else is rethrown as the bug it is. */
export function unreadable(path: string, e: unknown): InputError {
  if (!isSystemError(e)) throw e;
  return new InputError(path, `cannot be read: ${systemErrorText(e)}`);
}
