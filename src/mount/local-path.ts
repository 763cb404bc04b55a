// Files the agent and the CLI read or write in their own process (the GlusterFS client log,
// status.json, the config) must never be on a network or FUSE mount: one call there can block the
// event loop for as long as a server is gone. Where a path lives is found before it is touched: it
// is walked from "/" with lstat, each step only after mountinfo says that step is on a local
// filesystem, symlinks resolved as they come, so a path on (or through a symlink into) such a
// mount is named and refused, never touched. Files are then opened O_NONBLOCK|O_NOFOLLOW and must
// be regular files (a FIFO would block open and read).
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ExitCode, HaMountError } from '../errors.js';
import { parseMountInfo, type MountInfoEntry } from './mountinfo.js';

/** Filesystems whose calls wait for a server or a userspace daemon (every FUSE type too). */
const NETWORK_FSTYPES = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'ceph', '9p', 'afs', 'coda', 'ncpfs', 'lustre', 'gfs2', 'ocfs2', 'glusterfs', 'virtiofs', 'orangefs', 'beegfs', 'gpfs', 'davfs']);
const MAX_SYMLINKS = 40; // Linux's own limit (ELOOP)
const STICKY = 0o1000; // S_ISVTX: in such a folder others cannot rename or remove root's entries

/** True for a mount whose calls can hang behind a server or a FUSE daemon. */
export function isNetworkMount(entry: Pick<MountInfoEntry, 'fstype'>): boolean {
  return entry.fstype === 'fuse' || entry.fstype.startsWith('fuse.') || entry.fstype === 'fuseblk' || NETWORK_FSTYPES.has(entry.fstype.split('.')[0] ?? '');
}

/** The mount `path` (absolute, no symlinks) is on: the longest mountpoint above it, the topmost of equals. Pure. */
export function findContainingMount(entries: readonly MountInfoEntry[], path: string): MountInfoEntry | undefined {
  let found: MountInfoEntry | undefined;
  for (const entry of entries) {
    const mountpoint = entry.mountpoint;
    const inside = mountpoint === '/' || path === mountpoint || path.startsWith(`${mountpoint}/`);
    if (inside && (found === undefined || mountpoint.length >= found.mountpoint.length)) found = entry;
  }
  return found;
}

/** Where a path lives, found without touching any network or FUSE mount. */
export type PathPlace =
  | {
      kind: 'local';
      /** the path with every symlink resolved */
      path: string;
      /** lstat of the path; undefined when it does not exist (yet) */
      stats: Stats | undefined;
      /** every folder looked up on the way (symlinks' folders too), with its lstat */
      folders: { path: string; stats: Stats }[];
    }
  | { kind: 'network'; /** the first step that is on it */ path: string; mount: MountInfoEntry };

/** The lstat and readlink the walk uses; injected in tests. */
export interface WalkFs {
  lstat(path: string): Stats | undefined;
  readlink(path: string): string;
}

const systemWalkFs: WalkFs = {
  lstat: (path) => lstatSync(path, { throwIfNoEntry: false }),
  readlink: (path) => readlinkSync(path, 'utf8'),
};

function errnoError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/**
 * Walks `path` from "/" as the kernel would, resolving symlinks, and says where it lives. Every
 * step is checked against mountinfo BEFORE it is lstat()ed, so a network or FUSE mount on the way
 * is reported, not entered. Throws ENOTDIR/ELOOP as errno errors.
 */
export function locatePath(path: string, entries: readonly MountInfoEntry[], fs: WalkFs = systemWalkFs): PathPlace {
  // not normalised first: "link/.." is the link target's parent, as the kernel resolves it
  const absolute = path.startsWith('/') ? path : `${process.cwd()}/${path}`;
  const pending = absolute.split('/').filter((part) => part !== '').reverse();
  const root = findContainingMount(entries, '/');
  if (root !== undefined && isNetworkMount(root)) return { kind: 'network', path: '/', mount: root };
  const rootStats = fs.lstat('/');
  const folders: { path: string; stats: Stats }[] = rootStats === undefined ? [] : [{ path: '/', stats: rootStats }];
  let current = '/';
  let stats: Stats | undefined = rootStats;
  let links = 0;
  while (pending.length > 0) {
    const part = pending.pop() ?? '';
    if (part === '.') continue;
    if (part === '..') {
      current = dirname(current);
      continue;
    }
    const next = current === '/' ? `/${part}` : `${current}/${part}`;
    const mount = findContainingMount(entries, next);
    if (mount !== undefined && isNetworkMount(mount)) return { kind: 'network', path: next, mount };
    stats = fs.lstat(next);
    if (stats === undefined) return { kind: 'local', path: resolve(next, ...pending.reverse()), stats: undefined, folders };
    if (stats.isSymbolicLink()) {
      links += 1;
      if (links > MAX_SYMLINKS) throw errnoError('ELOOP', `too many symbolic links in ${path}`);
      const target = fs.readlink(next);
      pending.push(...target.split('/').filter((piece) => piece !== '').reverse());
      if (target.startsWith('/')) current = '/';
      continue;
    }
    if (pending.length > 0) {
      if (!stats.isDirectory()) throw errnoError('ENOTDIR', `${next} (on the way to ${path}) is not a directory`);
      folders.push({ path: next, stats });
    }
    current = next;
  }
  return { kind: 'local', path: current, stats, folders };
}

