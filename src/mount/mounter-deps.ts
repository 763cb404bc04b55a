import { readFile } from 'node:fs/promises';
import type { Runner } from '../exec/run.js';
import { systemProc, type ProcReader } from '../probes/proc.js';
import { sendSignal } from '../supervisor/kill-daemon.js';
import { createSystemResolverDeps } from '../resolve/system-resolver.js';
import type { ResolverDeps } from '../resolve/resolve-servers.js';
import { checkDirectory, type DirectoryCheck } from './path-check.js';

/** A clock: monotonic ms and a sleep, injected so tests need no real waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Everything the mounter touches outside itself, injected for tests. */
export interface MounterDeps {
  runner: Runner;
  resolver: ResolverDeps;
  /** reads /proc/self/mountinfo as text (kernel memory: never a user's path) */
  readFile(path: string): Promise<string>;
  /** is `path` an existing folder, and its real path: out of process with a deadline (it may be below a hung mount) */
  checkDirectory(path: string): Promise<DirectoryCheck>;
  isRoot(): boolean;
  clock: Clock;
  /** /proc, to find and end the FUSE daemon a failed attempt left (absent: only its mount is taken down) */
  proc?: ProcReader;
  signal?(pid: number, signal: NodeJS.Signals): void;
}

/** The real machine: a Runner (runCommand, or spawnRunner where startup time matters), DNS, TCP, /proc; the CLI, mount.ha and the agent all use it. */
export function createMounterDeps(runner: Runner): MounterDeps {
  return {
    runner,
    resolver: createSystemResolverDeps(),
    readFile: (path) => readFile(path, 'utf8'),
    checkDirectory: (path) => checkDirectory(path),
    isRoot: () => process.getuid?.() === 0,
    proc: systemProc,
    signal: sendSignal,
    clock: {
      now: () => performance.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    },
  };
}
