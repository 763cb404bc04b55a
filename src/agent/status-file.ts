import { closeSync, constants, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULTS } from '../defaults.js';
import { ExitCode, HaMountError } from '../errors.js';
import { assertFoldersTrusted, locatePath, networkPathError, readLocalText, readOwnMountInfo } from '../mount/local-path.js';
import type { MountStatus } from '../supervisor/supervisor-types.js';

/** What the agent writes to <stateDir>/status.json and `ha-mount status` reads. */
export interface AgentStatus {
  version: 1;
  pid: number;
  host: string;
  /** ms since the epoch */
  startedAt: number;
  updatedAt: number;
  /** where the mounts came from, e.g. ["/etc/ha-mount/ha-mount.yaml", "/etc/fstab"] */
  sources: string[];
  mounts: MountStatus[];
}

export const STATUS_FILE = 'status.json';

/** Resolves the state folder: the option, else HA_MOUNT_STATE_DIR, else DEFAULTS.stateDir. */
export function resolveStateDir(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return option ?? env.HA_MOUNT_STATE_DIR ?? DEFAULTS.stateDir;
}

const WHAT = 'the state folder';

/**
 * Makes the state folder safe to write in this process and returns its real path: created (0755)
 * when missing; refused when it is on a network or FUSE mount (a write there could block the
 * agent's loop), is not a folder, is not owned by root (this process's user), or is writable by
 * group or others, or when a folder above it could be changed by another user.
 */
export function prepareStateDir(stateDir: string): string {
  let place = locatePath(stateDir, readOwnMountInfo());
  if (place.kind === 'local' && place.stats === undefined) {
    mkdirSync(place.path, { recursive: true, mode: 0o755 });
    place = locatePath(stateDir, readOwnMountInfo());
  }
  if (place.kind === 'network') throw networkPathError(WHAT, stateDir, place);
  const { stats } = place;
  if (stats === undefined || !stats.isDirectory()) {
    throw new HaMountError('ha-mount.state.not-directory', `${WHAT} ${stateDir} is not a folder: remove it, or give another one with --state-dir`, ExitCode.SYSTEM);
  }
  assertFoldersTrusted(WHAT, stateDir, place.folders);
  const uid = process.geteuid?.() ?? 0;
  if ((stats.uid !== 0 && stats.uid !== uid) || (stats.mode & 0o022) !== 0) {
    throw new HaMountError(
      'ha-mount.state.untrusted',
      `${WHAT} ${stateDir} is ${stats.uid !== 0 && stats.uid !== uid ? `owned by uid ${stats.uid}, not root` : `writable by group or others (mode ${(stats.mode & 0o7777).toString(8)})`}: another user could plant files in it; run "chown root ${place.path}; chmod 755 ${place.path}", or give another folder with --state-dir`,
      ExitCode.SYSTEM,
    );
  }
  return place.path;
}

/** Creates `path` for writing: exclusive and never through a symlink. A leftover of ours (same pid) is removed once. */
function createExclusive(path: string): number {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  try {
    return openSync(path, flags, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    unlinkSync(path); // removes the entry itself, never what a symlink points at
    return openSync(path, flags, 0o644);
  }
}

/**
 * Writes status.json atomically (temp file + rename) so a reader never sees half a file. The
 * folder is checked at each write (prepareStateDir) and the temp file created O_EXCL|O_NOFOLLOW.
 */
export function writeStatusFile(stateDir: string, status: AgentStatus): void {
  const dir = prepareStateDir(stateDir);
  const path = join(dir, STATUS_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  const fd = createExclusive(temp);
  try {
    writeFileSync(fd, `${JSON.stringify(status, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

/** Reads status.json; undefined when there is none (no agent ever ran with this state folder). Never blocks (see readLocalText). */
export function readStatusFile(stateDir: string): AgentStatus | undefined {
  let text: string;
  try {
    text = readLocalText('the status file', join(stateDir, STATUS_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as AgentStatus;
  if (parsed.version !== 1 || !Array.isArray(parsed.mounts)) throw new Error(`unknown status file format (version ${String(parsed.version)})`);
  return parsed;
}

/** Whether the agent that wrote `status` still runs: its pid exists and it wrote recently. Pure given `exists`. */
export function describeAgentLiveness(status: AgentStatus, now: number, exists: (pid: number) => boolean): 'running' | 'stale' | 'gone' {
  if (!exists(status.pid)) return 'gone';
  return now - status.updatedAt > DEFAULTS.agent.staleAfterMs ? 'stale' : 'running';
}
