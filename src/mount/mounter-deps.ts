import { readFile } from 'node:fs/promises';
import { commandClock, type Clock } from '../clock.js';
import type { Runner } from '../exec/run.js';
import { systemProc, type ProcReader } from '../probes/proc.js';
import { sendSignal } from '../supervisor/kill-daemon.js';
import { createSystemResolverDeps } from '../resolve/system-resolver.js';
import type { ResolverDeps } from '../resolve/resolve-servers.js';
import { checkDirectory, type DirectoryCheck } from './path-check.js';

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

/** The real machine: a Runner (src/exec/run.ts's runCommand, or a wrapper of it), DNS, TCP, /proc; the CLI, mount.ha and the agent all use it. */
export function createMounterDeps(runner: Runner): MounterDeps {
  return {
    // every command of the mount path runs from "/": never with a working folder on a mount that may hang
    runner: (command, options) => runner(command, { cwd: '/', ...options }),
    resolver: createSystemResolverDeps(),
    readFile: (path) => readFile(path, 'utf8'),
    checkDirectory: (path) => checkDirectory(path),
    isRoot: () => process.getuid?.() === 0,
    proc: systemProc,
    signal: sendSignal,
    clock: commandClock,
  };
}
