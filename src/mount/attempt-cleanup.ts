// What a mount attempt that was judged not working leaves behind is taken down before the next
// server is tried: every mount that appeared on the mountpoint during the attempt (whatever its
// type: a wrong filesystem counts too) and every FUSE daemon of any backend that started serving
// the mountpoint. The mountpoint was free before the attempt (preflight refuses a busy one), so
// what is there now is the attempt's; the daemons are told apart by the pids that existed before.
import { buildUmountCommand } from '../backends/unmount.js';
import { DEFAULTS } from '../defaults.js';
import { ExitCode, HaMountError } from '../errors.js';
import { findDaemons, type DaemonRef } from '../probes/daemon.js';
import type { ProcReader } from '../probes/proc.js';
import { killDaemon } from '../supervisor/kill-daemon.js';
import { anyBackendDaemon } from './daemon-identity.js';
import type { MounterDeps } from './mounter-deps.js';
import { findMountAt, type MountInfoEntry } from './mountinfo.js';
import { readMountInfo } from './preflight.js';

/** What was on and around the mountpoint before an attempt. */
export interface AttemptBaseline {
  mountIds: ReadonlySet<number>;
  /** pids that existed before the attempt: a daemon among them is not the attempt's */
  pids: ReadonlySet<number>;
}

/** Records the mounts at the mountpoint and the pids alive now (a readdir of /proc, no per-process reads). */
export async function takeBaseline(mountpoint: string, deps: MounterDeps): Promise<AttemptBaseline> {
  const entries = await readMountInfo(deps);
  const mountIds = new Set(entries.filter((entry) => entry.mountpoint === mountpoint).map((entry) => entry.mountId));
  return { mountIds, pids: new Set(deps.proc?.listPids() ?? []) };
}

/** The mount on top of the mountpoint when the attempt made it, else undefined. */
export function findNewMount(entries: readonly MountInfoEntry[], mountpoint: string, baseline: AttemptBaseline): MountInfoEntry | undefined {
  const top = findMountAt(entries, mountpoint);
  return top !== undefined && !baseline.mountIds.has(top.mountId) ? top : undefined;
}

/** FUSE daemons (of any backend) serving the mountpoint that did not exist before the attempt. */
export function findNewDaemons(mountpoint: string, proc: ProcReader, baseline: AttemptBaseline): DaemonRef[] {
  return findDaemons(mountpoint, anyBackendDaemon, proc).filter((daemon) => !baseline.pids.has(daemon.pid));
}

const MAX_UNMOUNTS = 4; // an attempt stacks at most a mount or two; a bound keeps a stubborn one from looping

/**
 * Lazily unmounts every mount the attempt left on the mountpoint (lazy: a judged-wrong mount may
 * hang), then SIGKILLs its new daemons (they serve nothing of ours, and a GlusterFS client on SIGTERM
 * unmounts by path). Throws (32) naming what is left when something stays, because the next
 * server would then find the mountpoint busy.
 */
export async function cleanUpAttempt(mountpoint: string, baseline: AttemptBaseline, deps: MounterDeps): Promise<string[]> {
  const done: string[] = [];
  for (let round = 0; round < MAX_UNMOUNTS; round += 1) {
    const entry = findNewMount(await readMountInfo(deps), mountpoint, baseline);
    if (entry === undefined) break;
    const result = await deps.runner(buildUmountCommand(mountpoint, { lazy: true }), { timeoutMs: DEFAULTS.commands.umountTimeoutMs, cwd: '/' });
    done.push(`unmounted ${entry.fstype} ${entry.source}${result.exitCode === 0 ? '' : ` (umount -l: ${result.stderr.trim() || `exit ${result.exitCode}`})`}`);
  }
  const left: string[] = [];
  const still = findNewMount(await readMountInfo(deps), mountpoint, baseline);
  if (still !== undefined) left.push(`a ${still.fstype} mount of ${still.source}`);
  if (deps.proc !== undefined && deps.signal !== undefined) {
    const killDeps = { proc: deps.proc, backend: anyBackendDaemon, clock: deps.clock, signal: deps.signal };
    for (const daemon of findNewDaemons(mountpoint, deps.proc, baseline)) {
      const outcome = await killDaemon(daemon, mountpoint, killDeps, { immediate: true });
      if (outcome === 'survived') left.push(`its daemon, pid ${daemon.pid} (${daemon.argv.join(' ')})`);
      else if (outcome !== 'not-running') done.push(`killed its daemon, pid ${daemon.pid}`);
    }
  }
  if (left.length > 0) {
    throw new HaMountError(
      'ha-mount.mount.cleanup-failed',
      `a failed mount attempt on ${mountpoint} left ${left.join(' and ')} behind, and taking it down failed: run "umount -l ${mountpoint}" and end that process before mounting again`,
      ExitCode.MOUNT_FAILED,
    );
  }
  return done;
}
