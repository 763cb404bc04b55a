import type { Backend } from '../backends/backend.js';
import { DEFAULTS } from '../defaults.js';
import { isStillDaemon, type DaemonRef } from '../probes/daemon.js';
import type { ProcReader } from '../probes/proc.js';
import { sleep, type Clock } from '../clock.js';

/** What killing a lingering FUSE daemon needs: /proc, signals and a clock (all injected for tests). */
export interface KillDeps {
  proc: ProcReader;
  backend: Pick<Backend, 'isDaemonFor'>;
  clock: Clock;
  signal(pid: number, signal: NodeJS.Signals): void;
  waitMs?: number;
  pollMs?: number;
}

/** What happened to the daemon. */
export type KillOutcome = 'not-running' | 'terminated' | 'killed' | 'survived';

/** How to end a daemon: `immediate` skips SIGTERM. */
export interface KillOptions {
  /**
   * SIGKILL at once: for a client that serves no mount of ours (a failed attempt's). On SIGTERM a
   * GlusterFS client unmounts its mountpoint BY PATH on the way out, which takes down whatever
   * mount is there by then: the fresh one.
   */
  immediate?: boolean;
}

/**
 * Ends a FUSE daemon that a lazy unmount left behind: only when the pid is still that daemon
 * (same start time, cmdline still serves `mountpoint`), SIGTERM, then SIGKILL after
 * DEFAULTS.commands.daemonKillWaitMs. Never signals a pid that now names another process.
 */
export async function killDaemon(daemon: DaemonRef, mountpoint: string, deps: KillDeps, options: KillOptions = {}): Promise<KillOutcome> {
  const waitMs = deps.waitMs ?? DEFAULTS.commands.daemonKillWaitMs;
  const pollMs = deps.pollMs ?? 20;
  const alive = (): boolean => isStillDaemon(daemon, mountpoint, deps.backend, deps.proc);
  if (!alive()) return 'not-running';
  if (!options.immediate) {
    deps.signal(daemon.pid, 'SIGTERM');
    for (let waited = 0; waited < waitMs; waited += pollMs) {
      await sleep(deps.clock, pollMs);
      if (!alive()) return 'terminated';
    }
  }
  deps.signal(daemon.pid, 'SIGKILL');
  for (let waited = 0; waited < waitMs; waited += pollMs) {
    await sleep(deps.clock, pollMs);
    if (!alive()) return 'killed';
  }
  return 'survived';
}

/** process.kill that ignores a pid that is already gone. */
export function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
