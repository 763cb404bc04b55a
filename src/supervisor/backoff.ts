/** Backoff settings, from DEFAULTS.repair. */
export interface BackoffSettings {
  baseMs: number;
  capMs: number;
  /** fraction, e.g. 0.2 for +-20 % */
  jitter: number;
}

/**
 * Delay before remount attempt number `attempt + 1` (attempt >= 1): base * 2^(attempt-1),
 * capped, then jittered by +-jitter and capped again, so the result is always within
 * [min(raw, cap) * (1 - jitter), cap]. `random` in [0, 1). Pure.
 */
export function computeBackoff(attempt: number, random: number, settings: BackoffSettings): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const raw = Math.min(settings.capMs, settings.baseMs * 2 ** exponent);
  const jittered = raw * (1 + settings.jitter * (2 * random - 1));
  return Math.round(Math.min(settings.capMs, Math.max(0, jittered)));
}
