// The core's partition and connection effects (issue 17), carried out through the injected levers
// (connection-levers.ts): what came of each is logged and, where the core waits for it, fed back.
import { DEFAULTS } from '../defaults.js';
import type { DaemonRef } from '../probes/daemon.js';
import type { MountSpec } from '../types.js';
import type { CoreInput, CoreSettings } from './core-types.js';
import type { SupervisorDeps } from './supervisor-types.js';

/** Hands one input back to the core (the supervisor's `feed`). */
export type Feed = (input: CoreInput) => void;

type LeverDeps = Pick<SupervisorDeps, 'connections' | 'logger'>;

/** The core's lever settings: the stuck-request bound with levers, the partition lever for GlusterFS only. */
export function leverSettings(spec: Pick<MountSpec, 'backend'>, deps: Pick<SupervisorDeps, 'connections' | 'stuckRequestMs' | 'partition'>): Pick<CoreSettings, 'stuckRequestMs' | 'partition'> {
  const settings: Pick<CoreSettings, 'stuckRequestMs' | 'partition'> = {};
  // the partition lever is for GlusterFS: a replica client fails over the moment its socket to
  // the vanished server is gone (MooseFS: one hand test changed nothing, see docs/partitions.md)
  if (deps.connections !== undefined) settings.stuckRequestMs = deps.stuckRequestMs ?? DEFAULTS.partition.stuckRequestMs;
  if (deps.connections !== undefined && spec.backend === 'glusterfs') settings.partition = { stallCheckMs: DEFAULTS.partition.stallCheckMs, abortMinIntervalMs: DEFAULTS.partition.abortMinIntervalMs, ...deps.partition };
  return settings;
}

/** fusectl abort of the dead daemon's connection; synchronous (kernel memory), before the remount that follows. */
export function abortFuseConnection(connection: string, deps: LeverDeps, spec: Pick<MountSpec, 'name'>, feed: Feed): void {
  const outcome = deps.connections?.abortFuseConnection(connection) ?? { kind: 'absent' as const };
  if (outcome.kind === 'failed') deps.logger.warn({ mount: spec.name, connection }, `cannot abort the FUSE connection of the dead daemon: ${outcome.error}`);
  else deps.logger.debug({ mount: spec.name, connection, outcome: outcome.kind }, 'FUSE connection of the dead daemon checked');
  feed({ kind: 'fuse-aborted', connection, waiting: outcome.kind === 'aborted' ? outcome.waiting : 0 });
}

/** Asks which servers the stalled daemon's connections go to and whether each answers; feeds the answer back (none when the check fails). */
export function checkDaemonServers(daemon: DaemonRef, probeId: number, deps: LeverDeps, spec: Pick<MountSpec, 'name'>, feed: Feed): Promise<void> {
  return (deps.connections?.checkDaemonServers(daemon) ?? Promise.resolve([]))
    .catch((error: unknown) => {
      deps.logger.warn({ mount: spec.name, err: error }, 'cannot check the FUSE daemon\'s servers');
      return [];
    })
    .then((servers) => {
      deps.logger.debug({ mount: spec.name, pid: daemon.pid, servers }, 'servers of the stalled FUSE daemon checked');
      feed({ kind: 'daemon-servers-checked', probeId, servers });
    });
}

/** Destroys the daemon's sockets to one vanished server and logs how many went; never rejects. */
export async function abortSockets(daemon: DaemonRef, ip: string, deps: LeverDeps, spec: Pick<MountSpec, 'name'>): Promise<void> {
  try {
    const result = (await deps.connections?.abortServerSockets(daemon, ip)) ?? { aborted: 0, errors: [] };
    const fields = { mount: spec.name, pid: daemon.pid, server: ip, sockets: result.aborted };
    if (result.errors.length > 0) deps.logger.warn({ ...fields, errors: result.errors }, `some sockets of FUSE daemon ${daemon.pid} to ${ip} could not be aborted`);
    else deps.logger.info(fields, `aborted ${result.aborted} socket(s) of FUSE daemon ${daemon.pid} to ${ip}`);
  } catch (error) {
    deps.logger.warn({ mount: spec.name, err: error, server: ip }, `cannot abort the sockets of FUSE daemon ${daemon.pid} to ${ip}`);
  }
}
