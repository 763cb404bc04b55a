/**
 * Exit codes of mount(8), which ha-mount and mount.ha follow so that mount(8), systemd and
 * scripts read them the same way they read any mount helper's.
 */
export const ExitCode = {
  OK: 0,
  /** incorrect invocation or permissions */
  USAGE: 1,
  /** system error (out of memory, cannot fork, no more loop devices...) */
  SYSTEM: 2,
  /** internal mount bug */
  INTERNAL: 4,
  /** user interrupt */
  INTERRUPTED: 8,
  /** problems writing or locking /etc/mtab */
  MTAB: 16,
  /** mount failure */
  MOUNT_FAILED: 32,
  /** some mount succeeded (used by `mount -a`) */
  SOME_OK: 64,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The one error type of ha-mount. `message` says what failed, on what, and what to do;
 * `code` is a stable namespaced string for tests and logs (e.g. `ha-mount.config.invalid`);
 * `exitCode` is the mount(8) status that `bin/` exits with.
 */
export class HaMountError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HaMountError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Wraps anything thrown into a HaMountError; unknown errors are internal bugs (exit 4). */
export function toHaMountError(error: unknown): HaMountError {
  if (error instanceof HaMountError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new HaMountError('ha-mount.internal', `internal error: ${message}`, ExitCode.INTERNAL, {
    cause: error,
  });
}
