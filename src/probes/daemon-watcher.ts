import { DEFAULTS } from '../defaults.js';
import type { Clock, TimerHandle } from '../clock.js';
import { checkDaemon, type DaemonRef, type DaemonStatus } from './daemon.js';
import type { ProcReader } from './proc.js';

/** Stops a watch; safe to call twice. */
export type StopWatching = () => void;

/**
 * Watches a FUSE daemon every `pollMs` (kill(pid, 0) + /proc/PID/stat) and calls `onDeath`
 * once, as soon as it is gone, a zombie or its pid reused, so a dead client is seen within
 * ~0.1 s and not at the next probe. Node has no pidfd, and the daemon is not our child (it
 * daemonized), so polling is the way; each poll costs a syscall and a /proc read.
 */
export function watchDaemon(
  daemon: DaemonRef,
  deps: { proc: ProcReader; clock: Clock; pollMs?: number },
  onDeath: (status: Exclude<DaemonStatus, 'alive'>) => void,
): StopWatching {
  const pollMs = deps.pollMs ?? DEFAULTS.probe.daemonPollMs;
  let timer: TimerHandle | undefined;
  let stopped = false;
  const poll = (): void => {
    timer = undefined;
    if (stopped) return;
    const status = checkDaemon(daemon, deps.proc);
    if (status !== 'alive') {
      stopped = true;
      onDeath(status);
      return;
    }
    timer = deps.clock.setTimeout(poll, pollMs);
  };
  timer = deps.clock.setTimeout(poll, pollMs);
  return () => {
    stopped = true;
    if (timer !== undefined) deps.clock.clearTimeout(timer);
    timer = undefined;
  };
}
