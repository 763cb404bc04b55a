import { readdirSync, readFileSync } from 'node:fs';

/** The fields of /proc/PID/stat the daemon watcher needs. */
export interface ProcStat {
  /** R, S, D, Z, T... */
  state: string;
  /** field 22: start time in clock ticks since boot; a reused pid has another */
  startTime: number;
  /** field 24: resident set size in pages */
  rssPages: number;
}

/** Reads /proc; injected so that finders and watchers are tested without real processes. */
export interface ProcReader {
  listPids(): number[];
  /** argv of the process, or undefined when it is gone */
  readCmdline(pid: number): string[] | undefined;
  readStat(pid: number): ProcStat | undefined;
  /** kill(pid, 0): true while the pid exists (a zombie too) */
  exists(pid: number): boolean;
}

/** Parses /proc/PID/stat; the command name in parentheses may itself hold spaces and ")". Pure. */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = text.slice(close + 2).trim().split(' ');
  // fields[0] is field 3 (state); field N is fields[N - 3]
  const state = fields[0];
  const startTime = Number(fields[22 - 3]);
  const rssPages = Number(fields[24 - 3]);
  if (state === undefined || !Number.isFinite(startTime)) return undefined;
  return { state, startTime, rssPages: Number.isFinite(rssPages) ? rssPages : 0 };
}

/** /proc of this machine. Reading /proc never touches a FUSE mount. */
export const systemProc: ProcReader = {
  listPids: () => readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number),
  readCmdline: (pid) => {
    try {
      const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (raw === '') return undefined; // kernel thread or exiting process
      return raw.replace(/\0$/, '').split('\0');
    } catch {
      return undefined;
    }
  },
  readStat: (pid) => {
    try {
      return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return undefined;
    }
  },
  exists: (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};
