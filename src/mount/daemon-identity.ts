// Which client serves a mount. MooseFS and LizardFS mounts look alike in mountinfo (both forms are
// made by both projects' mfsmount, backends/mfs-source.ts); their daemons do not: MooseFS's renames
// itself "mfsmount (mounted on: DIR)", LizardFS's keeps its argv (backends/mfs-common.ts).
import type { Backend } from '../backends/backend.js';
import { listBackends } from '../backends/registry.js';
import type { DaemonRef } from '../probes/daemon.js';

/** A matcher for every backend's FUSE daemon: a wrong client counts as much as the right one. */
export const anyBackendDaemon = {
  isDaemonFor: (argv: readonly string[], mountpoint: string): boolean => listBackends().some((backend) => backend.isDaemonFor(argv, mountpoint)),
};

/**
 * "served by pid N (ARGV), which is not a B client" when daemons serve `mountpoint` and none is
 * `backend`'s own; undefined when one is, or when none is seen (nothing to tell by). Pure.
 */
export function describeOtherClient(daemons: readonly DaemonRef[], backend: Pick<Backend, 'name' | 'isDaemonFor'>, mountpoint: string): string | undefined {
  if (daemons.length === 0 || daemons.some((daemon) => backend.isDaemonFor(daemon.argv, mountpoint))) return undefined;
  const served = daemons.map((daemon) => `pid ${daemon.pid} (${daemon.argv.filter((arg) => arg !== '').join(' ')})`).join(', ');
  return `served by ${served}, which is not a ${backend.name} client`;
}
