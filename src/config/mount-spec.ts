// Builds a validated MountSpec from its parts, whatever wrote them: the config file, the command
// line, mount.ha or an fstab line. Nothing reaches an exec without passing through here.
import { getBackend } from '../backends/registry.js';
import type { OptionProblem } from '../backends/backend.js';
import { ExitCode, HaMountError } from '../errors.js';
import type { BackendName, HangPolicy, MountSpec, ProbeSettings, ServerAddress } from '../types.js';
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

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@:+/-]{0,127}$/;

/** True for options that only mean something to mount(8), systemd or fstab readers. */
export function isFstabOnlyOption(token: string): boolean {
  return ['auto', 'noauto', '_netdev', 'nofail', 'defaults', 'user', 'nouser', 'users', 'owner', 'group'].includes(token) || token.startsWith('x-') || token.startsWith('comment=');
}

function usage(message: string): HaMountError {
  return new HaMountError('ha-mount.spec.invalid', message, ExitCode.USAGE);
}

/** The name a mount gets when nobody named it: the volume (and subfolder) or backend:subfolder. */
export function deriveMountName(backend: BackendName, volume: string, subdir: string): string {
  if (backend === 'glusterfs') return `${volume}${subdir}`;
  return `${backend}:${subdir === '' ? '/' : subdir}`;
}

/** Validates every part and returns the MountSpec. Throws a usage error (exit 1) naming the bad part. */
export function buildMountSpec(parts: MountSpecParts, options: { sloppy?: boolean } = {}): BuiltMountSpec {
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
  const problems = backend.checkOptions?.(kept) ?? [];
  const ignored = options.sloppy ? problems.filter((problem) => problem.unknown) : [];
  const fatal = problems.find((problem) => !ignored.includes(problem));
  if (fatal) throw usage(`${fatal.reason}${fatal.unknown ? ' (mount.ha -s ignores unknown options)' : ''}`);
  const backendOptions = kept.filter((token) => !ignored.some((problem) => problem.option === token));

  const name = parts.name ?? deriveMountName(parts.backend, volume, subdir);
  if (!NAME.test(name)) throw usage(`mount name ${quoteValue(name)}: expected letters, digits and _.@:+/- (at most 128)`);
  const postRemount = parts.postRemount === undefined ? undefined : [...parts.postRemount];
  if (postRemount !== undefined && (postRemount.length === 0 || postRemount[0] === '' || postRemount.some((arg) => arg.includes('\0')))) {
    throw usage('post-remount: expected a command as a list of arguments, e.g. [systemctl, restart, nginx]');
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
