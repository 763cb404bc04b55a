// Checks made before any server is contacted: root, and a mountpoint that exists, is a directory
// and is free. Mountinfo is read first so a hung mount already on the path is never touched; the
// path itself is checked in a child with a deadline (src/mount/path-check.ts), as it may sit below one.
import { getBackend } from '../backends/registry.js';
import { ExitCode, HaMountError } from '../errors.js';
import type { MountSpec } from '../types.js';
import type { MounterDeps } from './mounter-deps.js';
import { findDaemons } from '../probes/daemon.js';
import { anyBackendDaemon, describeOtherClient } from './daemon-identity.js';
import { findContainingMount, isNetworkMount } from './local-path.js';
import { findMountAt, parseMountInfo, type MountInfoEntry } from './mountinfo.js';
import type { DirectoryCheck } from './path-check.js';

/** Where the kernel lists this process's mounts. */
export const MOUNTINFO_PATH = '/proc/self/mountinfo';

/** Reads and parses /proc/self/mountinfo; a read failure is a system error (exit 2). */
export async function readMountInfo(deps: Pick<MounterDeps, 'readFile'>): Promise<MountInfoEntry[]> {
  try {
    return parseMountInfo(await deps.readFile(MOUNTINFO_PATH));
  } catch (error) {
    throw new HaMountError('ha-mount.system.mountinfo', `cannot read ${MOUNTINFO_PATH}: ${(error as Error).message}`, ExitCode.SYSTEM, { cause: error });
  }
}

/** Throws unless running as root (mount(8) and FUSE mounts with allow_other need it). */
export function assertRoot(deps: Pick<MounterDeps, 'isRoot'>, action: string): void {
  if (!deps.isRoot()) throw new HaMountError('ha-mount.permission.root', `${action} needs root: run it with sudo or as root`, ExitCode.USAGE);
}

/** The entry at the spec's mountpoint when it is this spec's own mount (backend, and volume where the source says). */
export function findOwnMount(spec: MountSpec, entries: readonly MountInfoEntry[]): MountInfoEntry | undefined {
  const entry = findMountAt(entries, spec.mountpoint);
  const backend = getBackend(spec.backend);
  if (entry === undefined || !backend.recognizes(entry)) return undefined;
  return backend.sameVolume === undefined || backend.sameVolume(entry, spec) ? entry : undefined;
}

/** Throws unless the mountpoint is an existing directory with nothing mounted on it, checked out of process (deps.checkDirectory). */
export async function checkMountpoint(spec: MountSpec, entries: readonly MountInfoEntry[], deps: Pick<MounterDeps, 'checkDirectory' | 'proc'>): Promise<void> {
  const { mountpoint } = spec;
  const existing = findMountAt(entries, mountpoint);
  if (existing !== undefined) {
    // a MooseFS mount looks like a LizardFS one: the daemon serving it tells them apart
    const other = deps.proc === undefined ? undefined : describeOtherClient(findDaemons(mountpoint, anyBackendDaemon, deps.proc), getBackend(spec.backend), mountpoint);
    if (findOwnMount(spec, entries) !== undefined && other === undefined) {
      throw new HaMountError(
        'ha-mount.mount.already-mounted',
        `${spec.name} is already mounted on ${mountpoint} (source ${existing.source}): nothing to do; to mount it again, run "ha-mount umount ${mountpoint}" first`,
        ExitCode.MOUNT_FAILED,
      );
    }
    throw new HaMountError(
      'ha-mount.mount.busy',
      `${mountpoint} already has another mount on it (${existing.fstype} from ${existing.source}${other === undefined ? '' : `, ${other}`}): unmount it first or choose another mountpoint`,
      ExitCode.MOUNT_FAILED,
    );
  }
  const checked = await deps.checkDirectory(mountpoint);
  if (!checked.ok) throw mountpointError(mountpoint, checked, entries);
  // the kernel lists a mount under its real path: a symlinked mountpoint would never be found again
  if (checked.real !== mountpoint) {
    throw new HaMountError('ha-mount.mountpoint.symlink', `mountpoint ${mountpoint} resolves to ${checked.real} (a symbolic link on the way): give the real path, ${checked.real}`, ExitCode.USAGE);
  }
}

function mountpointError(mountpoint: string, checked: Extract<DirectoryCheck, { ok: false }>, entries: readonly MountInfoEntry[]): HaMountError {
  switch (checked.code) {
    case 'ENOENT':
      return new HaMountError('ha-mount.mountpoint.missing', `mountpoint ${mountpoint} does not exist: create it with "mkdir -p ${mountpoint}"`, ExitCode.USAGE);
    case 'ENOTDIR':
      return new HaMountError('ha-mount.mountpoint.not-directory', `mountpoint ${mountpoint} is not a directory (or a part of its path is not)`, ExitCode.USAGE);
    case 'EACCES':
    case 'EPERM':
      return new HaMountError('ha-mount.mountpoint.permission', `mountpoint ${mountpoint}: permission denied; run as root`, ExitCode.USAGE);
    case 'ETIMEDOUT': {
      const above = findContainingMount(entries, mountpoint);
      const where = above === undefined || !isNetworkMount(above) ? 'a mount above it may be hung' : `the ${above.fstype} mount on ${above.mountpoint} above it is probably hung`;
      return new HaMountError('ha-mount.mountpoint.hung', `checking mountpoint ${mountpoint} got ${checked.detail}: ${where}; check it with "ha-mount status" or "ha-mount check", or detach it with "ha-mount umount --lazy"`, ExitCode.SYSTEM);
    }
    default:
      return new HaMountError('ha-mount.mountpoint.stat', `cannot check mountpoint ${mountpoint}: ${checked.detail} (${checked.code})`, ExitCode.SYSTEM);
  }
}
