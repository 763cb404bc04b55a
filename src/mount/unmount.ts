// Unmounting: the agent's plain or lazy unmount, and what `ha-mount umount` does for a user: a
// mount that is dead (its client gone, ENOTCONN) or hung (no answer within the deadline, checked
// out of process) is detached lazily and its leftover client process ended, as the agent does;
// a live one gets a plain unmount, so that open files are not cut off silently.
import type { Backend } from '../backends/backend.js';
import { DEFAULTS } from '../defaults.js';
import { ExitCode, HaMountError } from '../errors.js';
import type { RunResult } from '../exec/run.js';
import { findDaemons, type DaemonRef } from '../probes/daemon.js';
import type { ProcReader } from '../probes/proc.js';
import type { Command } from '../types.js';
import { describeFailure } from './command-text.js';
import type { MounterDeps } from './mounter-deps.js';
import { findMountAt } from './mountinfo.js';
import { assertRoot, readMountInfo } from './preflight.js';

/** What an unmount did. */
export interface UnmountOutcome {
  /** false when nothing was mounted there (no command ran) */
  unmounted: boolean;
  command?: Command;
  durationMs: number;
}

/** Errnos a check gets from a FUSE mount whose client died or lost its servers: a plain unmount would only hang or fail. */
const DEAD_ERRNOS = new Set(['ENOTCONN', 'ESTALE', 'EIO', 'EHOSTDOWN', 'ENXIO', 'ENODEV', 'ECONNABORTED']);

async function runUnmount(mountpoint: string, backend: Backend, lazy: boolean, deps: MounterDeps): Promise<{ command: Command; result: RunResult; gone: boolean }> {
  const command = backend.buildUnmountCommand(mountpoint, { lazy });
  const result = await deps.runner(command, { timeoutMs: DEFAULTS.commands.umountTimeoutMs, cwd: '/' });
  return { command, result, gone: result.exitCode === 0 || findMountAt(await readMountInfo(deps), mountpoint) === undefined };
}

function unmountError(mountpoint: string, result: RunResult, lazy: boolean): HaMountError {
  const why = describeFailure(result, DEFAULTS.commands.umountTimeoutMs);
  const advice = lazy
    ? `; check that you are root and that ${mountpoint} is still listed in /proc/self/mountinfo`
    : /busy/i.test(why)
      ? '; files are open on it: close them, or detach it now with --lazy'
      : `; if it is hung or its servers are gone, detach it without touching it: ha-mount umount --lazy ${mountpoint}`;
  return new HaMountError('ha-mount.umount.failed', `unmount ${mountpoint} failed: ${why}${advice}`, ExitCode.MOUNT_FAILED);
}

/**
 * Unmounts what is mounted on `mountpoint` with the backend's command. Nothing mounted: returns
 * `unmounted: false` without running anything. A failure that leaves the mount in place throws (32).
 */
export async function unmountMountpoint(mountpoint: string, backend: Backend, options: { lazy: boolean }, deps: MounterDeps): Promise<UnmountOutcome> {
  const started = deps.clock.now();
  assertRoot(deps, `unmounting ${mountpoint}`);
  if (findMountAt(await readMountInfo(deps), mountpoint) === undefined) return { unmounted: false, durationMs: deps.clock.now() - started };
  const { command, result, gone } = await runUnmount(mountpoint, backend, options.lazy, deps);
  if (!gone) throw unmountError(mountpoint, result, options.lazy);
  return { unmounted: true, command, durationMs: deps.clock.now() - started };
}

/** What `ha-mount umount` needs besides the mounter's edges: /proc, and ending a client process. */
export interface DetachDeps extends MounterDeps {
  proc: ProcReader;
  /** ends a FUSE client left behind by a lazy unmount (SIGTERM, then SIGKILL; see supervisor/kill-daemon.ts) */
  killDaemon(daemon: DaemonRef, mountpoint: string): Promise<string>;
}

/** Why a mount was detached lazily: what it was found to be, and what showed it. */
export interface LazyReason {
  state: 'dead' | 'hung' | 'asked';
  detail: string;
}

/** What `ha-mount umount` found and did. */
export interface DetachOutcome {
  mountpoint: string;
  command: Command;
  /** why it was detached lazily; undefined after a plain unmount */
  lazyBecause?: LazyReason;
  /** client processes ended after a lazy detach, and how each ended */
  daemons: { pid: number; outcome: string }[];
  durationMs: number;
}

/** Why the mount must be detached lazily (dead or hung), or undefined when it answers. Out of process only. */
async function diagnose(mountpoint: string, daemons: readonly DaemonRef[], deps: DetachDeps): Promise<LazyReason | undefined> {
  if (daemons.length === 0) return { state: 'dead', detail: 'no client process serves it' };
  const checked = await deps.checkDirectory(mountpoint);
  if (checked.ok) return undefined;
  if (checked.code === 'ETIMEDOUT') return { state: 'hung', detail: checked.detail };
  return DEAD_ERRNOS.has(checked.code) ? { state: 'dead', detail: checked.detail } : undefined;
}

/**
 * `ha-mount umount`: a live mount is unmounted plainly; a dead or hung one (or one the user asked
 * `lazy` for, or one whose plain unmount got no answer) is detached lazily, and every client
 * process still serving the mountpoint is ended. Throws (32) with a hint when the mount stays.
 */
export async function unmountForUser(mountpoint: string, backend: Backend, options: { lazy: boolean }, deps: DetachDeps): Promise<DetachOutcome> {
  const started = deps.clock.now();
  assertRoot(deps, `unmounting ${mountpoint}`);
  const before = findDaemons(mountpoint, backend, deps.proc);
  let lazyBecause = options.lazy ? { state: 'asked' as const, detail: '--lazy' } : await diagnose(mountpoint, before, deps);
  if (lazyBecause === undefined) {
    const plain = await runUnmount(mountpoint, backend, false, deps);
    if (plain.gone) return { mountpoint, command: plain.command, daemons: [], durationMs: deps.clock.now() - started };
    if (!plain.result.timedOut) throw unmountError(mountpoint, plain.result, false);
    lazyBecause = { state: 'hung', detail: `plain umount got ${describeFailure(plain.result, DEFAULTS.commands.umountTimeoutMs)}` };
  }
  const detach = await runUnmount(mountpoint, backend, true, deps);
  if (!detach.gone) throw unmountError(mountpoint, detach.result, true);
  const daemons: DetachOutcome['daemons'] = [];
  for (const daemon of findDaemons(mountpoint, backend, deps.proc)) {
    daemons.push({ pid: daemon.pid, outcome: await deps.killDaemon(daemon, mountpoint) });
  }
  return { mountpoint, command: detach.command, lazyBecause, daemons, durationMs: deps.clock.now() - started };
}

/** One line for the user: what was found and what was done. Pure. */
export function describeDetach(outcome: DetachOutcome): string {
  const reason = outcome.lazyBecause;
  if (reason === undefined) return `unmounted ${outcome.mountpoint}`;
  const found = reason.state === 'asked' ? `${outcome.mountpoint}: detached lazily as asked (umount -l)` : `${outcome.mountpoint} is ${reason.state} (${reason.detail}): detached it lazily (umount -l)`;
  const pids = outcome.daemons.map((daemon) => `pid ${daemon.pid} (${daemon.outcome})`).join(', ');
  return `${found}${outcome.daemons.length === 0 ? '; no client process was left' : ` and ended its client process ${pids}`}`;
}
