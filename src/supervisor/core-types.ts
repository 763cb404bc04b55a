// The nouns of the pure core (src/supervisor/core.ts): everything a mount's supervisor knows,
// everything that can happen to it, and everything it can ask the runner to do.
import type { FailureReason } from '../metrics/failure-reason.js';
import type { DaemonRef, DaemonStatus } from '../probes/daemon.js';
import type { BrickStatus } from '../probes/gluster-log.js';
import type { ProbeResult } from '../probes/probe-types.js';
import type { MountSpec, MountState, ServerAddress } from '../types.js';
import type { StateChange } from './decide.js';
import type { MountHealth } from './health.js';
import type { LastProbe, RepairSettings } from './supervisor-types.js';

/** The probe in flight: at most one per mount, and none starts until its child has exited. */
export interface ProbeSlot {
  id: number;
  /** outlived its deadline: its late answer is ignored, and it still blocks the next probe */
  overdue: boolean;
  /** started before a remount: about the old mount, so its answer is ignored */
  stale: boolean;
}

/** All of one mount's state. Replaced, never mutated; only core.ts makes new ones. */
export interface MountCore {
  /** the history the health policy (decide.ts) weighs */
  health: MountHealth;
  /** false until the mount was adopted or mounted once: the first mount is no "remount" */
  mountedOnce: boolean;
  probe?: ProbeSlot;
  /** the id the next probe gets */
  nextProbeId: number;
  /** bumped when the probe file itself went bad (EIO, wrong token): the next write probe uses a fresh file */
  fileGeneration: number;
  lastProbe?: LastProbe;
  bricksDown: string[];
  /** the FUSE daemon of the mount, when known */
  daemon?: DaemonRef;
  /** "host:port" -> ms when it failed: tried last on the next mount for `recentFailureMs` (the rotation) */
  failedServers: Record<string, number>;
  /** why the mount last left healthy, as a metrics label: the reason a remount is counted under */
  cause: FailureReason;
  /** a remount is decided and waits (bounded) for the killed probe's child to exit */
  remountWaitsForProbe: boolean;
  stopped: boolean;
  /** the mount's device in mountinfo ("0:47"): its FUSE connection is fusectl's 47 */
  device?: string;
  /** the daemon was seen dead (gone, zombie, reused pid): its FUSE connection may still hold requests */
  daemonDead: boolean;
  /** the id of the stalled probe whose daemon's servers are being checked (one check at a time) */
  serverCheck?: number;
  /** server address -> ms of the last abort of the daemon's sockets to it (at most one per `abortMinIntervalMs`) */
  socketAborts: Record<string, number>;
  /** since when fusectl's `waiting` has been above 0 at every sample (undefined: 0 at the last one, or unknown) */
  waitingSince?: number;
}

/** The runner's timers, one of each per mount; setting one replaces it. */
export type TimerName = 'tick' | 'probe-deadline' | 'repair' | 'hang' | 'probe-exit' | 'stall';

/** Why the agent aborted a connection (a metrics label: a fixed set). */
export type AbortReason = 'server_unreachable' | 'daemon_dead';

/** One server the daemon is connected to, and whether it took a fresh TCP connection just now. */
export interface ServerAnswer {
  ip: string;
  answered: boolean;
}

/** What mountinfo shows at the mountpoint, as the core needs it. */
export type Presence =
  | { kind: 'mounted'; device: string; server?: string }
  | { kind: 'absent' }
  | { kind: 'foreign'; reason: string };

/** How a remount ended (src/supervisor/remount.ts). */
export type RemountEnd =
  | { kind: 'no-server'; reason: string }
  | { kind: 'foreign'; reason: string }
  /** `answered`: the server that took a connection but gave no mount ('' when unknown) */
  | { kind: 'failed'; reason: string; answered: string }
  | { kind: 'mounted'; server: string; daemon?: DaemonRef };

