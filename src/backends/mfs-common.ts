// What MooseFS and LizardFS share: both clients are called mfsmount, take -H/-P/-S, listen on
// 9421 and show as `mfs#HOST:PORT` with fstype `fuse` in mountinfo. Which one is installed is read
// from `mfsmount --version`, because the wrong client gives a mount that looks fine and hangs.
import { ExitCode, HaMountError } from '../errors.js';
import type { MountInfoEntry } from '../mount/mountinfo.js';
import type { BackendName, Command, MountSpec } from '../types.js';
import type { Backend, BackendEnvironment, OptionProblem, ServerChoice } from './backend.js';
import { optionKey } from './option-token.js';
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

/** Splits `mfs#HOST:PORT` into its host. */
function mfsSourceHost(source: string): string | undefined {
  const match = /^mfs#(.+):(\d+)$/.exec(source);
  return match?.[1]?.replace(/^\[(.*)\]$/, '$1');
}

// mfsmount options that take a separate value argument
const VALUE_FLAGS = new Set(['-H', '-P', '-S', '-o', '-c', '-B', '-L']);

/**
 * True when argv is an mfsmount serving `mountpoint`. A daemonised MooseFS 3.0 mfsmount rewrites
 * its command line to the single string "mfsmount (mounted on: /path)" (seen on the lab).
 */
export function isMfsDaemonFor(argv: readonly string[], mountpoint: string): boolean {
  const wanted = trimSlash(mountpoint);
  const title = /^(?:\S*\/)?mfsmount \(mounted on: (.*)\)$/.exec(argv[0] ?? '');
  if (title) return trimSlash(title[1] ?? '') === wanted;
  if (argv[0]?.split('/').pop() !== 'mfsmount') return false;
  for (let index = 1; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    if (VALUE_FLAGS.has(arg)) index += 1;
    else if (arg !== '' && !arg.startsWith('-') && trimSlash(arg) === wanted) return true;
  }
  return false;
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
    recognizes: (entry: MountInfoEntry) => entry.fstype.startsWith('fuse') && mfsSourceHost(entry.source) !== undefined,
    serverOf: (entry) => mfsSourceHost(entry.source),
    isDaemonFor: isMfsDaemonFor,
    checkOptions: (options) => checkMfsOptions(variant, options),
  };
}
