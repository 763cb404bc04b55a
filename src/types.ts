/** Core nouns shared by every concern. Pure data: no behaviour lives here. */

export type BackendName = 'glusterfs' | 'moosefs' | 'lizardfs';

/** A validated server address (hostname or IP literal) with an optional port. */
export interface ServerAddress {
  host: string;
  port?: number;
}

/** Probe settings after defaults are applied; durations in milliseconds. */
export interface ProbeSettings {
  /** time between the starts of two probes */
  intervalMs: number;
  /** hard deadline of one probe; a probe that outlives it marks the mount hung */
  timeoutMs: number;
  /** consecutive bad probes before a soft signal (slow, degraded) changes the state */
  fall: number;
  /** consecutive good probes before a mount is healthy again */
  rise: number;
  /** a probe slower than this counts as slow (degraded) */
  slowMs: number;
  /** run the write probe (write, fsync, read back) and not only the lookup probe */
  write: boolean;
}

/** What to do about a hung mount. `remountAfterMs` unset: alert only (the default). */
export interface HangPolicy {
  remountAfterMs?: number;
}

/** One mount as the config file, fstab or the command line describe it, fully validated. */
export interface MountSpec {
  /** name from the config file, or derived from the source spec */
  name: string;
  backend: BackendName;
  /** first = preferred (typically the VIP); the rest are backups */
  servers: ServerAddress[];
  /** GlusterFS volume name, or "" for MooseFS/LizardFS */
  volume: string;
  /** subfolder inside the volume (GlusterFS) or the master's subfolder (MooseFS/LizardFS), starting with "/" or "" */
  subdir: string;
  /** absolute path */
  mountpoint: string;
  /** backend options, validated `key` or `key=value` tokens */
  options: string[];
  probe: ProbeSettings;
  onHang: HangPolicy;
  /** optional command run after a remount, as an argument array */
  postRemount?: string[];
}

/** A command to run as an argument array: never through a shell. */
export interface Command {
  file: string;
  args: string[];
}

export type MountState = 'starting' | 'healthy' | 'degraded' | 'hung' | 'failed' | 'recovering';

/** One state change of one mount, as notifications, logs and metrics see it. */
export interface TransitionEvent {
  /** increases by one for every transition of the process, so receivers can keep order */
  seq: number;
  /** ms since the epoch */
  at: number;
  host: string;
  mount: string;
  mountpoint: string;
  from: MountState;
  to: MountState;
  /** why, e.g. "ENOTCONN", "hung 5 s", "brick rep_vol1-client-1 disconnected" */
  reason: string;
  /** server in use, e.g. "10.0.0.10:24007" */
  server?: string;
  /** what was done, e.g. "remounted via data-node-02" */
  action?: string;
  /** on recovery: how long the outage lasted */
  outageMs?: number;
}
