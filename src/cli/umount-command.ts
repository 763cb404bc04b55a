// `ha-mount umount <mountpoint>`: unmounts a GlusterFS, MooseFS or LizardFS mount.
import type { Command } from 'commander';
import { listBackends } from '../backends/registry.js';
import { checkMountpointPath } from '../config/validate.js';
import { ExitCode, HaMountError } from '../errors.js';
import { commandClock } from '../clock.js';
import { findMountAt } from '../mount/mountinfo.js';
import { readMountInfo } from '../mount/preflight.js';
import { describeDetach, unmountForUser, type DetachDeps } from '../mount/unmount.js';
import { systemProc } from '../probes/proc.js';
import { killDaemon, sendSignal } from '../supervisor/kill-daemon.js';
import type { CliContext } from './program.js';

interface UmountFlags {
  lazy?: boolean;
  json?: boolean;
}

/**
 * Unmounts the ha-mount filesystem on `path`; refuses other filesystems and says when nothing is
 * mounted. A dead or hung mount is detached lazily and its leftover client ended (unmountForUser).
 */
export async function runUmount(context: CliContext, path: string, flags: UmountFlags, edges?: Pick<DetachDeps, 'proc' | 'killDaemon'>): Promise<void> {
  const checked = checkMountpointPath(path);
  if (!checked.ok) throw new HaMountError('ha-mount.usage', `mountpoint ${checked.problem}`, ExitCode.USAGE);
  const mountpoint = checked.value;
  const deps = context.mounterDeps();
  const entry = findMountAt(await readMountInfo(deps), mountpoint);
  if (entry === undefined) throw new HaMountError('ha-mount.umount.not-mounted', `nothing is mounted on ${mountpoint}`, ExitCode.MOUNT_FAILED);
  const backend = listBackends().find((candidate) => candidate.recognizes(entry));
  if (backend === undefined) {
    throw new HaMountError('ha-mount.umount.foreign', `${mountpoint} is a ${entry.fstype} mount of ${entry.source}, not GlusterFS, MooseFS or LizardFS: use umount(8)`, ExitCode.USAGE);
  }
  const outcome = await unmountForUser(mountpoint, backend, { lazy: flags.lazy === true }, {
    ...deps,
    proc: systemProc,
    killDaemon: (daemon, target) => killDaemon(daemon, target, { proc: systemProc, backend, clock: commandClock, signal: sendSignal }),
    ...edges,
  });
  if (!flags.json) context.print(describeDetach(outcome));
  else {
    const lazy = outcome.lazyBecause === undefined ? {} : { found: outcome.lazyBecause.state, why: outcome.lazyBecause.detail };
    context.print(JSON.stringify({ mountpoint, unmounted: true, lazy: outcome.lazyBecause !== undefined, ...lazy, daemons: outcome.daemons, durationMs: Math.round(outcome.durationMs) }));
  }
}

/** Registers `umount`. */
export function registerUmountCommand(program: Command, context: CliContext): void {
  program
    .command('umount')
    .alias('unmount')
    .description('unmount a GlusterFS, MooseFS or LizardFS mount')
    .argument('<mountpoint>', 'where it is mounted')
    .option('-l, --lazy', 'detach now, clean up when no longer busy (a dead or hung mount is detached lazily without it)')
    .option('--json', 'print the result as JSON')
    .action((mountpoint: string, flags: UmountFlags) => runUmount(context, mountpoint, flags));
}
