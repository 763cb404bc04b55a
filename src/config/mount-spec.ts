// Builds a validated MountSpec from its parts, whatever wrote them: the config file, the command
// line, mount.ha or an fstab line. Nothing reaches an exec without passing through here.
import { createHash } from 'node:crypto';
import { getBackend } from '../backends/registry.js';
import type { OptionProblem } from '../backends/backend.js';
import { ExitCode, HaMountError } from '../errors.js';
import type { BackendName, HangPolicy, MountSpec, ProbeSettings, ServerAddress } from '../types.js';
import { HELPER_KEYS } from './helper-options.js';
import { splitVolumePath } from './source-spec.js';
import { checkHost, checkMountpointPath, checkOption, checkSubdir, checkVolumeName, formatServer, quoteValue } from './validate.js';

/** A mount as described before validation; `path` (from a source spec) or `volume`/`subdir`. */
export interface MountSpecParts {
  name?: string;
  backend: BackendName;
  servers: readonly ServerAddress[];
  /** "/volume/subdir" as written in a source spec */
  path?: string;
  volume?: string;
  subdir?: string;
  mountpoint: string;
  options: readonly string[];
  probe: ProbeSettings;
  onHang?: HangPolicy;
  postRemount?: readonly string[];
}

/** A built spec and the options that were dropped on the way. */
export interface BuiltMountSpec {
  spec: MountSpec;
  /** options unknown to the backend, dropped because `sloppy` was set (mount.ha -s) */
  ignored: OptionProblem[];
  /** fstab-only options (auto, _netdev, nofail, x-*...) that never reach a backend */
  stripped: string[];
}

/** Where a spec's parts were written: decides the hints in error messages. */
export type MountSpecOrigin = 'config' | 'command line' | 'mount.ha';

/** How buildMountSpec treats options. */
export interface BuildMountSpecOptions {
  /** drop options the backend does not know instead of failing (mount.ha -s) */
  sloppy?: boolean;
  /** where the parts were written, for hints in messages (mount.ha's -s hint only for 'mount.ha') */
  origin?: MountSpecOrigin;
}

const NAME_MAX = 128;
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@:+/-]{0,127}$/;

/**
 * True for options that only mean something to mount(8), systemd or fstab readers. mount(8) never
 * passes `X-*` to a helper and keeps `x-*` for user space: neither is a filesystem option.
 */
export function isFstabOnlyOption(token: string): boolean {
  return ['auto', 'noauto', '_netdev', 'nofail', 'defaults', 'user', 'nouser', 'users', 'owner', 'group'].includes(token) || /^[xX]-/.test(token) || token.startsWith('comment=');
}

// where each of ha-mount's own settings goes in a config file's mount entry
const CONFIG_HOME: Record<string, string> = {
  backend: "the mount's backend: key",
  servers: "the mount's servers: list",
  name: "the mount's name: key",
  'on-hang-remount-after': "the mount's on-hang: key (on-hang: {remount-after: VALUE})",
};

/**
 * Problems with ha-mount's own option keys (backend=, servers=, name=, probe-*=, on-hang-*=) left
 * among backend options. mount.ha and the command line take them out before building the spec; a
 * config file's `options:` does not, and no backend client must see them.
 */
function helperOptionProblems(tokens: readonly string[]): OptionProblem[] {
  const problems: OptionProblem[] = [];
  for (const option of tokens) {
    const equals = option.indexOf('=');
    const key = equals < 0 ? option : option.slice(0, equals);
    if (HELPER_KEYS.includes(key)) {
      const home = CONFIG_HOME[key] ?? `the mount's probe: key (probe: {${key.slice('probe-'.length)}: VALUE})`;
      problems.push({ option, reason: `option ${quoteValue(option)} is one of ha-mount's own settings, not a filesystem option: in a config file it belongs in ${home}`, unknown: false });
    } else if (key.startsWith('probe-') || key.startsWith('on-hang-')) {
      const family = key.startsWith('probe-') ? 'probe-' : 'on-hang-';
      problems.push({ option, reason: `option ${quoteValue(option)} is not an ha-mount setting (known: ${HELPER_KEYS.filter((known) => known.startsWith(family)).join(', ')})`, unknown: true });
    }
  }
  return problems;
}

function usage(message: string): HaMountError {
  return new HaMountError('ha-mount.spec.invalid', message, ExitCode.USAGE);
}

/** The hint added to a refused unknown option: only mount.ha has a flag that drops them. */
function unknownOptionHint(origin: MountSpecOrigin | undefined): string {
  return origin === 'mount.ha' ? ' (mount.ha -s ignores unknown options)' : '';
}

