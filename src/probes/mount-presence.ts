import type { Backend } from '../backends/backend.js';
import { findMountAt, type MountInfoEntry } from '../mount/mountinfo.js';

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
