// Contract between the core mount path (src/mount/, src/resolve/, src/backends/) and its users
// (CLI, mount.ha, supervisor). Implemented in src/mount/mounter.ts.
import type { ServerAddress, Command } from '../types.js';

/** What a successful mount did. */
export interface MountOutcome {
  /** the server the mount was made through */
  server: ServerAddress;
  backups: ServerAddress[];
  command: Command;
  durationMs: number;
}

/** Why each server was not used, for error messages ("10.0.0.1:24007: connect timeout 1.5 s"). */
export interface ServerVerdict {
  server: ServerAddress;
  address?: string;
  reachable: boolean;
  reason: string;
  latencyMs?: number;
}
