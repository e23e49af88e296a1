/** Exit codes, as `hiodkit --help` documents them. */
export const EXIT = {
  /** conformant / compatible / done */
  ok: 0,
  /** nonconformant / incompatible */
  failed: 1,
  /** bad usage or bad input */
  usage: 2,
  /** a bug in hiodkit itself */
  internal: 3,
} as const;

/** Bad usage or bad input: printed as one line (and a hint to --help), exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}
