import type { Backend } from '../backends/backend.js';
import type { KeptStat, ProcReader, ProcStat } from './proc.js';

/** The FUSE client daemon of a mount, identified by pid and start time (a reused pid has another). */
export interface DaemonRef {
  pid: number;
  startTime: number;
  argv: string[];
}

/** Whether a tracked daemon still runs: gone, a zombie, or its pid now names another process. */
export type DaemonStatus = 'alive' | 'gone' | 'zombie' | 'reused';

/** Every live FUSE daemon whose command line serves `mountpoint`, oldest first. */
export function findDaemons(mountpoint: string, backend: Pick<Backend, 'isDaemonFor'>, proc: ProcReader): DaemonRef[] {
  const found: DaemonRef[] = [];
  for (const pid of proc.listPids()) {
    if (pid === process.pid) continue;
    const argv = proc.readCmdline(pid);
    if (argv === undefined || !backend.isDaemonFor(argv, mountpoint)) continue;
    const stat = proc.readStat(pid);
    if (stat === undefined || stat.state === 'Z') continue;
    found.push({ pid, startTime: stat.startTime, argv });
  }
  return found.sort((a, b) => a.startTime - b.startTime || a.pid - b.pid);
}

/**
 * Finds the FUSE daemon serving `mountpoint` from /proc/PID/cmdline. When several match (an
 * old one lingering after a lazy unmount and the new one), the newest wins. Undefined when none.
 */
export function findDaemon(mountpoint: string, backend: Pick<Backend, 'isDaemonFor'>, proc: ProcReader): DaemonRef | undefined {
  return findDaemons(mountpoint, backend, proc).at(-1);
}

/** kill(pid, 0) first (no /proc read when the pid is gone), then the /proc check. */
export function checkDaemon(daemon: DaemonRef, proc: ProcReader): DaemonStatus {
  return judgeDaemon(daemon, readDaemonStat(daemon, proc));
}

/** The daemon's /proc/PID/stat, undefined when its pid is gone: kill(pid, 0) first, then one read. */
export function readDaemonStat(daemon: DaemonRef, proc: ProcReader): ProcStat | undefined {
  return proc.exists(daemon.pid) ? proc.readStat(daemon.pid) : undefined;
}

/** Reads one daemon's /proc/PID/stat at a time through a file kept open between reads. */
export interface DaemonStatReader {
  /** one pread of the kept stat (opened again for another daemon), else kill(pid, 0) and a read */
  read(daemon: DaemonRef): ProcStat | undefined;
  /** closes the kept stat; a later read opens it again */
  close(): void;
}

/** A reader that keeps the last daemon's /proc/PID/stat open (when `proc` can) and reopens it for another daemon. */
export function createDaemonStatReader(proc: ProcReader): DaemonStatReader {
  let current: { daemon: DaemonRef; kept: KeptStat | undefined } | undefined;
  return {
    read(daemon) {
      if (current?.daemon.pid !== daemon.pid || current.daemon.startTime !== daemon.startTime) {
        current?.kept?.close();
        current = { daemon, kept: proc.keepStat?.(daemon.pid) };
      }
      return current.kept === undefined ? readDaemonStat(daemon, proc) : current.kept.read();
    },
    close() {
      current?.kept?.close();
      current = undefined;
    },
  };
}

/** Whether the process whose stat this is (undefined: gone) is still the tracked daemon. Pure. */
export function judgeDaemon(daemon: DaemonRef, stat: ProcStat | undefined): DaemonStatus {
  if (stat === undefined) return 'gone';
  if (stat.startTime !== daemon.startTime) return 'reused';
  if (stat.state === 'Z' || stat.state === 'X') return 'zombie';
  return 'alive';
}

/** True when the pid is still the daemon we tracked and still serves the mountpoint: safe to kill. */
export function isStillDaemon(daemon: DaemonRef, mountpoint: string, backend: Pick<Backend, 'isDaemonFor'>, proc: ProcReader): boolean {
  if (checkDaemon(daemon, proc) !== 'alive') return false;
  const argv = proc.readCmdline(daemon.pid);
  return argv !== undefined && backend.isDaemonFor(argv, mountpoint);
}
