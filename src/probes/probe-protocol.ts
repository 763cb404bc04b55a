// The line protocol between the agent and its probe helper (src/probes/probe-script.ts). Pure.
//   agent -> helper: `p ID MODE MOUNT DEV HOST FILE TOKEN NONCE` (MODE l: lookup, w: write too;
//                    MOUNT, HOST, FILE and TOKEN in hex, so no byte of them can break a line)
//                    `b BATCH (ID MODE MOUNT DEV HOST FILE TOKEN NONCE)...` (one worker runs the
//                    probes one after the other; `s` and `x` come under BATCH, each `r` under its probe's ID)
//                    `k ID` (SIGKILL the worker running that probe or batch, while it does)
//                    `w ID PID START` (watch the process PID that started at START, field 22 of its stat)
//                    `u ID` (stop watching)
//   helper -> agent: `ID s PID` (the worker running it), `ID r VERDICT STEP ERRNO CODE WHERE [ARG]` (the
//                    worker's result; WHERE: root, lookup, folder, host or file), `ID x STATUS` (done: 0 when
//                    the worker finished the request and waits for the next, else its wait status once reaped)
//                    `ID d` (the watched process ended, or was not there), `ID n ERRNO` (it cannot be watched: no pidfd)
import { constants as fsConstants } from 'node:fs';
import { constants } from 'node:os';
import { classifyErrno } from './classify.js';
import type { ProbeResult, ProbeStepName } from './probe-types.js';

/** One probe the helper is asked to run. */
export interface ProbeRequest {
  write: boolean;
  mountpoint: string;
  /** "major:minor" of the mount, from mountinfo */
  device: string;
  /** the host folder's name below `<mountpoint>/.ha-mount/` */
  host: string;
  /** the probe file's name in the host folder */
  fileName: string;
  token: string;
  /** hex: the lookup name is `.ha-mount-lookup-<nonce>` */
  nonce: string;
}

/** What the probe's child reported. `errno` is a number of this system, 0 when none. */
export interface ChildReport {
  verdict: 'ok' | 'errno' | 'tampered' | 'unsafe' | 'bad';
  step: ProbeStepName;
  errno: number;
  code: string;
  /** which path the report is about */
  where: ProbePlace;
  arg?: string;
}

/** The paths of one probe, as the child names them. */
export type ProbePlace = 'root' | 'lookup' | 'folder' | 'host' | 'file';

/** One line from the helper. */
export type HelperLine =
  | { id: number; kind: 'started'; pid: number }
  | { id: number; kind: 'result'; report: ChildReport }
  | { id: number; kind: 'exit'; status: number }
  | { id: number; kind: 'ended' }
  | { id: number; kind: 'unwatchable'; errno: number };

const hex = (text: string): string => Buffer.from(text, 'utf8').toString('hex');

const requestFields = (request: ProbeRequest): string =>
  `${request.write ? 'w' : 'l'} ${hex(request.mountpoint)} ${request.device} ${hex(request.host)} ${hex(request.fileName)} ${hex(request.token)} ${request.nonce}`;

/** The request line for probe `id`. Pure. */
export function encodeProbeRequest(id: number, request: ProbeRequest): string {
  return `p ${id} ${requestFields(request)}\n`;
}

/** The request line for a batch of probes: one worker runs them in turn. Pure. */
export function encodeProbeBatch(batchId: number, probes: ReadonlyArray<{ id: number; request: ProbeRequest }>): string {
  return `b ${batchId} ${probes.map(({ id, request }) => `${id} ${requestFields(request)}`).join(' ')}\n`;
}

export function encodeKillRequest(id: number): string {
  return `k ${id}\n`;
}

/** Asks the helper to tell when process `pid` (started at `startTime`, in clock ticks) ends. Pure. */
export function encodeWatchRequest(id: number, pid: number, startTime: number): string {
  return `w ${id} ${pid} ${startTime}\n`;
}

export function encodeUnwatchRequest(id: number): string {
  return `u ${id}\n`;
}

const VERDICTS = new Set<ChildReport['verdict']>(['ok', 'errno', 'tampered', 'unsafe', 'bad']);
const STEPS = new Set<ProbeStepName>(['lookup', 'mkdir', 'write', 'read', 'none']);
const PLACES = new Set<ProbePlace>(['root', 'lookup', 'folder', 'host', 'file']);

