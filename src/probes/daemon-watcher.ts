import { DEFAULTS } from '../defaults.js';
import type { Clock, TimerHandle } from '../clock.js';
import { checkDaemon, judgeDaemon, type DaemonRef, type DaemonStatus } from './daemon.js';
import type { KeptStat, ProcReader } from './proc.js';

/** Stops a watch; safe to call twice. */
export type StopWatching = () => void;

interface Watch {
  daemon: DaemonRef;
  proc: ProcReader;
  /** its /proc/PID/stat kept open, when the reader can */
  kept: KeptStat | undefined;
  onDeath(status: Exclude<DaemonStatus, 'alive'>): void;
}

/** One timer for every daemon watched on one clock at one period: 50 mounts cost 10 wake-ups a second, not 500. */
class DaemonPoller {
  private readonly watches = new Set<Watch>();
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly pollMs: number,
  ) {}

  add(watch: Watch): StopWatching {
    this.watches.add(watch);
    this.timer ??= this.clock.setTimeout(() => this.poll(), this.pollMs);
    return () => {
      this.watches.delete(watch);
      watch.kept?.close();
      if (this.watches.size === 0 && this.timer !== undefined) {
        this.clock.clearTimeout(this.timer);
        this.timer = undefined;
      }
    };
  }

  private poll(): void {
    this.timer = undefined;
    for (const watch of [...this.watches]) {
      if (!this.watches.has(watch)) continue; // stopped by an earlier death's handler
      const status = watch.kept === undefined ? checkDaemon(watch.daemon, watch.proc) : judgeDaemon(watch.daemon, watch.kept.read());
      if (status === 'alive') continue;
      this.watches.delete(watch);
      watch.kept?.close();
      watch.onDeath(status);
    }
    if (this.watches.size > 0) this.timer ??= this.clock.setTimeout(() => this.poll(), this.pollMs);
  }
}

const pollers = new WeakMap<Clock, Map<number, DaemonPoller>>();

/**
 * Watches a FUSE daemon every `pollMs` (kill(pid, 0) + /proc/PID/stat) and calls `onDeath`
 * once, as soon as it is gone, a zombie or its pid reused, so a dead client is seen within
 * ~0.1 s and not at the next probe. Node has no pidfd, and the daemon is not our child (it
 * daemonized), so polling is the way; each poll is one pread of its /proc/PID/stat kept open
 * (ProcReader.keepStat; else kill(pid, 0) and a read), and every daemon watched on one clock
 * shares one timer.
 */
export function watchDaemon(
  daemon: DaemonRef,
  deps: { proc: ProcReader; clock: Clock; pollMs?: number },
  onDeath: (status: Exclude<DaemonStatus, 'alive'>) => void,
): StopWatching {
  const pollMs = deps.pollMs ?? DEFAULTS.probe.daemonPollMs;
  let byPeriod = pollers.get(deps.clock);
  if (byPeriod === undefined) pollers.set(deps.clock, (byPeriod = new Map()));
  let poller = byPeriod.get(pollMs);
  if (poller === undefined) byPeriod.set(pollMs, (poller = new DaemonPoller(deps.clock, pollMs)));
  return poller.add({ daemon, proc: deps.proc, kept: deps.proc.keepStat?.(daemon.pid), onDeath });
}
