import { mkdirSync } from 'node:fs';
import { runCommand } from '../exec/run.js';
import { LAB_DEFAULTS } from './lab-defaults.js';
import { describeFailure, labError } from './lab-error.js';
import type { Lab } from './lab-types.js';

/** What one file operation through a lab mount gave, as a user's shell would see it. */
export interface ClientIoResult {
  ok: boolean;
  /** errno name parsed from the tool's message, "TIMEOUT" when it outlived its deadline */
  code?: string;
  output: string;
  durationMs: number;
}

/** strerror texts of the errors mounts produce -> errno names. */
const ERRNO_TEXTS: Array<[RegExp, string]> = [
  [/Transport endpoint is not connected/, 'ENOTCONN'],
  [/No space left on device/, 'ENOSPC'],
  [/Read-only file system/, 'EROFS'],
  [/Input\/output error/, 'EIO'],
  [/No such file or directory/, 'ENOENT'],
  [/Permission denied/, 'EACCES'],
  [/Stale file handle/, 'ESTALE'],
  [/Disk quota exceeded/, 'EDQUOT'],
  [/Connection timed out/, 'ETIMEDOUT'],
  [/Operation not permitted/, 'EPERM'],
];

/** The errno name in a coreutils error message, or undefined. Pure. */
export function parseErrnoText(message: string): string | undefined {
  return ERRNO_TEXTS.find(([pattern]) => pattern.test(message))?.[1];
}

async function runClientIo(lab: Lab, file: string, args: string[], timeoutMs: number, input?: string): Promise<ClientIoResult> {
  const result = await runCommand(lab.clientCommand({ file, args }), { timeoutMs, ...(input === undefined ? {} : { input }) });
  if (result.timedOut) return { ok: false, code: 'TIMEOUT', output: result.stderr, durationMs: result.durationMs };
  if (result.exitCode === 0) return { ok: true, output: result.stdout, durationMs: result.durationMs };
  const code = parseErrnoText(result.stderr) ?? `EXIT_${result.exitCode ?? result.signal}`;
  return { ok: false, code, output: result.stderr, durationMs: result.durationMs };
}

/** Writes `text` to `path` from the client host and fsyncs it (ENOSPC of a cached write shows at fsync). */
export function writeThroughClient(lab: Lab, path: string, text: string, timeoutMs = 30_000): Promise<ClientIoResult> {
  return runClientIo(lab, 'dd', ['of=' + path, 'bs=64k', 'conv=fsync', 'status=none'], timeoutMs, text);
}

/** Reads `path` from the client host. */
export function readThroughClient(lab: Lab, path: string, timeoutMs = 30_000): Promise<ClientIoResult> {
  return runClientIo(lab, 'cat', [path], timeoutMs);
}

/** stat(1) of `path` from the client host: the cheapest "is this mount alive" question. */
export function statThroughClient(lab: Lab, path: string, timeoutMs = 10_000): Promise<ClientIoResult> {
  return runClientIo(lab, 'stat', ['-c', '%s', path], timeoutMs);
}

/** Mounts the lab's GlusterFS volume through its VIP on the client, with plain `mount -t glusterfs`. */
export async function mountGluster(lab: Lab, mountpoint: string, options: string[] = []): Promise<void> {
  if (!lab.gluster) throw labError('ha-mount.lab.fault', 'this lab runs without GlusterFS: start it with { gluster: true }');
  mkdirSync(mountpoint, { recursive: true });
  const args = ['-t', 'glusterfs', `${lab.gluster.vip}:/${lab.gluster.volume}`, mountpoint, ...(options.length > 0 ? ['-o', options.join(',')] : [])];
  const result = await runCommand(lab.clientCommand({ file: 'mount', args }), { timeoutMs: LAB_DEFAULTS.commandTimeoutMs });
  if (result.exitCode !== 0) throw labError('ha-mount.lab.command', `mount -t glusterfs ${args.slice(2).join(' ')} on the lab client failed: ${describeFailure(result)}`);
}

/** Mounts the lab's MooseFS through its VIP on the client with `mfsmount`. */
export async function mountMoose(lab: Lab, mountpoint: string, options: string[] = []): Promise<void> {
  if (!lab.moosefs) throw labError('ha-mount.lab.fault', 'this lab runs without MooseFS: start it with { moosefs: true }');
  mkdirSync(mountpoint, { recursive: true });
  const args = [mountpoint, '-H', lab.moosefs.vip, ...(options.length > 0 ? ['-o', options.join(',')] : [])];
  const result = await runCommand(lab.clientCommand({ file: 'mfsmount', args }), { timeoutMs: LAB_DEFAULTS.commandTimeoutMs });
  if (result.exitCode !== 0) throw labError('ha-mount.lab.command', `mfsmount ${args.join(' ')} on the lab client failed: ${describeFailure(result)}`);
}

/** Lazy unmount: returns at once even when the mount is dead. */
export async function unmountLazily(mountpoint: string): Promise<void> {
  const result = await runCommand({ file: 'umount', args: ['-l', mountpoint] }, { timeoutMs: LAB_DEFAULTS.commandTimeoutMs });
  if (result.exitCode !== 0) throw labError('ha-mount.lab.command', `umount -l ${mountpoint} failed: ${describeFailure(result)}`);
}
