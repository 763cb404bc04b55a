/** What one probe of a mount found, before the supervisor weighs it against the history. */

/** How a probe's errno reads: the mount answers, answers but is impaired, or is broken. */
export type ErrnoClass = 'answers' | 'soft' | 'hard' | 'bad';

/**
 * The verdict of one probe run to its end (a probe that outlives its deadline has no result:
 * the supervisor calls that hung).
 * - ok: every step answered as expected
 * - soft: the mount answers but is impaired (ENOSPC, EROFS, EDQUOT): degraded after `fall`
 * - hard: the mount is broken in a way only a remount repairs (ENOTCONN, ESTALE, ENODEV)
 * - bad: an error that may be passing (EIO, EHOSTDOWN, token mismatch, unknown): failed after `fall`
 * - unsafe: the mountpoint is not on the mount's device (it vanished or was covered), so nothing was written
 * - tampered: the volume holds something the probe did not put there at its paths (a symlink,
 *   FIFO, device node, folder, or a folder swapped between the check and its use): an alert,
 *   never ok, and nothing was written. A remount would not repair it; a person must look.
 */
export type ProbeVerdict = 'ok' | 'soft' | 'hard' | 'bad' | 'unsafe' | 'tampered';

/** The result of one probe of one mount. */
export interface ProbeResult {
  verdict: ProbeVerdict;
  /** errno name when a step failed with one, e.g. "ENOTCONN" */
  errno?: string;
  /** one line for logs and alerts, e.g. "lookup: ENOTCONN", "write: ENOSPC" */
  detail: string;
  /** wall time of the whole probe */
  latencyMs: number;
  /** which step gave the verdict */
  step: ProbeStepName;
}

export type ProbeStepName = 'lookup' | 'mkdir' | 'write' | 'read' | 'none';

/** Everything a probe needs to know about the mount it probes. */
export interface ProbeTarget {
  mountpoint: string;
  /** "major:minor" of the mount, from mountinfo; files on the mount must have this device */
  device: string;
  /** run the write probe too, not only the lookup */
  write: boolean;
  /** client host name: the write probe's folder is `<mountpoint>/.ha-mount/<host>` */
  host: string;
  /** >0 after the probe file itself went bad (EIO, a token read back wrong): write a fresh file */
  fileGeneration?: number;
  /** `ha-mount check`: its own probe file, so that it never races the agent's probe of the same mount */
  forCheck?: boolean;
}

/** A probe in flight. `result` settles when the probe ends or is killed; `exited` when no child of it is left. */
export interface RunningProbe {
  result: Promise<ProbeResult>;
  exited: Promise<void>;
  /** SIGKILL the current child and start no further step */
  kill(): void;
}

/** Starts probes; the real one asks the probe helper (src/probes/probe-helper.ts), tests may inject fakes. */
export type ProbeRunner = (target: ProbeTarget) => RunningProbe;
