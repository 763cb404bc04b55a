// The kernel's side of a FUSE mount, read from fusectl (/sys/fs/fuse/connections): `waiting`
// counts the requests the daemon has not answered yet, writing to `abort` fails every pending
// request of the connection. Both are kernel memory: neither touches the mount, so the agent may
// read and write them in-process even when the mount is hung.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MountInfoEntry } from '../mount/mountinfo.js';
import type { Command } from '../types.js';

export const FUSECTL_DIR = '/sys/fs/fuse/connections';

/** fusectl names a connection by the minor of the mount's device: "0:47" in mountinfo is connection 47. Pure. */
export function fuseConnectionId(entry: Pick<MountInfoEntry, 'device' | 'fstype'>): string | undefined {
  if (entry.fstype !== 'fuse' && !entry.fstype.startsWith('fuse.')) return undefined;
  return connectionOfDevice(entry.device);
}

/** "0:47" -> "47"; undefined for a device that is no FUSE (anonymous, major 0) device. Pure. */
export function connectionOfDevice(device: string): string | undefined {
  return /^0:(\d+)$/.exec(device)?.[1];
}

/** True when fusectl is mounted at `dir` (mountinfo, parsed). */
export function isFusectlMounted(mounts: readonly Pick<MountInfoEntry, 'fstype' | 'mountpoint'>[], dir = FUSECTL_DIR): boolean {
  return mounts.some((entry) => entry.fstype === 'fusectl' && entry.mountpoint === dir);
}

/**
 * The requests connection `id` holds unanswered; undefined when the connection (or fusectl) is
 * not there. Opened at every read: fusectl opens the file non-seekable and makes the count only
 * at offset 0, so a kept file can be read once (pread is ESPIPE; seen with strace).
 */
export function readWaiting(id: string, dir = FUSECTL_DIR): number | undefined {
  try {
    const value = Number(readFileSync(join(dir, id, 'waiting'), 'utf8').trim());
    return Number.isInteger(value) && value >= 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** What aborting a connection did. */
export type AbortOutcome = { kind: 'aborted'; waiting: number } | { kind: 'idle' } | { kind: 'absent' } | { kind: 'failed'; error: string };

/**
 * Aborts connection `id` when it still holds requests: every request waiting on it fails at once
 * (ENOTCONN), and the daemon's /dev/fuse is cut off. An idle connection is left alone.
 */
export function abortWaitingConnection(id: string, dir = FUSECTL_DIR): AbortOutcome {
  if (!/^\d+$/.test(id)) return { kind: 'failed', error: `not a FUSE connection id: ${JSON.stringify(id)}` };
  const waiting = readWaiting(id, dir);
  if (waiting === undefined) return existsSync(dir) ? { kind: 'absent' } : { kind: 'failed', error: `${dir} is not there (fusectl not mounted?)` };
  if (waiting === 0) return { kind: 'idle' };
  try {
    writeFileSync(join(dir, id, 'abort'), '1');
    return { kind: 'aborted', waiting };
  } catch (error) {
    return { kind: 'failed', error: `cannot write ${join(dir, id, 'abort')}: ${(error as Error).message}` };
  }
}

/**
 * Mounts fusectl at `dir` when the kernel offers it and nothing is mounted there (systemd does
 * it on most clients; a container or a minimal host may not). Without it the agent cannot see
 * or abort FUSE connections; everything else works. Returns what it found or did.
 */
export async function ensureFusectl(mounts: readonly Pick<MountInfoEntry, 'fstype' | 'mountpoint'>[], run: (command: Command) => Promise<{ exitCode: number | undefined; stderr: string }>, dir = FUSECTL_DIR): Promise<'mounted' | 'was-mounted' | 'unavailable' | { failed: string }> {
  if (isFusectlMounted(mounts, dir)) return 'was-mounted';
  if (!existsSync(dir)) return 'unavailable';
  const result = await run({ file: 'mount', args: ['-t', 'fusectl', 'none', dir] });
  return result.exitCode === 0 ? 'mounted' : { failed: `mount -t fusectl none ${dir}: ${result.stderr.trim() || `exit ${result.exitCode}`}` };
}
