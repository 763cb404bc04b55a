import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';

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
  /**
   * Keeps /proc/PID/stat open for a watcher that reads it often: one pread a read instead of
   * open, read and close. The fd names that process only: once it is reaped (even if its pid is
   * reused) a read answers undefined. Undefined when the pid is already gone. Optional: without
   * it, watchers use `exists` and `readStat`.
   */
  keepStat?(pid: number): KeptStat | undefined;
}

/** An open /proc/PID/stat (see ProcReader.keepStat). */
export interface KeptStat {
  /** the process's stat now, or undefined once it is gone (reaped) */
  read(): ProcStat | undefined;
  close(): void;
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

const SPACE = 0x20;
const CLOSE_PAREN = 0x29;

/** parseProcStat on bytes, without building strings: the daemon watch reads stat 10 times a second per mount. Pure. */
export function parseProcStatBytes(bytes: Uint8Array, length: number): ProcStat | undefined {
  let close = length - 1;
  while (close >= 0 && bytes[close] !== CLOSE_PAREN) close -= 1;
  if (close < 0 || close + 2 >= length) return undefined;
  const state = String.fromCharCode(bytes[close + 2] ?? SPACE);
  let field = 3;
  let startTime = Number.NaN;
  let rssPages = Number.NaN;
  for (let index = close + 3; index < length && field < 24; index += 1) {
    if (bytes[index] !== SPACE) continue;
    field += 1;
    if (field !== 22 && field !== 24) continue;
    let value = 0;
    let digits = 0;
    for (let at = index + 1; at < length && (bytes[at] ?? 0) >= 0x30 && (bytes[at] ?? 0) <= 0x39; at += 1, digits += 1) value = value * 10 + ((bytes[at] ?? 0x30) - 0x30);
    if (field === 22) startTime = digits > 0 ? value : Number.NaN;
    else rssPages = digits > 0 ? value : Number.NaN;
  }
  if (state === ' ' || !Number.isFinite(startTime)) return undefined;
  return { state, startTime, rssPages: Number.isFinite(rssPages) ? rssPages : 0 };
}

let statBuffer: Buffer | undefined; // reads are synchronous: one buffer serves every kept stat

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
  keepStat: (pid) => {
    let fd: number | undefined;
    try {
      fd = openSync(`/proc/${pid}/stat`, 'r');
    } catch {
      return undefined;
    }
    return {
      read: () => {
        if (fd === undefined) return undefined;
        const buffer = (statBuffer ??= Buffer.allocUnsafe(1024));
        try {
          return parseProcStatBytes(buffer, readSync(fd, buffer, 0, buffer.length, 0));
        } catch {
          return undefined; // ESRCH: reaped
        }
      },
      close: () => {
        if (fd !== undefined) closeSync(fd);
        fd = undefined;
      },
    };
  },
};
