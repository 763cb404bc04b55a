/** Everything that can happen to a mount, as input of the pure decision function. */
export type HealthSignal =
  /**
   * a probe ran to its end; `verdict` already weighed (slow and brick-down are "soft");
   * `answered`: the probe itself answered well and only a side signal (a brick down) made it soft
   */
  | { kind: 'probe'; verdict: 'ok' | 'soft' | 'hard' | 'bad'; reason: string; latencyMs: number; daemonAlive: boolean; answered?: boolean }
  /** a probe outlived its deadline */
  | { kind: 'probe-timeout'; timeoutMs: number }
  | { kind: 'mount-absent' }
  /** another filesystem is mounted at the mountpoint */
  | { kind: 'mount-foreign'; reason: string }
  | { kind: 'daemon-died'; reason: string }
  /** `initial`: the first mount of a mount that was not mounted when the supervisor started */
  | { kind: 'remount-done'; server: string; initial: boolean }
  /** `serverAnswered` false: no server answered, so no attempt was made (no backoff) */
  | { kind: 'remount-failed'; reason: string; serverAnswered: boolean }
  /** a reachability check found a server while waiting for one */
  | { kind: 'server-answers'; server: string }
  /** the backoff delay after a failed remount is over */
  | { kind: 'retry-due' }
  /** the mount has been hung for the on-hang policy's time */
  | { kind: 'hang-deadline' }
  /** the FUSE connection has held a request at every sample for the stuck-request threshold */
  | { kind: 'stuck-request'; waitedMs: number };

/** What the supervisor runtime must do after a decision. */
export type RepairAction =
  /** lazily unmount, kill the old daemon, mount again (after a reachability check) */
  | { type: 'remount'; reason: string }
  /** check the servers every probe interval; report `server-answers` */
  | { type: 'wait-for-server' }
  /** report `retry-due` after `delayMs` */
  | { type: 'retry-after'; delayMs: number }
  /** report `hang-deadline` after `delayMs` */
  | { type: 'arm-hang-timer'; delayMs: number }
  /** stop waiting for a server, retrying or the hang timer: the mount recovered by itself */
  | { type: 'cancel-repair' };
