/**
 * Process exit codes of `thidua`, fixed so scripts and CI can branch on them:
 * `0` the work is done (or the log is sound), `1` something was refused or
 * found unsound (a rejected command, a bad import line, a broken hash chain,
 * an unknown bloc or stream, an unexpected failure), `2` the command line
 * itself is wrong, `3` the store could not be reached or failed (nothing
 * was decided about the request: trying again later may succeed).
 */
export const ExitCode = {
  ok: 0,
  refused: 1,
  usage: 2,
  storeUnavailable: 3,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The command line is wrong (an unknown store URL, a missing option, a bad
 * value, a store whose package is not installed). Exits with
 * {@link ExitCode.usage}; the message is printed without a stack trace. Not a
 * `ThiduaError`: nothing in the domain was refused.
 */
export class UsageError extends Error {
  /** `usage`, or a more precise code such as `store_package_missing`. */
  readonly code: string;
  constructor(message: string, code = 'usage') {
    super(message);
    this.name = 'UsageError';
    this.code = code;
  }
}
