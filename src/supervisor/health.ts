import type { MountState } from '../types.js';

/**
 * Where the repair of a failed mount stands. 'remounting': one remount is decided and under way
 * (or waiting for the killed probe to exit); the core (core.ts) ignores every other signal meanwhile.
 */
export type RepairPhase = 'none' | 'remounting' | 'waiting-for-server' | 'backing-off';

/** A mount's history as the pure decision function sees it. Replaced, never mutated. */
export interface MountHealth {
  state: MountState;
  /** ms since the epoch when `state` was entered */
  since: number;
  /** why the mount is in `state` */
  reason: string;
  /** consecutive probes that were bad (soft, or errors that count against `fall`) */
  badCount: number;
  /** consecutive good probes (count toward `rise`) */
  goodCount: number;
  /** soft signals and errors from a live client are ignored until then (a fresh mount settles) */
  holdDownUntil: number;
  /** remounts and failed remount attempts since the mount was last healthy: drives backoff */
  attempts: number;
  /** successful remounts since the supervisor started */
  remounts: number;
  repair: RepairPhase;
  /** when the mount last left healthy, for the outage length on recovery */
  outageSince?: number;
  /** server the mount is made through, e.g. "10.0.0.10:24007" or "10.0.0.10" */
  server?: string;
}

/** The history of a mount the supervisor has just started to watch. */
export function createInitialHealth(now: number, server?: string): MountHealth {
  return {
    state: 'starting',
    since: now,
    reason: 'supervisor started',
    badCount: 0,
    goodCount: 0,
    holdDownUntil: 0,
    attempts: 0,
    remounts: 0,
    repair: 'none',
    ...(server === undefined ? {} : { server }),
  };
}
