import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** One line of /proc/self/mountinfo (see proc(5)). */
export interface MountInfoEntry {
  mountId: number;
  parentId: number;
  /** "major:minor" of st_dev for files on this mount */
  device: string;
  root: string;
  mountpoint: string;
  mountOptions: string;
  fstype: string;
  source: string;
  superOptions: string;
}

/** Undoes the octal escapes (\040 for space...) the kernel writes in mountinfo fields. */
function unescapeField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Parses the text of /proc/self/mountinfo; malformed lines are skipped. Pure. */
export function parseMountInfo(text: string): MountInfoEntry[] {
  const entries: MountInfoEntry[] = [];
  for (const line of text.split('\n')) {
    const separator = line.indexOf(' - ');
    if (separator < 0) continue;
    const left = line.slice(0, separator).split(' ');
    const right = line.slice(separator + 3).split(' ');
    const [mountId, parentId, device, root, mountpoint, mountOptions] = left;
    const [fstype, source, superOptions] = right;
    if (mountId === undefined || parentId === undefined || device === undefined || root === undefined) continue;
    if (mountpoint === undefined || mountOptions === undefined || fstype === undefined || source === undefined) continue;
    entries.push({
      mountId: Number(mountId),
      parentId: Number(parentId),
      device,
      root: unescapeField(root),
      mountpoint: unescapeField(mountpoint),
      mountOptions,
      fstype,
      source: unescapeField(source),
      superOptions: superOptions ?? '',
    });
  }
  return entries;
}

/** The mount that is visible at `mountpoint`: the last (topmost) entry for that path. */
export function findMountAt(entries: readonly MountInfoEntry[], mountpoint: string): MountInfoEntry | undefined {
  let found: MountInfoEntry | undefined;
  for (const entry of entries) if (entry.mountpoint === mountpoint) found = entry;
  return found;
}

/** Where the kernel lists this process's mounts. */
export const MOUNTINFO_PATH = '/proc/self/mountinfo';

/** The text of /proc/self/mountinfo: kernel memory, never a mount itself, so reading it cannot hang on one. */
export function readMountInfoText(): string {
  return readFileSync(MOUNTINFO_PATH, 'utf8');
}

let lastRead: { bytes: Buffer; entries: MountInfoEntry[] } | undefined;
let keptFd: number | undefined;
let readBuffer: Buffer | undefined;

/** The bytes of /proc/self/mountinfo through an fd kept open: a read from offset 0 gives the table as it is now (2 syscalls, not 5, and no string). */
function readMountInfoBytes(): Buffer {
  keptFd ??= openSync(MOUNTINFO_PATH, 'r');
  let buffer = (readBuffer ??= Buffer.allocUnsafe(64 * 1024));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      const larger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(larger, 0, 0, length);
      buffer = readBuffer = larger;
    }
    const read = readSync(keptFd, buffer, length, buffer.length - length, length);
    if (read === 0) return buffer.subarray(0, length);
    length += read;
  }
}

/**
 * /proc/self/mountinfo, parsed: the one reader of the mount table (the mounter reads it through
 * its injected readFile). Every mount's probe tick reads it: the fd stays open, and the parse is
 * reused while the bytes are the same (reading and parsing it was a tenth of the agent's busy
 * time at 50 mounts), so callers must not change the entries (they are frozen).
 */
export function readMountInfo(): MountInfoEntry[] {
  return sharedTable.read();
}

/** A reader that, inside `around(run)`, reads once for all of `run`. */
export interface SnapshotReader<T> {
  read(): T;
  around(run: () => void): void;
}

/**
 * Wraps `read` so that every read inside `around(run)` gets what the first of them read. The
 * snapshot lives only while `run` runs, synchronously: nothing the agent mounts or unmounts
 * (child processes, seen in later turns) can happen within it.
 */
export function snapshotReader<T>(read: () => T): SnapshotReader<T> {
  let snapshot: { value?: T } | undefined;
  return {
    read: () => (snapshot === undefined ? read() : 'value' in snapshot ? (snapshot.value as T) : (snapshot.value = read())),
    around(run) {
      if (snapshot !== undefined) return run();
      snapshot = {};
      try {
        run();
      } finally {
        snapshot = undefined;
      }
    },
  };
}

const sharedTable = snapshotReader(readMountInfoNow);

/**
 * Runs `run` with one read of the mount table for all of it: the mounts' ticks of one grid point
 * (see createGridClock); each mount reading it was 12 % of the agent's CPU at 50 mounts.
 */
export function withMountInfoSnapshot(run: () => void): void {
  sharedTable.around(run);
}

function readMountInfoNow(): MountInfoEntry[] {
  let bytes: Buffer;
  try {
    bytes = readMountInfoBytes();
  } catch {
    if (keptFd !== undefined) closeSync(keptFd);
    keptFd = undefined;
    bytes = Buffer.from(readMountInfoText()); // and a second failure throws from here
  }
  if (lastRead === undefined || !lastRead.bytes.equals(bytes)) {
    lastRead = { bytes: Buffer.from(bytes), entries: Object.freeze(parseMountInfo(bytes.toString('utf8'))) as MountInfoEntry[] };
  }
  return lastRead.entries;
}
