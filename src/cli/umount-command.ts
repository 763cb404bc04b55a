// `ha-mount umount <mountpoint>`: unmounts a GlusterFS, MooseFS or LizardFS mount.
import type { Command } from 'commander';
import { listBackends } from '../backends/registry.js';
import { checkMountpointPath } from '../config/validate.js';
import { ExitCode, HaMountError } from '../errors.js';
import { unmountMountpoint } from '../mount/mounter.js';
import { findMountAt } from '../mount/mountinfo.js';
import { readMountInfo } from '../mount/preflight.js';
import type { CliContext } from './program.js';

interface UmountFlags {
  lazy?: boolean;
  json?: boolean;
}

/** Unmounts the ha-mount filesystem on `path`; refuses other filesystems and says when nothing is mounted. */
export async function runUmount(context: CliContext, path: string, flags: UmountFlags): Promise<void> {
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
  const outcome = await unmountMountpoint(mountpoint, backend, { lazy: flags.lazy === true }, deps);
  if (flags.json) context.print(JSON.stringify({ mountpoint, unmounted: outcome.unmounted, lazy: flags.lazy === true, durationMs: Math.round(outcome.durationMs) }));
  else context.print(`unmounted ${mountpoint}${flags.lazy ? ' (lazy)' : ''}`);
}

/** Registers `umount`. */
export function registerUmountCommand(program: Command, context: CliContext): void {
  program
    .command('umount')
    .alias('unmount')
    .description('unmount a GlusterFS, MooseFS or LizardFS mount')
    .argument('<mountpoint>', 'where it is mounted')
    .option('-l, --lazy', 'detach now, clean up when no longer busy (for a dead or hung mount)')
    .option('--json', 'print the result as JSON')
    .action((mountpoint: string, flags: UmountFlags) => runUmount(context, mountpoint, flags));
}