/**
 * The name a mount gets when nobody named it: the volume (and subfolder) or backend:subfolder.
 * It always fits NAME: characters a name cannot hold (=~% and the like, which a subfolder may)
 * become "_", and a name that had to change gets "-" and 8 hex digits of a hash of the original,
 * cut so the whole stays within 128 characters (so two odd subfolders do not end up sharing a name).
 */
export function deriveMountName(backend: BackendName, volume: string, subdir: string): string {
  const natural = backend === 'glusterfs' ? `${volume}${subdir}` : `${backend}:${subdir === '' ? '/' : subdir}`;
  if (NAME.test(natural)) return natural;
  const suffix = `-${createHash('sha256').update(natural).digest('hex').slice(0, 8)}`;
  const safe = natural.replace(/[^A-Za-z0-9_.@:+/-]/g, '_').replace(/^[^A-Za-z0-9_]/, '_');
  return `${safe.slice(0, NAME_MAX - suffix.length)}${suffix}`;
}

/** Validates every part and returns the MountSpec. Throws a usage error (exit 1) naming the bad part. */
export function buildMountSpec(parts: MountSpecParts, options: BuildMountSpecOptions = {}): BuiltMountSpec {
  const backend = getBackend(parts.backend);
  if (parts.servers.length === 0) throw usage('no server given: write the source as host1[,host2]:/volume or add -s host');
  const servers = parts.servers.map((server) => {
    const checked = checkHost(server.host);
    if (!checked.ok) throw usage(`server ${checked.problem}`);
    if (server.port !== undefined && (!Number.isInteger(server.port) || server.port < 1 || server.port > 65_535)) {
      throw usage(`server ${quoteValue(formatServer(server))}: the port must be from 1 to 65535`);
    }
    return server.port === undefined ? { host: server.host } : { host: server.host, port: server.port };
  });
  const { volume, subdir } = parts.path !== undefined ? splitVolumePath(parts.backend, parts.path) : checkVolumeParts(parts);
  const mountpoint = checkMountpointPath(parts.mountpoint);
  if (!mountpoint.ok) throw usage(`mountpoint ${mountpoint.problem}`);

  const stripped: string[] = [];
  const kept: string[] = [];
  for (const token of parts.options) {
    if (token === '') continue;
    const checked = checkOption(token);
    if (!checked.ok) throw usage(checked.problem);
    if (isFstabOnlyOption(token)) stripped.push(token);
    else kept.push(token);
  }
  const helperProblems = helperOptionProblems(kept);
  const forBackend = kept.filter((token) => !helperProblems.some((problem) => problem.option === token));
  const problems = [...helperProblems, ...(backend.checkOptions?.(forBackend) ?? [])];
  const ignored = options.sloppy ? problems.filter((problem) => problem.unknown) : [];
  const fatal = problems.find((problem) => !ignored.includes(problem));
  if (fatal) throw usage(`${fatal.reason}${fatal.unknown ? unknownOptionHint(options.origin) : ''}`);
  const backendOptions = kept.filter((token) => !ignored.some((problem) => problem.option === token));

  const name = parts.name ?? deriveMountName(parts.backend, volume, subdir);
  if (!NAME.test(name)) throw usage(`mount name ${quoteValue(name)}: expected letters, digits and _.@:+/- (at most 128)`);
  const postRemount = parts.postRemount === undefined ? undefined : [...parts.postRemount];
  if (postRemount !== undefined && (postRemount.length === 0 || postRemount[0] === '' || postRemount.some((arg) => arg.includes('\0')))) {
    throw usage('post-remount: expected a command as a list of arguments, e.g. [/usr/bin/systemctl, restart, nginx]');
  }
  const spec: MountSpec = {
    name,
    backend: parts.backend,
    servers,
    volume,
    subdir,
    mountpoint: mountpoint.value,
    options: backendOptions,
    probe: { ...parts.probe },
    onHang: { ...(parts.onHang ?? {}) },
    ...(postRemount === undefined ? {} : { postRemount }),
  };
  return { spec, ignored, stripped };
}

function checkVolumeParts(parts: MountSpecParts): { volume: string; subdir: string } {
  const subdir = checkSubdir(parts.subdir ?? '');
  if (!subdir.ok) throw usage(`subdir ${subdir.problem}`);
  if (parts.backend === 'glusterfs') {
    const volume = checkVolumeName(parts.volume ?? '');
    if (!volume.ok) throw usage(parts.volume === undefined ? 'a GlusterFS mount needs a volume' : `volume ${volume.problem}`);
    return { volume: volume.value, subdir: subdir.value };
  }
  if (parts.volume !== undefined && parts.volume !== '') {
    throw usage(`${parts.backend} has no volumes: give the master's subfolder as subdir (found volume ${quoteValue(parts.volume)})`);
  }
  return { volume: '', subdir: subdir.value };
}
