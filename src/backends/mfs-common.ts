// What MooseFS and LizardFS share: both clients are called mfsmount, take -H/-P/-S, listen on
// 9421 and show in mountinfo in the same two forms (mfs-source.ts), so a mount's fstype and source
// never say which project made it. Which client is installed is read from `mfsmount --version`
// (the wrong client gives a mount that looks fine and hangs); which one serves a mount, from its
// daemon's command line: MooseFS's mfsmount renames itself "mfsmount (mounted on: DIR)" (3.0 and
// 4.x, mfsclient/mfsmount.c), LizardFS's keeps its argv (it has no process-title code).
import { ExitCode, HaMountError } from '../errors.js';
import type { MountInfoEntry } from '../mount/mountinfo.js';
import type { BackendName, Command, MountSpec } from '../types.js';
import type { Backend, BackendEnvironment, FailureHint, OptionProblem, ServerChoice } from './backend.js';
import { optionKey } from './option-token.js';
import { explainMfsMismatch, parseMfsMountSource } from './mfs-source.js';
import { buildUmountCommand, trimSlash } from './unmount.js';

/** Which project an installed mfsmount comes from. */
export type MfsFlavor = 'moosefs' | 'lizardfs';

/** Reads the flavor from `mfsmount --version` output: MooseFS prints "MFS version 3.0.117-1 ; build: ...", LizardFS "LizardFS version 3.12.0". */
export function detectMfsFlavor(versionText: string | undefined): MfsFlavor | undefined {
  if (versionText === undefined) return undefined;
  if (/LizardFS version/i.test(versionText)) return 'lizardfs';
  if (/\bMFS version/.test(versionText) || /MooseFS/i.test(versionText)) return 'moosefs';
  return undefined;
}

const CLIENT_PACKAGE: Record<MfsFlavor, string> = {
  moosefs: 'install moosefs-client (apt-get install moosefs-client)',
  lizardfs: 'install lizardfs-client (not packaged in Debian 12: use LizardFS\'s own packages or build it)',
};

/** Throws unless the installed mfsmount is `wanted`'s own client. */
export function assertMfsFlavor(wanted: MfsFlavor, env: BackendEnvironment): void {
  const found = detectMfsFlavor(env.mfsmountVersion);
  if (found === wanted) return;
  const label = wanted === 'moosefs' ? 'MooseFS' : 'LizardFS';
  if (env.mfsmountVersion === undefined) {
    throw new HaMountError('ha-mount.backend.client-missing', `cannot mount ${label}: no mfsmount is installed; ${CLIENT_PACKAGE[wanted]}`, ExitCode.MOUNT_FAILED);
  }
  const other = found === undefined ? 'an mfsmount of unknown origin' : `${found === 'moosefs' ? 'MooseFS' : 'LizardFS'}'s mfsmount`;
  throw new HaMountError(
    'ha-mount.backend.wrong-client',
    `cannot mount ${label}: the installed mfsmount is ${other} ("${env.mfsmountVersion.trim()}"), and the other project's client gives a mount that looks fine but hangs; ${CLIENT_PACKAGE[wanted]}, or use -t ${found ?? 'the matching backend'} if the cluster is ${found === 'lizardfs' ? 'LizardFS' : 'MooseFS'}`,
    ExitCode.MOUNT_FAILED,
  );
}

/** The part of an MFS backend that differs between MooseFS and LizardFS. */
export interface MfsVariant {
  name: BackendName & MfsFlavor;
  /** options that only the other project's client knows */
  foreignOptions: ReadonlySet<string>;
}

// set by ha-mount from the source spec and the chosen server
const MANAGED_OPTIONS: Record<string, string> = {
  mfsmaster: 'the master comes from the server list (the source or -s)',
  mfsport: 'give the port in the source (master:9521:/) or per server (-s master:9521)',
  mfssubfolder: 'give the subfolder in the source (master:/subfolder)',
};

/** Checks options against the variant: managed ones and the other project's ones are refused. */
export function checkMfsOptions(variant: MfsVariant, options: readonly string[]): OptionProblem[] {
  const problems: OptionProblem[] = [];
  for (const option of options) {
    const key = optionKey(option);
    if (MANAGED_OPTIONS[key] !== undefined) {
      problems.push({ option, reason: `option ${key} is set by ha-mount: ${MANAGED_OPTIONS[key]}`, unknown: false });
    } else if (key === 'ping-timeout') {
      problems.push({ option, reason: 'option ping-timeout is a GlusterFS option (MooseFS and LizardFS clients wait for the master instead)', unknown: true });
    } else if (variant.foreignOptions.has(key)) {
      const other = variant.name === 'moosefs' ? 'LizardFS' : 'MooseFS';
      problems.push({ option, reason: `option ${key} is a ${other} mfsmount option, not a ${variant.name === 'moosefs' ? 'MooseFS' : 'LizardFS'} one`, unknown: true });
    }
  }
  return problems;
}