/** Parses one line from the helper; undefined for anything else. Pure. */
export function parseHelperLine(line: string): HelperLine | undefined {
  const [idText, kind, ...rest] = line.split(' ');
  const id = Number(idText);
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  if (kind === 'd') return rest.length === 0 ? { id, kind: 'ended' } : undefined;
  if (kind === 'n') {
    const errno = Number(rest[0]);
    return rest.length === 1 && Number.isSafeInteger(errno) ? { id, kind: 'unwatchable', errno } : undefined;
  }
  if (kind === 's' || kind === 'x') {
    const value = Number(rest[0]);
    if (rest.length !== 1 || !Number.isSafeInteger(value)) return undefined;
    return kind === 's' ? { id, kind: 'started', pid: value } : { id, kind: 'exit', status: value };
  }
  if (kind !== 'r') return undefined;
  const [verdict, step, errnoText, code, where, arg] = rest;
  const errno = Number(errnoText);
  if (!VERDICTS.has(verdict as ChildReport['verdict']) || !STEPS.has(step as ProbeStepName) || !PLACES.has(where as ProbePlace)) return undefined;
  if (!Number.isSafeInteger(errno) || code === undefined || rest.length > 6) return undefined;
  const report: ChildReport = { verdict: verdict as ChildReport['verdict'], step: step as ProbeStepName, errno, code, where: where as ProbePlace };
  if (arg !== undefined) report.arg = arg;
  return { id, kind: 'result', report };
}

const ERRNO_NAMES = new Map<number, string>(Object.entries(constants.errno).map(([name, value]) => [value, name]));

/** The errno name of a number of this system ("ENOTCONN"), or "E<number>". Pure. */
export function errnoName(errno: number): string {
  return ERRNO_NAMES.get(errno) ?? `E${errno}`;
}

/** The errno numbers the helper needs to tell answers from errors, in its argument order. */
export function helperErrnoArgs(): string[] {
  const { ENOENT, EEXIST, ENOTDIR, ELOOP, EINTR, ESRCH } = constants.errno;
  return [ENOENT, EEXIST, ENOTDIR, ELOOP, EINTR, ESRCH].map(String);
}

/** The open(2) flags and file type bits the helper needs, in its argument order after the syscalls. */
export function helperFileConstantArgs(): string[] {
  const c = fsConstants;
  return [c.O_RDONLY, c.O_RDWR, c.O_CREAT, c.O_EXCL, c.O_NOFOLLOW, c.O_DIRECTORY, c.O_NONBLOCK, c.S_IFMT, c.S_IFDIR, c.S_IFREG, c.S_IFLNK, c.S_IFIFO, c.S_IFCHR, c.S_IFBLK, c.S_IFSOCK].map(String);
}

// fsync(2), exit_group(2) and pidfd_open(2) numbers: asm-generic architectures share theirs, and
// every architecture numbers the syscalls added since Linux 5.1 alike (pidfd_open is 434); others fall back
const SYSCALLS: Partial<Record<NodeJS.Architecture, [fsync: number, exitGroup: number, pidfdOpen: number]>> = {
  x64: [74, 231, 434],
  arm64: [82, 94, 434],
  riscv64: [82, 94, 434],
  loong64: [82, 94, 434],
  ia32: [118, 252, 434],
  arm: [118, 248, 434],
};

/** The helper's fsync, exit_group and pidfd_open syscall arguments for `arch` ("": Perl's own, and no daemon watch). Pure. */
export function syscallArgs(arch: NodeJS.Architecture): [fsync: string, exitGroup: string, pidfdOpen: string] {
  const numbers = SYSCALLS[arch];
  return numbers === undefined ? ['', '', ''] : [String(numbers[0]), String(numbers[1]), String(numbers[2])];
}

/** The full path of each place, for the texts. */
export type ProbeWhere = Record<ProbePlace, string>;

const KINDS: Record<string, string> = {
  symlink: 'a symlink',
  fifo: 'a FIFO',
  device: 'a device node',
  socket: 'a socket',
  folder: 'a folder',
  file: 'a regular file',
  other: 'not a regular file',
  swapped: 'swapped for something else between the check and its use',
  recreated: 'created by someone else between the unlink and the create',
};

/**
 * The probe result of a child's report: errnos classified as the probe always did; `tampered`
 * says what was found where, and that nothing was written. Pure.
 */
export function describeReport(report: ChildReport, where: ProbeWhere): Omit<ProbeResult, 'latencyMs'> {
  const path = where[report.where];
  switch (report.verdict) {
    case 'ok':
      return { verdict: 'ok', step: report.step, detail: report.step === 'lookup' ? 'lookup answered' : 'write, fsync and read back answered' };
    case 'errno': {
      const errno = errnoName(report.errno);
      const errnoClass = classifyErrno(errno);
      return { verdict: errnoClass === 'answers' ? 'bad' : errnoClass, errno, step: report.step, detail: `${report.step} ${path}: ${errno}` };
    }
    case 'unsafe':
      return { verdict: 'unsafe', step: report.step, detail: `${path} is on device ${report.arg ?? '?'}, not on the mount's: nothing written` };
    case 'bad':
      return { verdict: 'bad', step: report.step, detail: report.code === 'mismatch' ? `read ${path}: read back something else than was written` : `${report.step} ${path}: ${report.code}` };
    case 'tampered': {
      const what = report.code === 'other-device' ? `on device ${report.arg ?? '?'}, not on the mount's` : (KINDS[report.code] ?? report.code);
      return { verdict: 'tampered', step: report.step, detail: `someone is tampering with the volume: ${path} is ${what}; nothing was written` };
    }
  }
}
