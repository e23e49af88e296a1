/** Whether `e` is an error from a system call (it has an errno code such as ENOENT). */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException & { code: string } {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z0-9]+$/.test((e as NodeJS.ErrnoException).code as string);
}

/** The system's words for a failed call and its code, without the path Node appends: "permission denied (EACCES)". */
export function systemErrorText(e: NodeJS.ErrnoException & { code: string }): string {
  const words = /^E[A-Z0-9]+: ([^,]+)/.exec(e.message)?.[1];
  return words === undefined ? e.code : `${words} (${e.code})`;
}