/** Everything that can happen to a mount, as the runner reports it. */
export type CoreInput =
  | { kind: 'start' }
  | { kind: 'stop' }
  | { kind: 'timer'; timer: TimerName }
  /** the answer to an `inspect-mount` effect */
  | { kind: 'inspected'; purpose: 'start' | 'probe'; presence: Presence }
  /** a probe ended; the side signals read at that moment come along */
  | { kind: 'probe-result'; id: number; result: ProbeResult; bricks: BrickStatus[]; daemonAlive: boolean; daemonRssBytes?: number }
  | { kind: 'probe-exited'; id: number }
  /** the answer to `find-daemon` */
  | { kind: 'daemon-found'; daemon?: DaemonRef }
  | { kind: 'daemon-died'; daemon: DaemonRef; status: Exclude<DaemonStatus, 'alive'> }
  /** the answer to `check-servers`: the first server that took a TCP connection, if any */
  | { kind: 'servers-checked'; answered?: string }
  | { kind: 'remount-ended'; result: RemountEnd }
  /** the answer to `check-daemon-servers` for the stalled probe `probeId` */
  | { kind: 'daemon-servers-checked'; probeId: number; servers: ServerAnswer[] }
  /** the answer to `abort-fuse-connection`: `waiting` requests were failed (0: the connection was idle or gone, nothing done) */
  | { kind: 'fuse-aborted'; connection: string; waiting: number }
  /** the answer to `read-fuse-waiting`: undefined when fusectl or the connection is not there */
  | { kind: 'fuse-waiting'; waiting: number | undefined };

/** What subscribers (transition handler, metrics) hear about a mount. */
export type MountEvent =
  | { kind: 'transition'; change: StateChange; server?: string }
  /** the state a supervisor starts in (the metrics' first value) */
  | { kind: 'state'; state: MountState }
  | { kind: 'probe'; latencyMs: number }
  /** undefined: no daemon (dead, or not known) */
  | { kind: 'daemon-rss'; bytes: number | undefined }
  | { kind: 'server'; server: string | undefined }
  /** a mount that was up failed */
  | { kind: 'failure'; cause: FailureReason }
  | { kind: 'remount'; cause: FailureReason }
  /** the agent aborted the daemon's sockets to a server, or the mount's FUSE connection */
  | { kind: 'abort'; target: 'server-sockets' | 'fuse-connection'; reason: AbortReason; detail: string };

/** What the runner carries out. Effects that ask a question are answered by the input of the same name. */
export type CoreEffect =
  | { type: 'inspect-mount'; purpose: 'start' | 'probe' }
  | { type: 'start-probe'; id: number; device: string; fileGeneration: number }
  | { type: 'kill-probe'; id: number }
  | { type: 'find-daemon' }
  | { type: 'watch-daemon'; daemon: DaemonRef }
  | { type: 'unwatch-daemon' }
  | { type: 'set-timer'; timer: TimerName; delayMs: number }
  | { type: 'cancel-timer'; timer: TimerName }
  | { type: 'check-servers' }
  /** lazy unmount, end `daemon` and leftovers, mount again with `avoid` tried last */
  | { type: 'remount'; avoid: ServerAddress[]; daemon?: DaemonRef }
  | { type: 'run-post-remount' }
  | { type: 'emit'; event: MountEvent }
  /** fail the requests the (dead) daemon's FUSE connection still holds: write fusectl's `abort` when `waiting` > 0 */
  | { type: 'abort-fuse-connection'; connection: string }
  /** read fusectl's `waiting` of the mount's connection (kernel memory, never the mount) */
  | { type: 'read-fuse-waiting'; connection: string }
  /** which servers `daemon` is connected to, and does each take a TCP connection now (bounded) */
  | { type: 'check-daemon-servers'; probeId: number; daemon: DaemonRef }
  /** destroy `daemon`'s TCP sockets to server `ip` (ss -K in the daemon's network namespace) */
  | { type: 'abort-sockets'; daemon: DaemonRef; ip: string }
  /** the loop ran: feeds the watchdog */
  | { type: 'heartbeat' };

/** The settings a core decides with: the spec's probe and hang policy, the remount numbers. */
export interface CoreSettings {
  spec: Pick<MountSpec, 'probe' | 'onHang'>;
  repair: RepairSettings;
  /** probe cadence right after a (re)mount, until healthy */
  settleIntervalMs: number;
  /** the partition lever (GlusterFS): off when undefined */
  partition?: PartitionSettings;
  /** a request waiting this long on the FUSE connection while probes pass is reported degraded; off when undefined */
  stuckRequestMs?: number;
}

/** When a stalled mount's daemon's sockets to a vanished server are aborted (DEFAULTS.partition). */
export interface PartitionSettings {
  /** a probe out this long makes the agent check the daemon's servers */
  stallCheckMs: number;
  /** at most one abort per server in this long */
  abortMinIntervalMs: number;
}

/** The outside values of one step: the time and a random draw (backoff jitter), so the step stays pure. */
export interface StepEnv {
  now: number;
  /** in [0, 1) */
  random: number;
}

/** The next state and what to do. */
export interface Step {
  core: MountCore;
  effects: CoreEffect[];
}
