import type { Backend } from '../backends/backend.js';
import type { Logger } from '../log/logger.js';
import type { MountOutcome } from '../mount/mounter-api.js';
import type { MountInfoEntry } from '../mount/mountinfo.js';
import type { DaemonRef } from '../probes/daemon.js';
import type { BrickStatus } from '../probes/gluster-log.js';
import type { ProcessEndWatch } from '../probes/probe-helper.js';
import type { ProcReader } from '../probes/proc.js';
import type { ProbeRunner, ProbeVerdict } from '../probes/probe-types.js';
import type { Resolution } from '../resolve/resolve-servers.js';
import type { Command, MountSpec, MountState, ServerAddress, TransitionEvent } from '../types.js';
import type { Clock } from '../clock.js';
import type { ConnectionLevers } from './connection-levers.js';
import type { MountEvent, PartitionSettings } from './core-types.js';

/** Mounting and unmounting, as the core mount path does them (src/mount/mounter.ts). */
export interface MountOperations {
  /** mounts `spec` through the servers `resolution` found (made with `avoid` tried last); rejects when no server gave a mount */
  mount(spec: MountSpec, options: { avoid: ServerAddress[]; resolution: Resolution }): Promise<MountOutcome>;
  /** lazy: detach at once without touching the (dead or hung) filesystem */
  unmount(mountpoint: string, options: { lazy: boolean }): Promise<void>;
}

/** The GlusterFS client log (or nothing, for other backends): bricks currently down. */
export interface BrickSource {
  poll(): BrickStatus[] | Promise<BrickStatus[]>;
  /** releases what it keeps open (the log's fd); called when the supervisor stops */
  close?(): void;
}

/** Everything a supervisor touches, injected: tests run it on a fake clock with fake probes. */
export interface SupervisorDeps {
  clock: Clock;
  /** in [0, 1): backoff jitter */
  random(): number;
  /** this client's host name: transition events and the write probe's folder */
  host: string;
  backend: Backend;
  probe: ProbeRunner;
  /** /proc/self/mountinfo, parsed */
  readMounts(): MountInfoEntry[];
  proc: ProcReader;
  /** tells when the FUSE daemon ends without polling (the probe helper's pidfd); without it the daemon is polled */
  processEnds?: ProcessEndWatch;
  mounts: MountOperations;
  /** ends a FUSE daemon left behind by a lazy unmount (re-checks that the pid is still it); `immediate`: SIGKILL at once */
  killDaemon(daemon: DaemonRef, mountpoint: string, options?: { immediate?: boolean }): Promise<unknown>;
  /** the one reachability check (src/resolve/): DNS and bounded TCP connects, `avoid` tried last; never rejects */
  resolveServers(spec: MountSpec, avoid: readonly ServerAddress[]): Promise<Resolution>;
  /** runs the mount's `post-remount` command; failures are logged, never fatal */
  runPostRemount?(command: Command): Promise<void>;
  /** the brick state source for this mount (GlusterFS client log), if any */
  openBrickSource?(spec: MountSpec): BrickSource | undefined;
  /** every state change; `seq` increases process-wide */
  onTransition(event: TransitionEvent): void;
  /** called whenever the supervisor's loop runs (watchdog heartbeat): never from a call that can hang */
  onProgress?(name: string): void;
  /** every event of the mount (transitions, probes, remounts...): the metrics' one subscriber */
  onEvent?(mount: string, event: MountEvent): void;
  logger: Logger;
  /** default: the process-wide counter of src/supervisor/sequence.ts */
  nextSeq?(): number;
  /** default: DEFAULTS.repair */
  repair?: Partial<RepairSettings>;
  /** probe cadence right after a (re)mount, until healthy; default DEFAULTS.probe.settleIntervalMs */
  settleIntervalMs?: number;
  /** probe ticks land on a shared grid of this many ms (see tick-grid.ts); default: not aligned */
  tickGridMs?: number;
  /** the clock of the probe ticks (see createGridClock: the ticks of one grid point in one callback); default `clock` */
  tickClock?: Clock;
  /** fusectl and socket aborts (issue 17); without them the agent never aborts a connection */
  connections?: ConnectionLevers;
  /** default: DEFAULTS.partition */
  partition?: Partial<PartitionSettings>;
  /** default: DEFAULTS.partition.stuckRequestMs */
  stuckRequestMs?: number;
}

/** Remount policy numbers (DEFAULTS.repair). */
export interface RepairSettings {
  backoffBaseMs: number;
  backoffCapMs: number;
  backoffJitter: number;
  holdDownMs: number;
  recentFailureMs: number;
  probeExitWaitMs: number;
}

/** The last probe of a mount, as status shows it. */
export interface LastProbe {
  at: number;
  latencyMs: number;
  verdict: ProbeVerdict | 'timeout';
  detail: string;
}

/** One mount's status: what `ha-mount status` and status.json show. */
export interface MountStatus {
  name: string;
  mountpoint: string;
  backend: string;
  state: MountState;
  /** ms since the epoch */
  since: number;
  reason: string;
  server?: string;
  lastProbe?: LastProbe;
  remounts: number;
  daemonPid?: number;
  bricksDown?: string[];
}
