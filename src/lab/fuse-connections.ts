// The last resort for a FUSE client that cannot die: a multithreaded client (mfsmount) that is
// SIGKILLed while one of its own threads waits on a request to its own mount keeps the FUSE
// connection open (that thread holds the fd table), so the thread waits forever in D state and
// the process can never be reaped. Seen once in a bench run (a MooseFS setup's mfsmount). Writing
// to fusectl's `abort` for that connection ends it (src/probes/fuse-connection.ts, which the
// agent uses too). Only connections of mounts the lab made, that are no longer mounted and have
// a request waiting, are aborted.
import { existsSync } from 'node:fs';
import { runCommand } from '../exec/run.js';
import { parseMountInfo, readMountInfo, readMountInfoText } from '../mount/mountinfo.js';
import { abortWaitingConnection, FUSECTL_DIR, fuseConnectionId, isFusectlMounted, readWaiting } from '../probes/fuse-connection.js';

export { FUSECTL_DIR, fuseConnectionId };

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
  return ids.filter((id) => !mounted.has(id) && (readWaiting(id, dir) ?? 0) > 0);
}

/** Aborts the stuck ones of `ids` (see selectStuckConnections); mounts fusectl for the call when it is not mounted. Returns the ids aborted. */
export async function abortStuckFuseConnections(ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const mountedHere = !isFusectlMounted(readMountInfo()) && existsSync(FUSECTL_DIR);
  if (mountedHere) await runCommand({ file: 'mount', args: ['-t', 'fusectl', 'fusectl', FUSECTL_DIR] }, { timeoutMs: 5_000 });
  try {
    const stuck = selectStuckConnections(ids, FUSECTL_DIR, readMountInfoText());
    return stuck.filter((id) => abortWaitingConnection(id).kind === 'aborted');
  } finally {
    if (mountedHere) await runCommand({ file: 'umount', args: [FUSECTL_DIR] }, { timeoutMs: 5_000 });
  }
}
