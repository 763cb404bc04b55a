import type { MountInfoEntry } from '../mount/mountinfo.js';
import type { BackendName, Command, MountSpec, ServerAddress } from '../types.js';

/** The server a mount is made through and the ones passed to the client as backups. */
export interface ServerChoice {
  chosen: ServerAddress;
  /** never contains `chosen` */
  backups: ServerAddress[];
}

/** Facts about the machine a backend needs to build its command (injected for tests). */
export interface BackendEnvironment {
  /** `mfsmount --version` first line, or undefined when no mfsmount is installed */
  mfsmountVersion?: string;
  /** building a command only to show it (--dry-run, mount.ha -f): client checks do not refuse */
  dryRun?: boolean;
}

/** What a backend reads in a failed mount command's output. */
export interface FailureHint {
  hint: string;
  /** the server answered but refuses clients in its current role (a shadow master) */
  refusesClients: boolean;
}

/** An option a backend cannot take, and why. */
export interface OptionProblem {
  option: string;
  reason: string;
  /** the backend does not know the option at all (mount.ha -s drops these instead of failing) */
  unknown: boolean;
}

/**
 * One distributed filesystem's client side. One file per backend implements this; everything
 * here is pure except where noted, so argv building is tested without exec.
 */
export interface Backend {
  readonly name: BackendName;
  /** port a client connects to when the spec names none */
  readonly defaultPort: number;
  /** argv that mounts `spec` through `choice` */
  buildMountCommand(spec: MountSpec, choice: ServerChoice, env: BackendEnvironment): Command;
  /** argv that unmounts; lazy detaches a dead or hung mount without touching it */
  buildUnmountCommand(mountpoint: string, options: { lazy: boolean }): Command;
  /** true when a mountinfo entry is this backend's mount (by fstype and source) */
  recognizes(entry: MountInfoEntry): boolean;
  /** the server the mount was made through, read from its mountinfo source, if it says */
  serverOf(entry: MountInfoEntry): string | undefined;
  /** true when the command line (argv from /proc/PID/cmdline) is this backend's FUSE daemon for `mountpoint` */
  isDaemonFor(argv: readonly string[], mountpoint: string): boolean;
  /** problems with backend options (`key`/`key=value` tokens already syntax-checked); [] when all are fine */
  checkOptions?(options: readonly string[]): OptionProblem[];
  /** true when a recognised mountinfo entry is the volume `spec` asks for (when the source says) */
  sameVolume?(entry: MountInfoEntry, spec: MountSpec): boolean;
  /** why a recognised entry is not `spec`'s mount ("it is the meta filesystem..."), undefined when it is */
  explainMismatch?(entry: MountInfoEntry, spec: MountSpec): string | undefined;
  /** a hint for a failed mount command's output (e.g. a shadow master refusing clients), undefined when none */
  explainFailure?(output: string): FailureHint | undefined;
  /** true when this backend needs `mfsmount --version` in its environment */
  readonly needsMfsmountVersion?: boolean;
  /** the client speaks IPv4 only (MooseFS 3.0, LizardFS 3.12): IPv6 addresses are not candidates */
  readonly ipv4Only?: boolean;
}
