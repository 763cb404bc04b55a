// Process edges of the bench: spawn a program with its output in a file, stop it, find and kill
// the FUSE daemons of one mountpoint.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { getBackend } from '../src/backends/registry.js';
import { readMountInfo } from '../src/mount/mountinfo.js';
import { findDaemons as findDaemonRefs } from '../src/probes/daemon.js';
import { systemProc } from '../src/probes/proc.js';
import type { BackendName, Command } from '../src/types.js';

/** A child process whose stdout and stderr go to a file. */
export interface Spawned {
  child: ChildProcess;
  exited: Promise<void>;
  stop(): Promise<void>;
}

/** Spawns `command` (argv, no shell) with stdout and stderr appended to `logFile`. */
export function spawnLogged(command: Command, logFile: string, env: Record<string, string> = {}): Spawned {
  const log = openSync(logFile, 'a');
  const child = spawn(command.file, command.args, { stdio: ['ignore', log, log], env: { ...process.env, ...env } });
  closeSync(log);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  return {
    child,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      // a writer blocked in a FUSE call may not die even of SIGKILL until the call returns:
      // give up waiting after 15 s so that one stuck process cannot stall the run (the lab's
      // teardown detaches the mount, which ends the call)
      let giveUp: NodeJS.Timeout | undefined;
      const stuck = new Promise<void>((resolve) => {
        giveUp = setTimeout(() => {
          process.stderr.write(`${command.file} (pid ${child.pid ?? '?'}) did not exit 15 s after SIGTERM: blocked in the kernel? going on\n`);
          resolve();
        }, 15_000);
      });
      await Promise.race([exited, stuck]);
      clearTimeout(timer);
      clearTimeout(giveUp);
    },
  };
}

/** Live (not zombie) FUSE daemons serving `mountpoint`, lingering ones of lazy unmounts included. */
export function findDaemons(mountpoint: string, backend: BackendName): number[] {
  return findDaemonRefs(mountpoint, getBackend(backend), systemProc).map((daemon) => daemon.pid);
}

/** SIGKILLs every daemon of `mountpoint`; returns how many. */
export function killDaemons(mountpoint: string, backend: BackendName): number {
  const pids = findDaemons(mountpoint, backend);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  return pids.length;
}

/** True when something is mounted exactly at `path` (per /proc/self/mountinfo). */
export function isMounted(path: string): boolean {
  return readMountInfo().some((entry) => entry.mountpoint === path);
}

export { sleep } from '../src/lab/procs.js';
