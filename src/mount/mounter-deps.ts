import { readFile, realpath, stat } from 'node:fs/promises';
import type { Runner } from '../exec/run.js';
import { systemProc, type ProcReader } from '../probes/proc.js';
import { sendSignal } from '../supervisor/kill-daemon.js';
import { createSystemResolverDeps } from '../resolve/system-resolver.js';
import type { ResolverDeps } from '../resolve/resolve-servers.js';

/** A clock: monotonic ms and a sleep, injected so tests need no real waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Everything the mounter touches outside itself, injected for tests. */
export interface MounterDeps {
  runner: Runner;
  resolver: ResolverDeps;
  /** reads /proc/self/mountinfo (and any other file) as text */
  readFile(path: string): Promise<string>;
  stat(path: string): Promise<{ isDirectory(): boolean }>;
  /** the path with symlinks resolved (the kernel lists mounts by it); skipped when absent */
  realpath?(path: string): Promise<string>;
  isRoot(): boolean;
  clock: Clock;
  /** /proc, to find and end the FUSE daemon a failed attempt left (absent: only its mount is taken down) */
  proc?: ProcReader;
  signal?(pid: number, signal: NodeJS.Signals): void;
}

/** The real machine: a Runner (runCommand, or spawnRunner where startup time matters), DNS, TCP, /proc. */
export function createMounterDeps(runner: Runner): MounterDeps {
  return {
    runner,
    resolver: createSystemResolverDeps(),
    readFile: (path) => readFile(path, 'utf8'),
    stat: (path) => stat(path),
    realpath: (path) => realpath(path),
    isRoot: () => process.getuid?.() === 0,
    proc: systemProc,
    signal: sendSignal,
    clock: {
      now: () => performance.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    },
  };
}
