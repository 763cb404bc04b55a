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
  /** the server as the spec or config wrote it (a name, where `server` is its address) */
  serverName?: string;
  /** every server's reachability, for `-v` */
  verdicts?: ServerVerdict[];
  /** failed attempts through other servers before this one succeeded */
  failedAttempts?: string[];
  /** true when nothing was run (--dry-run, mount.ha -f): `command` is what would have run */
  dryRun?: boolean;
  /** what a real run would have refused or doubted (e.g. the wrong mfsmount), dry runs only */
  warnings?: string[];
}

/** Why each server was not used, for error messages ("10.0.0.1:24007: connect timeout 1.5 s"). */
export interface ServerVerdict {
  server: ServerAddress;
  address?: string;
  reachable: boolean;
  reason: string;
  latencyMs?: number;
}
