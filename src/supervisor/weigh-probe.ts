import { describeDownBricks, type BrickStatus } from '../probes/gluster-log.js';
import type { ProbeResult } from '../probes/probe-types.js';
import type { HealthSignal } from './signals.js';

/** A probe signal plus its cause as a short code for metrics ("enotconn", "slow", "brick_down"...). */
export interface WeighedProbe {
  signal: Extract<HealthSignal, { kind: 'probe' }>;
  cause: string;
}

/**
 * Turns a probe result into the signal the decision weighs: a good probe slower than `slowMs`
 * or with a brick down becomes soft; a probe folder off the mount's device counts as "bad"
 * (the mount vanished or was covered between the mountinfo read and the stat). Pure.
 */
export function weighProbe(result: ProbeResult, downBricks: readonly BrickStatus[], slowMs: number, daemonAlive: boolean): WeighedProbe {
  const base = { kind: 'probe' as const, latencyMs: result.latencyMs, daemonAlive };
  const errnoCause = (result.errno ?? 'other').toLowerCase();
  if (result.verdict === 'ok') {
    if (result.latencyMs >= slowMs) {
      return { signal: { ...base, verdict: 'soft', reason: `slow: probe took ${(result.latencyMs / 1000).toFixed(1)} s` }, cause: 'slow' };
    }
    if (downBricks.length > 0) return { signal: { ...base, verdict: 'soft', reason: describeDownBricks(downBricks), answered: true }, cause: 'brick_down' };
    return { signal: { ...base, verdict: 'ok', reason: result.detail }, cause: 'ok' };
  }
  // something planted at the probe's paths: an alert (degraded); a remount would not repair it
  if (result.verdict === 'tampered') return { signal: { ...base, verdict: 'soft', reason: result.detail }, cause: 'tampered' };
  if (result.verdict === 'unsafe') return { signal: { ...base, verdict: 'bad', reason: result.detail }, cause: 'not_mounted' };
  const reason = result.errno === undefined ? result.detail : `${result.errno} (${result.detail})`;
  return { signal: { ...base, verdict: result.verdict, reason }, cause: errnoCause };
}
