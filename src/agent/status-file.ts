import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULTS } from '../defaults.js';
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

/** Writes status.json atomically (temp file + rename) so a reader never sees half a file. */
export function writeStatusFile(stateDir: string, status: AgentStatus): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o755 });
  const path = join(stateDir, STATUS_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(status, null, 2)}\n`, { mode: 0o644 });
  renameSync(temp, path);
}

/** Reads status.json; undefined when there is none (no agent ever ran with this state folder). */
export function readStatusFile(stateDir: string): AgentStatus | undefined {
  let text: string;
  try {
    text = readFileSync(join(stateDir, STATUS_FILE), 'utf8');
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
