// The source of a mount as users write it: `host1[,host2...][:port]:/volume[/subdir]`.
import { ExitCode, HaMountError } from '../errors.js';
import type { BackendName, ServerAddress } from '../types.js';
import { checkHost, checkPort, isIPv6Literal, checkSubdir, checkVolumeName, quoteValue } from './validate.js';

/** A parsed source spec: servers in the order written, and the path after the colon. */
export interface SourceSpec {
  servers: ServerAddress[];
  /** "/volume/subdir" for GlusterFS, the master's subfolder for MooseFS/LizardFS ("" = root) */
  path: string;
}

/** Where a volume path points: the GlusterFS volume (or "") and the subfolder inside it. */
export interface VolumePath {
  volume: string;
  subdir: string;
}

const SPEC_FORM = 'host1[,host2...][:port]:/volume[/subdir]';

/** True when `text` looks like a source spec (has a colon outside brackets) rather than a mount name. */
export function isSourceSpec(text: string): boolean {
  return findOuterColon(text) >= 0;
}

/** Parses a source spec; every host and the port are validated. Throws a usage error naming the part at fault. */
export function parseSourceSpec(text: string): SourceSpec {
  const fail = (why: string): HaMountError =>
    new HaMountError('ha-mount.source.invalid', `invalid source ${quoteValue(text)}: ${why}; expected ${SPEC_FORM}`, ExitCode.USAGE);
  const colon = findOuterColon(text);
  if (colon < 0) throw fail('no ":" between the servers and the volume');
  const hostsPart = text.slice(0, colon);
  let rest = text.slice(colon + 1);
  let port: number | undefined;
  if (rest.startsWith(':')) throw fail('write IPv6 addresses in brackets, e.g. [fe80::1]:/volume');
  const withPort = /^([^/:]*):(.*)$/.exec(rest);
  if (withPort) {
    const checked = checkPort(withPort[1] ?? '');
    if (!checked.ok) throw fail(checked.problem);
    port = checked.value;
    rest = withPort[2] ?? '';
  }
  if (rest !== '' && !rest.startsWith('/')) throw fail(`the path ${quoteValue(rest)} must start with "/"`);
  if (hostsPart === '') throw fail('no server before the ":"');
  const servers = hostsPart.split(',').map((item) => {
    const bracketed = /^\[(.*)\]$/.exec(item)?.[1];
    if (bracketed !== undefined && !isIPv6Literal(bracketed)) throw fail(`only IPv6 addresses go in brackets, found ${quoteValue(item)}`);
    const host = bracketed ?? item;
    const checked = checkHost(host);
    if (!checked.ok) throw fail(checked.problem);
    return port === undefined ? { host } : { host, port };
  });
  return { servers, path: rest };
}

/**
 * Splits a source path for a backend: GlusterFS takes the first segment as the volume and the
 * rest as a subfolder; MooseFS/LizardFS take the whole path as the master's subfolder.
 */
export function splitVolumePath(backend: BackendName, path: string): VolumePath {
  const fail = (why: string): HaMountError => new HaMountError('ha-mount.source.invalid', `invalid volume path ${quoteValue(path)}: ${why}`, ExitCode.USAGE);
  if (backend === 'glusterfs') {
    const [, volume = '', ...rest] = path.split('/');
    if (volume === '') throw fail('a GlusterFS source needs a volume name after ":/", e.g. server:/rep_vol1');
    const checkedVolume = checkVolumeName(volume);
    if (!checkedVolume.ok) throw fail(checkedVolume.problem);
    const subdir = checkSubdir(rest.length === 0 ? '' : `/${rest.join('/')}`);
    if (!subdir.ok) throw fail(subdir.problem);
    return { volume, subdir: subdir.value };
  }
  const subdir = checkSubdir(path);
  if (!subdir.ok) throw fail(subdir.problem);
  return { volume: '', subdir: subdir.value };
}

/**
 * The path of a source given without servers (they come from `-s` or `servers=`): a GlusterFS
 * volume name (`rep_vol1`, `rep_vol1/sub`, or `/rep_vol1`), or the master's path of MooseFS or
 * LizardFS (`/`, `/sub`). Validated later by splitVolumePath; throws when the form is wrong.
 */
export function bareSourcePath(backend: BackendName, text: string): string {
  if (backend === 'glusterfs') return text.startsWith('/') ? text : `/${text}`;
  if (!text.startsWith('/')) {
    throw new HaMountError('ha-mount.source.invalid', `invalid source ${quoteValue(text)}: ${backend} has no volumes; give the master's path, e.g. / or /projects, after the -s servers`, ExitCode.USAGE);
  }
  return text;
}

/** Index of the first ":" outside [brackets], or -1. */
function findOuterColon(text: string): number {
  let depth = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '[') depth += 1;
    else if (char === ']') depth -= 1;
    else if (char === ':' && depth === 0) return index;
  }
  return -1;
}
