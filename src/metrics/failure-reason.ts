/**
 * Why a mount failed or was remounted, as a metrics label. A fixed set, so that label values
 * stay bounded whatever text an error carries.
 */
export const FAILURE_REASONS = [
  'enotconn',
  'estale',
  'eio',
  'not_mounted',
  'daemon_dead',
  'hung',
  'slow',
  'brick_down',
  'stuck_request',
  'enospc',
  'erofs',
  'tampered',
  'other',
] as const;

/** One of FAILURE_REASONS. */
export type FailureReason = (typeof FAILURE_REASONS)[number];

const byErrno: Record<string, FailureReason> = {
  ENOTCONN: 'enotconn',
  ESTALE: 'estale',
  EIO: 'eio',
  ENOSPC: 'enospc',
  EDQUOT: 'enospc',
  EROFS: 'erofs',
};

/** True when `value` is one of the fixed reasons. */
export function isFailureReason(value: string): value is FailureReason {
  return (FAILURE_REASONS as readonly string[]).includes(value);
}

/**
 * Maps a reason as the supervisor words it (an errno name like "ENOTCONN", or a reason
 * already in the set) onto the fixed set; anything else is "other". Pure.
 */
export function toFailureReason(text: string): FailureReason {
  const trimmed = text.trim();
  if (isFailureReason(trimmed)) return trimmed;
  return byErrno[trimmed.toUpperCase()] ?? 'other';
}
