// The last resort for a FUSE client that cannot die: a multithreaded client (mfsmount) that is
// SIGKILLed while one of its own threads waits on a request to its own mount keeps the FUSE
// connection open (that thread holds the fd table), so the thread waits forever in D state and
// the process can never be reaped. Seen once in a bench run (a MooseFS setup's mfsmount). Writing
// to fusectl's `abort` for that connection ends it. Only connections of mounts the lab made, that
// are no longer mounted and have a request waiting, are aborted.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../exec/run.js';
import { parseMountInfo, readMountInfo, readMountInfoText, type MountInfoEntry } from '../mount/mountinfo.js';

export const FUSECTL_DIR = '/sys/fs/fuse/connections';

/** fusectl names a connection by its device number: "0:47" in mountinfo is connection 47. Pure. */
export function fuseConnectionId(entry: Pick<MountInfoEntry, 'device' | 'fstype'>): string | undefined {
  if (entry.fstype !== 'fuse' && !entry.fstype.startsWith('fuse.')) return undefined;
  return /^0:(\d+)$/.exec(entry.device)?.[1];
}

/** The FUSE connections of whatever is mounted at `mountpoint` now (stacked mounts included). */
export function fuseConnectionsAt(mountpoint: string, mountinfo = readMountInfoText()): string[] {
  return parseMountInfo(mountinfo)
    .filter((entry) => entry.mountpoint === mountpoint)
    .flatMap((entry) => fuseConnectionId(entry) ?? []);
}

/**
 * Of `ids`, those still open under fusectl `dir` with a request waiting and no longer mounted (a
 * reused id of a live mount is never chosen).
 */
export function selectStuckConnections(ids: readonly string[], dir: string, mountinfo: string): string[] {
  const mounted = new Set(parseMountInfo(mountinfo).flatMap((entry) => fuseConnectionId(entry) ?? []));
  return ids.filter((id) => {
    if (mounted.has(id)) return false;
    try {
      return Number(readFileSync(join(dir, id, 'waiting'), 'utf8').trim()) > 0;
    } catch {
      return false; // gone: the connection closed by itself
    }
  });
}

/** Aborts the stuck ones of `ids` (see selectStuckConnections); mounts fusectl for the call when it is not mounted. Returns the ids aborted. */
export async function abortStuckFuseConnections(ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const isFusectlMounted = (): boolean => readMountInfo().some((entry) => entry.fstype === 'fusectl' && entry.mountpoint === FUSECTL_DIR);
  const mountedHere = !isFusectlMounted() && existsSync(FUSECTL_DIR);
  if (mountedHere) await runCommand({ file: 'mount', args: ['-t', 'fusectl', 'fusectl', FUSECTL_DIR] }, { timeoutMs: 5_000 });
  try {
    const stuck = selectStuckConnections(ids, FUSECTL_DIR, readMountInfoText());
    for (const id of stuck) writeFileSync(join(FUSECTL_DIR, id, 'abort'), '1');
    return stuck;
  } finally {
    if (mountedHere) await runCommand({ file: 'umount', args: [FUSECTL_DIR] }, { timeoutMs: 5_000 });
  }
}
