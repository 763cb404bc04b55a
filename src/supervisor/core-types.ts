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
}

/** The runner's timers, one of each per mount; setting one replaces it. */
export type TimerName = 'tick' | 'probe-deadline' | 'repair' | 'hang' | 'probe-exit';

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
  | { kind: 'remount-ended'; result: RemountEnd };

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
  | { kind: 'remount'; cause: FailureReason };

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
  /** the loop ran: feeds the watchdog */
  | { type: 'heartbeat' };

/** The settings a core decides with: the spec's probe and hang policy, the remount numbers. */
export interface CoreSettings {
  spec: Pick<MountSpec, 'probe' | 'onHang'>;
  repair: RepairSettings;
  /** probe cadence right after a (re)mount, until healthy */
  settleIntervalMs: number;
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