/** Reads /proc/self/mountinfo (kernel memory: it cannot hang on a mount). */
export function readOwnMountInfo(): MountInfoEntry[] {
  return parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8'));
}

/** The refusal for a path on a network or FUSE mount: what, where, and what to do. */
export function networkPathError(what: string, path: string, place: Extract<PathPlace, { kind: 'network' }>): HaMountError {
  return new HaMountError(
    'ha-mount.path.network',
    `${what} ${path} is on a ${place.mount.fstype} mount (${place.mount.mountpoint}): ha-mount never reads or writes it in its own process, because a call there can block for as long as a server is gone; put it on a local filesystem`,
    ExitCode.SYSTEM,
  );
}

/**
 * Throws unless every folder in `folders` can only be changed by root (or this process's user):
 * owned by it, and not writable by group or others (unless sticky, like /tmp, where others cannot
 * rename or remove root's entries). Otherwise another user could swap a folder on the way for a
 * symlink into a hung mount, or plant a file.
 */
export function assertFoldersTrusted(what: string, path: string, folders: readonly { path: string; stats: Stats }[], uid: number = process.geteuid?.() ?? 0): void {
  for (const folder of folders) {
    const { uid: owner, mode } = folder.stats;
    const othersWrite = (mode & 0o022) !== 0 && (mode & STICKY) === 0;
    if ((owner !== 0 && owner !== uid) || othersWrite) {
      throw new HaMountError(
        'ha-mount.path.untrusted-folder',
        `${what} ${path}: folder ${folder.path} is ${owner !== 0 && owner !== uid ? `owned by uid ${owner}, not root` : `writable by group or others (mode ${(mode & 0o7777).toString(8)})`}, so another user could redirect it; make it root's and not group/world-writable (chown root ${folder.path}; chmod go-w ${folder.path})`,
        ExitCode.SYSTEM,
      );
    }
  }
}

/** What `openLocalFile` needs to know about the caller's trust in the folders. */
export interface OpenLocalOptions {
  /** check the folders on the way (assertFoldersTrusted) */
  trustedFolders?: boolean;
  /** the mountinfo to judge by (default: read now) */
  entries?: readonly MountInfoEntry[];
  fs?: WalkFs;
}

/**
 * Opens a regular file on a local filesystem for reading, never blocking: refused when it is on a
 * network/FUSE mount or is not a regular file (FIFO, device, folder); O_NOFOLLOW|O_NONBLOCK, and
 * the opened file must be the one the walk saw. Missing: throws ENOENT (an errno error).
 */
export function openLocalFile(what: string, path: string, options: OpenLocalOptions = {}): number {
  const place = locatePath(path, options.entries ?? readOwnMountInfo(), options.fs);
  if (place.kind === 'network') throw networkPathError(what, path, place);
  if (options.trustedFolders) assertFoldersTrusted(what, path, place.folders);
  if (place.stats === undefined) throw errnoError('ENOENT', `${what} ${path} does not exist`);
  if (!place.stats.isFile()) throw notRegularError(what, path, place.stats);
  const fd = openSync(place.path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW | constants.O_NOCTTY);
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) throw notRegularError(what, path, opened);
    if (opened.dev !== place.stats.dev || opened.ino !== place.stats.ino) {
      throw new HaMountError('ha-mount.path.changed', `${what} ${path} was replaced while it was being opened; try again`, ExitCode.SYSTEM);
    }
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function describeType(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device node';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function notRegularError(what: string, path: string, stats: Stats): HaMountError {
  return new HaMountError('ha-mount.path.not-regular', `${what} ${path} is ${describeType(stats)}, not a regular file: ha-mount reads only regular files, which cannot block`, ExitCode.SYSTEM);
}

/** Reads a whole local regular file as UTF-8, refusing anything that could block (see openLocalFile). */
export function readLocalText(what: string, path: string, options: OpenLocalOptions = {}): string {
  const fd = openLocalFile(what, path, options);
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