/** `mfsmount DIR -H HOST -P PORT [-S SUBFOLDER] [-o OPTS]`, after checking the installed client. */
export function buildMfsMountCommand(variant: MfsVariant, spec: MountSpec, choice: ServerChoice, env: BackendEnvironment): Command {
  if (!env.dryRun) assertMfsFlavor(variant.name, env);
  const port = choice.chosen.port ?? 9421;
  const args = [spec.mountpoint, '-H', choice.chosen.host, '-P', String(port)];
  if (spec.subdir !== '') args.push('-S', spec.subdir);
  if (spec.options.length > 0) args.push('-o', spec.options.join(','));
  return { file: 'mfsmount', args };
}

// mfsmount options that take a separate value argument
const VALUE_FLAGS = new Set(['-H', '-P', '-S', '-o', '-c', '-B', '-L']);
// LizardFS 3.13 also installs mfsmount3, its libfuse3 build (src/mount/fuse/CMakeLists.txt)
const MFSMOUNT_PROGRAMS: Record<MfsFlavor, ReadonlySet<string>> = { moosefs: new Set(['mfsmount']), lizardfs: new Set(['mfsmount', 'mfsmount3']) };

/** The mountpoint of a MooseFS mfsmount that renamed itself "mfsmount (mounted on: DIR)" (seen on the lab), else undefined. Pure. */
export function readMooseTitle(argv: readonly string[]): string | undefined {
  return /^(?:\S*\/)?mfsmount \(mounted on: (.*)\)$/.exec(argv[0] ?? '')?.[1];
}

/** True when argv is an mfsmount of `flavor` started for `mountpoint`, its command line as given. Pure. */
function servesByArgv(flavor: MfsFlavor, argv: readonly string[], mountpoint: string): boolean {
  if (!MFSMOUNT_PROGRAMS[flavor].has(argv[0]?.split('/').pop() ?? '')) return false;
  for (let index = 1; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    if (VALUE_FLAGS.has(arg)) index += 1;
    else if (arg !== '' && !arg.startsWith('-') && trimSlash(arg) === trimSlash(mountpoint)) return true;
  }
  return false;
}

/**
 * True when argv is an mfsmount of `flavor` serving `mountpoint`. A MooseFS daemon shows its title
 * once running, its argv in its first moments; a LizardFS daemon always shows its argv, and a
 * titled one is MooseFS's, never LizardFS's.
 */
export function isMfsDaemonOf(flavor: MfsFlavor, argv: readonly string[], mountpoint: string): boolean {
  const title = readMooseTitle(argv);
  if (title !== undefined) return flavor === 'moosefs' && trimSlash(title) === trimSlash(mountpoint);
  return servesByArgv(flavor, argv, mountpoint);
}

/** Hint for an mfsmount that reached a master but got no session; undefined for other failures. Pure. */
export function explainMfsFailure(output: string): FailureHint | undefined {
  // LizardFS's mfsmount (src/mount/lizard_client.cc fs_init) when the master refuses the client,
  // which a shadow master does until it is promoted
  if (/Can't initialize connection with master server/i.test(output)) {
    return { hint: 'the server answered but refused a client session: a LizardFS shadow master does this until it is promoted; mount through the VIP or the active master', refusesClients: true };
  }
  return undefined;
}

function explainMismatch(entry: MountInfoEntry, subdir: string): string | undefined {
  const source = parseMfsMountSource(entry);
  return source === undefined ? 'it is not a MooseFS or LizardFS mount' : explainMfsMismatch(source, subdir);
}

/** A MooseFS or LizardFS backend from its variant. */
export function createMfsBackend(variant: MfsVariant): Backend {
  return {
    name: variant.name,
    defaultPort: 9421,
    needsMfsmountVersion: true,
    ipv4Only: true,
    buildMountCommand: (spec, choice, env) => buildMfsMountCommand(variant, spec, choice, env),
    buildUnmountCommand: buildUmountCommand,
    recognizes: (entry: MountInfoEntry) => parseMfsMountSource(entry) !== undefined,
    serverOf: (entry) => parseMfsMountSource(entry)?.host,
    isDaemonFor: (argv, mountpoint) => isMfsDaemonOf(variant.name, argv, mountpoint),
    checkOptions: (options) => checkMfsOptions(variant, options),
    sameVolume: (entry, spec) => explainMismatch(entry, spec.subdir) === undefined,
    explainMismatch: (entry, spec) => explainMismatch(entry, spec.subdir),
    explainFailure: explainMfsFailure,
  };
}
