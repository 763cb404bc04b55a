import type { MountOutcome } from '../mount/mounter-api.js';
import { findDaemon, findDaemons, type DaemonRef } from '../probes/daemon.js';
import { describeFirstAnswer } from '../resolve/first-answer.js';
import type { MountSpec, ServerAddress } from '../types.js';
import type { RemountEnd } from './core-types.js';
import { presenceOf } from './presence.js';
import { formatServerAddress } from './server-text.js';
import type { SupervisorDeps } from './supervisor-types.js';

/** What a remount needs: the spec, the edges, the daemon being replaced, the servers to try last. */
export interface RemountRequest {
  spec: MountSpec;
  deps: Pick<SupervisorDeps, 'resolveServers' | 'mounts' | 'killDaemon' | 'backend' | 'proc' | 'logger' | 'readMounts'>;
  /** the FUSE daemon of the mount being replaced, if known */
  oldDaemon: DaemonRef | undefined;
  avoid: ServerAddress[];
  /** true once the supervisor was stopped: give up between steps */
  isStopped(): boolean;
}

/** How a remount ended: the core's RemountEnd, or `stopped` (the supervisor stopped meanwhile). */
export type RemountResult = RemountEnd | { kind: 'stopped' };

/**
 * One remount: one reachability check first (a dead mount stays in place while no server answers:
 * ENOTCONN is better than users writing into the local folder under it), then lazy unmount, end the
 * daemons left behind, mount through the servers that check found (the servers that failed just now
 * tried last), end strays of failed attempts.
 */
export async function performRemount(request: RemountRequest): Promise<RemountResult> {
  const { spec, deps } = request;
  const resolution = await deps.resolveServers(spec, request.avoid);
  if (request.isStopped()) return { kind: 'stopped' };
  const check = describeFirstAnswer(resolution);
  if (check.answered === undefined) return { kind: 'no-server', reason: check.reason };
  const presence = presenceOf(deps.readMounts(), spec, deps.backend);
  if (presence.kind === 'foreign') return presence;
  if (presence.kind === 'mounted') {
    await deps.mounts.unmount(spec.mountpoint, { lazy: true }).catch((error: unknown) => {
      deps.logger.warn({ mount: spec.name, err: error }, 'lazy unmount failed; mounting anyway');
    });
    deps.logger.debug({ mount: spec.name }, 'remount: old mount detached');
  }
  await killLeftoverDaemons(request);
  if (request.isStopped()) return { kind: 'stopped' };
  deps.logger.debug({ mount: spec.name, avoid: request.avoid.map(formatServerAddress) }, 'remount: mounting');
  let outcome: MountOutcome;
  try {
    outcome = await deps.mounts.mount(spec, { avoid: request.avoid, resolution });
  } catch (error) {
    deps.logger.warn({ mount: spec.name, err: error, avoid: request.avoid.map(formatServerAddress) }, `remount attempt of ${spec.mountpoint} failed`);
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
    return { kind: 'failed', reason, answered: check.answered };
  }
  const server = formatServerAddress(outcome.server);
  deps.logger.info(
    { mount: spec.name, server, mountMs: Math.round(outcome.durationMs), failedAttempts: outcome.failedAttempts, avoid: request.avoid.map(formatServerAddress), firstAnswer: check.answered },
    `mounted ${spec.mountpoint} via ${server}`,
  );
  const daemon = findDaemon(spec.mountpoint, deps.backend, deps.proc);
  if (daemon !== undefined) await killStrayDaemons(request, daemon);
  return { kind: 'mounted', server, ...(daemon === undefined ? {} : { daemon }) };
}

/** After the lazy unmount, every daemon still serving the mountpoint is an orphan: end each one. */
async function killLeftoverDaemons(request: RemountRequest): Promise<void> {
  const { spec, deps } = request;
  const seen = new Set<number>();
  const candidates: DaemonRef[] = request.oldDaemon === undefined ? [] : [request.oldDaemon];
  for (;;) {
    const next = candidates.shift() ?? findDaemon(spec.mountpoint, deps.backend, deps.proc);
    if (next === undefined || seen.has(next.pid)) return;
    seen.add(next.pid);
    const outcome = await deps.killDaemon(next, spec.mountpoint);
    deps.logger.info({ mount: spec.name, pid: next.pid, outcome }, 'old FUSE daemon ended');
  }
}

/**
 * After a mount, only the new daemon may serve the mountpoint: a failed attempt can leave a
 * client behind (mount.glusterfs may give up on an attempt whose daemon still starts).
 */
async function killStrayDaemons(request: RemountRequest, keep: DaemonRef): Promise<void> {
  const { spec, deps } = request;
  for (const stray of findDaemons(spec.mountpoint, deps.backend, deps.proc)) {
    if (stray.pid === keep.pid) continue;
    const outcome = await deps.killDaemon(stray, spec.mountpoint, { immediate: true });
    deps.logger.warn({ mount: spec.name, pid: stray.pid, outcome }, 'stray FUSE daemon of a failed mount attempt ended');
  }
}

/** performRemount that never rejects: an unexpected error is a failed attempt. */
export async function runRemount(request: RemountRequest): Promise<RemountResult> {
  try {
    return await performRemount(request);
  } catch (error) {
    request.deps.logger.error({ mount: request.spec.name, err: error }, 'remount failed unexpectedly');
    return { kind: 'failed', reason: String(error), answered: '' };
  }
}

/** Runs the mount's `post-remount` command; a failure is logged, never fatal. */
export async function runPostRemount(spec: MountSpec, deps: Pick<SupervisorDeps, 'runPostRemount' | 'logger'>): Promise<void> {
  const [file, ...args] = spec.postRemount ?? [];
  if (file === undefined || deps.runPostRemount === undefined) return;
  try {
    await deps.runPostRemount({ file, args });
  } catch (error) {
    deps.logger.warn({ mount: spec.name, err: error }, 'post-remount command failed');
  }
}
