// A MountSpec from what mount(8) hands mount.ha (and what an fstab `ha` line holds):
// source, directory, option list and type (`ha` or `ha.SUBTYPE`, the subtype naming the backend).
import { parseBackendName } from '../backends/registry.js';
import { ExitCode, HaMountError } from '../errors.js';
import type { BackendName, ProbeSettings } from '../types.js';
import { splitHelperOptions } from './helper-options.js';
import { buildMountSpec, type BuiltMountSpec } from './mount-spec.js';
import { applyProbeOptions, defaultProbeSettings } from './probe-config.js';
import { bareSourcePath, isSourceSpec, parseSourceSpec } from './source-spec.js';
import { quoteValue } from './validate.js';

/** What mount(8) passes to mount.ha, or the fields of an fstab line of type `ha`. */
export interface HelperMountInput {
  /** host1[,host2][:port]:/volume[/subdir] */
  source: string;
  mountpoint: string;
  /** option tokens (fstab's 4th field split at commas) */
  options: readonly string[];
  /** fstab type: "ha", or "ha.glusterfs" to name the backend */
  type?: string;
  /** probe settings the probe-* options apply over (the config's global ones); built-in defaults when absent */
  probeBase?: ProbeSettings;
  /** mount.ha -s: drop options the backend does not know instead of failing */
  sloppy?: boolean;
  /** 'mount.ha' when mount(8) ran the helper: errors then point at its -s flag */
  origin?: 'mount.ha';
}

function backendFromType(type: string | undefined): BackendName | undefined {
  if (type === undefined || type === 'ha') return undefined;
  const match = /^(?:fuse\.)?ha\.(.+)$/.exec(type);
  if (!match?.[1]) throw new HaMountError('ha-mount.helper.type', `filesystem type ${quoteValue(type)} is not ha or ha.BACKEND`, ExitCode.USAGE);
  return parseBackendName(match[1]);
}

/** A source without servers: the volume name (or master's path) when servers= gives them, else an error naming both forms. */
function bareHelperPath(backend: BackendName, source: string, serverCount: number): string {
  if (serverCount === 0) {
    const path = backend === 'glusterfs' ? 'rep_vol1' : '/';
    throw new HaMountError(
      'ha-mount.source.invalid',
      `${quoteValue(source)} is not a source spec and no servers= option gives the servers (mount.ha does not read the config file's mount names); write host1[,host2][:port]:/${backend === 'glusterfs' ? 'volume' : 'path'}, or the ${backend === 'glusterfs' ? 'volume name' : "master's path"} with servers=: e.g. fstab "${path}  /data  ha  ${backend === 'glusterfs' ? '' : `backend=${backend},`}servers=10.0.0.10:10.0.0.11,_netdev  0 0"`,
      ExitCode.USAGE,
    );
  }
  return bareSourcePath(backend, source);
}

/** Builds and validates the spec; helper-only options never reach the backend. */
export function buildHelperMountSpec(input: HelperMountInput): BuiltMountSpec {
  const helper = splitHelperOptions(input.options);
  const fromType = backendFromType(input.type);
  const fromOption = helper.backend === undefined ? undefined : parseBackendName(helper.backend);
  if (fromType !== undefined && fromOption !== undefined && fromType !== fromOption) {
    throw new HaMountError('ha-mount.helper.backend', `type ${quoteValue(input.type ?? '')} and option backend=${fromOption} disagree; give one of them`, ExitCode.USAGE);
  }
  const backend = fromOption ?? fromType ?? 'glusterfs';
  const source = isSourceSpec(input.source) ? parseSourceSpec(input.source) : { servers: [], path: bareHelperPath(backend, input.source, helper.servers.length) };
  const seen = new Set(source.servers.map((server) => `${server.host}|${server.port ?? ''}`));
  const extra = helper.servers.filter((server) => !seen.has(`${server.host}|${server.port ?? ''}`));
  return buildMountSpec(
    {
      ...(helper.name === undefined ? {} : { name: helper.name }),
      backend,
      servers: [...source.servers, ...extra],
      path: source.path,
      mountpoint: input.mountpoint,
      options: helper.rest,
      probe: applyProbeOptions(input.probeBase ?? defaultProbeSettings(), helper.probe),
      onHang: helper.hangRemountAfterMs === undefined ? {} : { remountAfterMs: helper.hangRemountAfterMs },
    },
    { sloppy: input.sloppy ?? false, ...(input.origin === undefined ? {} : { origin: input.origin }) },
  );
}
