import { DEFAULTS } from '../defaults.js';
import type { Clock, TimerHandle } from '../clock.js';
import { checkDaemon, judgeDaemon, type DaemonRef, type DaemonStatus } from './daemon.js';
import type { ProcessEndWatch } from './probe-helper.js';
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

type WatchDeps = { proc: ProcReader; clock: Clock; pollMs?: number; ends?: ProcessEndWatch };

/**
 * Calls `onDeath` once, as soon as the FUSE daemon is gone, a zombie or its pid reused, so a
 * dead client is seen at once and not at the next probe. The daemon is not our child (it
 * daemonized) and Node has no pidfd: with `ends` (the probe helper, which holds a pidfd of the
 * daemon in its select) nothing is polled, and its word is checked against /proc before it is
 * believed. Without it, or when it cannot watch (no pidfd_open, the helper died), the daemon is
 * polled every `pollMs`: one pread of its /proc/PID/stat kept open (ProcReader.keepStat; else
 * kill(pid, 0) and a read), every daemon on one clock on one timer.
 */
export function watchDaemon(daemon: DaemonRef, deps: WatchDeps, onDeath: (status: Exclude<DaemonStatus, 'alive'>) => void): StopWatching {
  if (deps.ends === undefined) return pollDaemon(daemon, deps, onDeath);
  let stopPolling: StopWatching | undefined;
  let stopped = false;
  const poll = (): void => {
    if (!stopped) stopPolling ??= pollDaemon(daemon, deps, onDeath);
  };
  const stopWatching = deps.ends.watchProcess(daemon.pid, daemon.startTime, {
    ended: () => {
      if (stopped) return;
      const status = checkDaemon(daemon, deps.proc);
      // the helper's word against /proc: a daemon /proc still shows running is polled from now on
      if (status === 'alive') return poll();
      stopped = true;
      onDeath(status);
    },
    unwatchable: poll,
  });
  return () => {
    stopped = true;
    stopWatching();
    stopPolling?.();
  };
}

function pollDaemon(daemon: DaemonRef, deps: WatchDeps, onDeath: (status: Exclude<DaemonStatus, 'alive'>) => void): StopWatching {
  const pollMs = deps.pollMs ?? DEFAULTS.probe.daemonPollMs;
  let byPeriod = pollers.get(deps.clock);
  if (byPeriod === undefined) pollers.set(deps.clock, (byPeriod = new Map()));
  let poller = byPeriod.get(pollMs);
  if (poller === undefined) byPeriod.set(pollMs, (poller = new DaemonPoller(deps.clock, pollMs)));
  return poller.add({ daemon, proc: deps.proc, kept: deps.proc.keepStat?.(daemon.pid), onDeath });
}
