import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { parseProcNetTcp } from '../probes/sockets.js';

/** Start time (clock ticks after boot) from the text of /proc/PID/stat; comm may hold spaces and parens. Pure. */
export function parseStatStartTime(text: string): number | undefined {
  const fields = parseStatFields(text);
  // after "pid (comm)", field 3 (state) is index 0, so field 22 (starttime) is index 19
  const value = fields?.[19];
  return value === undefined ? undefined : Number(value);
}

/** Process state letter (R, S, D, Z...) from the text of /proc/PID/stat. Pure. */
export function parseStatState(text: string): string | undefined {
  return parseStatFields(text)?.[0];
}

function parseStatFields(text: string): string[] | undefined {
  const end = text.lastIndexOf(')');
  if (end < 0) return undefined;
  return text.slice(end + 2).trim().split(/\s+/);
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function readStartTime(pid: number): number | undefined {
  const text = readText(`/proc/${pid}/stat`);
  return text === undefined ? undefined : parseStatStartTime(text);
}

/** Alive means: exists, is not a zombie and, when given, started at `startTime` (not a reused pid). */
export function isProcessAlive(pid: number, startTime?: number): boolean {
  const text = readText(`/proc/${pid}/stat`);
  if (text === undefined) return false;
  if (parseStatState(text) === 'Z') return false;
  return startTime === undefined || parseStatStartTime(text) === startTime;
}

export function readBootId(): string {
  return (readText('/proc/sys/kernel/random/boot_id') ?? '').trim();
}

/** Inode of a namespace file (/run/netns/NAME or a bind-mounted mount namespace); undefined when absent. */
export function readNamespaceInode(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}

/** Inode of the namespace a process is in, from the "net:[4026532177]" link. */
export function readProcessNamespace(pid: number, kind: 'net' | 'mnt'): number | undefined {
  try {
    const match = /\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/${kind}`));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function listPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Every live process whose network or mount namespace is one of the given inodes. */
export function findProcessesInNamespaces(
  netInodes: ReadonlySet<number>,
  mntInodes: ReadonlySet<number> = new Set(),
): Array<{ pid: number; startTime: number }> {
  if (netInodes.size === 0 && mntInodes.size === 0) return [];
  const found: Array<{ pid: number; startTime: number }> = [];
  for (const pid of listPids()) {
    if (pid === process.pid) continue;
    const net = netInodes.size > 0 ? readProcessNamespace(pid, 'net') : undefined;
    const mnt = mntInodes.size > 0 ? readProcessNamespace(pid, 'mnt') : undefined;
    const inside = (net !== undefined && netInodes.has(net)) || (mnt !== undefined && mntInodes.has(mnt));
    const startTime = inside && isProcessAlive(pid) ? readStartTime(pid) : undefined;
    if (startTime !== undefined) found.push({ pid, startTime });
  }
  return found;
}

export function readCmdline(pid: number): string[] {
  const text = readText(`/proc/${pid}/cmdline`);
  if (!text) return [];
  return text.split('\0').filter((arg, index, all) => arg !== '' || index < all.length - 1);
}

export function readComm(pid: number): string {
  return (readText(`/proc/${pid}/comm`) ?? '').trim();
}

/** One socket of /proc/PID/net/tcp. */
export interface TcpSocket {
  localIp: string;
  localPort: number;
  remoteIp: string;
  remotePort: number;
  /** "LISTEN", "ESTABLISHED" or the kernel's hex code for the others */
  state: string;
}

const TCP_STATES: Record<number, string> = { 1: 'ESTABLISHED', 2: 'SYN_SENT', 10: 'LISTEN' };

/** Parses /proc/PID/net/tcp (the agent's parser, src/probes/sockets.ts, with the states named). Pure. */
export function parseTcpTable(text: string): TcpSocket[] {
  return parseProcNetTcp(text).map((socket) => ({
    localIp: socket.localIp,
    localPort: socket.localPort,
    remoteIp: socket.remoteIp,
    remotePort: socket.remotePort,
    state: TCP_STATES[socket.state] ?? socket.state.toString(16).toUpperCase().padStart(2, '0'),
  }));
}

/** The TCP sockets of the network namespace `pid` lives in; empty when the process is gone. */
export function readTcpSockets(pid: number): TcpSocket[] {
  const text = readText(`/proc/${pid}/net/tcp`);
  return text === undefined ? [] : parseTcpTable(text);
}

/** SIGKILLs the pids that are still the processes recorded (start time), then waits until they are gone. */
export async function killProcesses(
  targets: ReadonlyArray<{ pid: number; startTime?: number }>,
  timeoutMs: number,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<number[]> {
  const alive = targets.filter((target) => isProcessAlive(target.pid, target.startTime));
  for (const target of alive) {
    try {
      process.kill(target.pid, signal);
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + timeoutMs;
  let remaining = alive;
  while (remaining.length > 0 && Date.now() < deadline) {
    await sleep(20);
    remaining = remaining.filter((target) => isProcessAlive(target.pid, target.startTime));
  }
  return remaining.map((target) => target.pid);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resident set size in KiB, or undefined when the process is gone. */
export function readRssKb(pid: number): number | undefined {
  const match = /^VmRSS:\s+(\d+)/m.exec(readText(`/proc/${pid}/status`) ?? '');
  return match ? Number(match[1]) : undefined;
}

/** CPU seconds of a process: its own (utime+stime) and its waited-for children's (cutime+cstime). */
export function readCpuSeconds(pid: number): { self: number; children: number } | undefined {
  const fields = parseStatFields(readText(`/proc/${pid}/stat`) ?? '');
  if (fields === undefined) return undefined;
  // field 3 (state) is index 0, so utime (14), stime, cutime, cstime are indexes 11-14; 100 ticks a second
  const seconds = (index: number): number => Number(fields[index]) / 100;
  return { self: seconds(11) + seconds(12), children: seconds(13) + seconds(14) };
}

/** Open file descriptors of a process. */
export function countOpenFiles(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}
