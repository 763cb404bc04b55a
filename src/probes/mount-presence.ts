import { readFileSync } from 'node:fs';
import type { Backend } from '../backends/backend.js';
import { findMountAt, parseMountInfo, type MountInfoEntry } from '../mount/mountinfo.js';

/** What /proc/self/mountinfo shows at a mountpoint. */
export type MountPresence =
  | { kind: 'mounted'; entry: MountInfoEntry }
  | { kind: 'absent' }
  /** something this backend does not recognise is mounted there: never unmount it */
  | { kind: 'foreign'; entry: MountInfoEntry };

/** Where the mount at `mountpoint` stands, from the mountinfo entries. Pure. */
export function inspectMountPresence(entries: readonly MountInfoEntry[], mountpoint: string, backend: Pick<Backend, 'recognizes'>): MountPresence {
  const entry = findMountAt(entries, mountpoint);
  if (entry === undefined) return { kind: 'absent' };
  return backend.recognizes(entry) ? { kind: 'mounted', entry } : { kind: 'foreign', entry };
}

let lastRead: { text: string; entries: MountInfoEntry[] } | undefined;

/**
 * Reads /proc/self/mountinfo: kernel memory, never the mount itself, so it cannot hang on one.
 * Every mount's probe tick reads it; the parse is reused while the text is the same (reading
 * and parsing it was a tenth of the agent's busy time at 50 mounts), so callers must not change
 * the entries (they are frozen).
 */
export function readMountInfo(): MountInfoEntry[] {
  const text = readFileSync('/proc/self/mountinfo', 'utf8');
  if (lastRead?.text !== text) lastRead = { text, entries: Object.freeze(parseMountInfo(text)) as MountInfoEntry[] };
  return lastRead.entries;
}
