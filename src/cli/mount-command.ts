// `ha-mount [mount] <source> [mountpoint]`: source is a mount name from the config file, a spec
// host1[,host2][:port]:/volume[/subdir], or (with -s servers) a volume name or master path.
import type { Command } from 'commander';
import { parseBackendName } from '../backends/registry.js';
import { splitHelperOptions } from '../config/helper-options.js';
import { loadConfig, type HaMountConfig, type ReadText } from '../config/load-config.js';
import { buildMountSpec, type MountSpecParts } from '../config/mount-spec.js';
import { applyProbeOptions } from '../config/probe-config.js';
import { bareSourcePath, isSourceSpec, parseSourceSpec } from '../config/source-spec.js';
import { formatServer, parseServerAddress, quoteValue, splitOptionString } from '../config/validate.js';
import { DEFAULTS } from '../defaults.js';
import { ExitCode, HaMountError } from '../errors.js';
import { formatCommand } from '../mount/command-text.js';
import { describeOutcome, outcomeToJson } from '../mount/outcome-text.js';
import { mountSpec } from '../mount/mounter.js';
import { formatVerdict } from '../resolve/resolve-servers.js';
import type { BackendName, MountSpec, ServerAddress } from '../types.js';
import { configOption, type CliContext } from './program.js';

/** The mount command's arguments and options as the user gave them. */
export interface CliMountRequest {
  source: string;
  mountpoint?: string;
  backend?: string;
  servers: readonly string[];
  /** -o, comma-separated; may hold helper options like ping-timeout= or probe-interval= */
  options?: string;
  /** -c; undefined means the default path, which may be missing */
  configPath?: string;
}

function usage(message: string): HaMountError {
  return new HaMountError('ha-mount.usage', message, ExitCode.USAGE);
}

function parseServerFlags(values: readonly string[]): ServerAddress[] {
  return values.map((value) => {
    const parsed = parseServerAddress(value);
    if (!parsed.ok) throw usage(`-s ${value}: ${parsed.problem}`);
    return parsed.value;
  });
}

function dedupe(servers: readonly ServerAddress[]): ServerAddress[] {
  const seen = new Set<string>();
  return servers.filter((server) => !seen.has(formatServer(server)) && seen.add(formatServer(server)) !== undefined);
}

/** Loads the config: the default path may be missing (a source spec needs none); an explicit -c must exist. */
export async function loadCliConfig(configPath: string | undefined, readText: ReadText): Promise<HaMountConfig> {
  return loadConfig(configPath ?? DEFAULTS.configPath, readText, { missingOk: configPath === undefined });
}

/** Turns the command line (and the config) into a validated MountSpec. Pure apart from reading the config. */
export async function buildCliMountSpec(request: CliMountRequest, readText: ReadText): Promise<MountSpec> {
  const config = await loadCliConfig(request.configPath, readText);
  const helper = splitHelperOptions(splitOptionString(request.options ?? ''));
  const flagBackend = request.backend === undefined ? undefined : parseBackendName(request.backend);
  const optionBackend = helper.backend === undefined ? undefined : parseBackendName(helper.backend);
  if (flagBackend !== undefined && optionBackend !== undefined && flagBackend !== optionBackend) {
    throw usage(`-t ${flagBackend} and -o backend=${optionBackend} disagree; give one of them`);
  }
  const backendAsked: BackendName | undefined = flagBackend ?? optionBackend;
  const extraServers = [...parseServerFlags(request.servers), ...helper.servers];

  const known = isSourceSpec(request.source) ? undefined : config.mounts.find((mount) => mount.name === request.source);
  let parts: MountSpecParts;
  if (known === undefined) {
    // a source spec (servers:/path), or servers from -s and a bare volume name or master path
    const backend = backendAsked ?? 'glusterfs';
    const source = isSourceSpec(request.source) ? parseSourceSpec(request.source) : undefined;
    if (source === undefined && extraServers.length === 0) throw unknownSourceError(request.source, config, backend);
    const path = source?.path ?? bareSourcePath(backend, request.source);
    if (request.mountpoint === undefined) throw usage(`missing mountpoint: ${formatMountForm(backend, request, '/path/to/mountpoint')}`);
    parts = {
      ...(helper.name === undefined ? {} : { name: helper.name }),
      backend,
      servers: dedupe([...(source?.servers ?? []), ...extraServers]),
      path,
      mountpoint: request.mountpoint,
      options: helper.rest,
      probe: applyProbeOptions(config.probe, helper.probe),
      onHang: helper.hangRemountAfterMs === undefined ? {} : { remountAfterMs: helper.hangRemountAfterMs },
    };
  } else {
    if (backendAsked !== undefined && backendAsked !== known.backend) {
      throw usage(`mount ${known.name} is ${known.backend} in ${config.file}, not ${backendAsked}`);
    }
    parts = {
      name: known.name,
      backend: known.backend,
      // -s replaces the configured list: the first one given becomes the preferred server
      servers: extraServers.length > 0 ? dedupe(extraServers) : known.servers,
      volume: known.volume,
      subdir: known.subdir,
      mountpoint: request.mountpoint ?? known.mountpoint,
      options: [...known.options, ...helper.rest],
      probe: applyProbeOptions(known.probe, helper.probe),
      onHang: helper.hangRemountAfterMs === undefined ? known.onHang : { remountAfterMs: helper.hangRemountAfterMs },
      ...(known.postRemount === undefined ? {} : { postRemount: known.postRemount }),
    };
  }
  return buildMountSpec(parts).spec;
}

/** The command line as the user would type it, with `mountpoint` in its place. */
function formatMountForm(backend: BackendName, request: CliMountRequest, mountpoint: string): string {
  const servers = request.servers.length > 0 ? request.servers.map((server) => `-s ${server}`).join(' ') : '-s SERVER1 -s SERVER2';
  return `ha-mount mount ${backend === 'glusterfs' ? '' : `-t ${backend} `}${servers} ${request.source} ${mountpoint}`;
}

/** A source that is neither a spec nor a config name, and no -s: every form that would work. */
function unknownSourceError(source: string, config: HaMountConfig, backend: BackendName): HaMountError {
  const names = config.mounts.map((mount) => mount.name);
  const where = !config.found
    ? `there is no config file at ${config.file} to look up a mount of that name`
    : `${config.file} has no mount of that name (${names.length > 0 ? `it has: ${names.join(', ')}` : 'it has no mounts'})`;
  const example = backend === 'glusterfs' ? { bare: /^[\w./-]+$/.test(source) ? source.replace(/^\//, '') : 'VOLUME', spec: `SERVER1,SERVER2:/${/^[\w./-]+$/.test(source) ? source.replace(/^\//, '') : 'VOLUME'}` } : { bare: '/', spec: 'MASTER:/' };
  const flag = backend === 'glusterfs' ? '' : `-t ${backend} `;
  const forms: [string, string][] = [
    [`ha-mount mount ${flag}-s SERVER1 -s SERVER2 ${example.bare} /mnt/point`, `servers with -s, then the ${backend === 'glusterfs' ? 'volume name' : "master's path"}`],
    [`ha-mount mount ${flag}${example.spec} /mnt/point`, `a source spec host1[,host2][:port]:/${backend === 'glusterfs' ? 'volume[/subdir]' : 'path'}`],
    ['ha-mount -c FILE mount NAME [/mnt/point]', 'a mount named in the config file'],
  ];
  const width = Math.max(...forms.map(([form]) => form.length)) + 3;
  return usage([`${quoteValue(source)} is not a source spec, no server was given with -s, and ${where}. Use one of:`, ...forms.map(([form, what]) => `  ${form.padEnd(width)}${what}`)].join('\n'));
}

interface MountFlags {
  backend?: string;
  server: string[];
  options?: string;
  json?: boolean;
  verbose?: boolean;
  dryRun?: boolean;
  watch?: boolean;
}

/** The forms of a source, shown by `ha-mount mount --help` and in ha-mount(8). */
export const MOUNT_EXAMPLES = `
Examples:
  ha-mount mount -s 10.0.0.10 -s 10.0.0.11 rep_vol1 /data     GlusterFS: servers with -s, the volume by name
  ha-mount mount 10.0.0.10,10.0.0.11:/rep_vol1 /data          the same as a source spec
  ha-mount mount -t moosefs -s mfsmaster / /mnt/mfs           MooseFS or LizardFS: the master's path
  ha-mount rep_vol1                                           a mount named in /etc/ha-mount/ha-mount.yaml
  ha-mount mount --watch -s 10.0.0.10 rep_vol1 /data          mount, then watch and repair it in the foreground`;

/** Registers `mount` as the program's default command. */
export function registerMountCommand(program: Command, context: CliContext): void {
  program
    .command('mount', { isDefault: true })
    .description('mount a volume through the first reachable server, passing the others as backups')
    .argument('<source>', 'a mount name from the config file; host1[,host2...][:port]:/volume[/subdir]; or, with -s, a volume name (GlusterFS) or the master\'s path such as / (MooseFS, LizardFS)')
    .argument('[mountpoint]', 'directory to mount on (default: the config\'s mountpoint)')
    .option('-t, --backend <name>', 'glusterfs, moosefs or lizardfs (default: glusterfs, or the config\'s)')
    .option('-s, --server <host[:port]>', 'a server; repeat for more (first = preferred, e.g. the VIP)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('-o, --options <list>', 'backend options, comma-separated (also ping-timeout=N, probe-interval=1s...)')
    .option('--json', 'print the result as JSON')
    .option('-v, --verbose', 'print what each server answered')
    .option('--dry-run', 'resolve and print the mount command without running it')
    .option('--watch', 'after mounting, watch and repair the mount in the foreground like the agent (until SIGTERM/SIGINT; the mount stays)')
    .addHelpText('after', MOUNT_EXAMPLES)
    .action(async (source: string, mountpoint: string | undefined, flags: MountFlags, command: Command) => {
      try {
        await runMount(context, source, mountpoint, flags, configOption(command));
      } catch (error) {
        if (flags.json && error instanceof HaMountError) context.print(JSON.stringify(errorToJson(error)));
        throw error;
      }
    });
}

/** The JSON document `--json` prints for a failure (the message also goes to stderr). */
export function errorToJson(error: HaMountError): Record<string, unknown> {
  return { error: { code: error.code, message: error.message, exitCode: error.exitCode } };
}

async function runMount(context: CliContext, source: string, mountpoint: string | undefined, flags: MountFlags, configPath: string | undefined): Promise<void> {
  const spec = await buildCliMountSpec(
    {
      source,
      ...(mountpoint === undefined ? {} : { mountpoint }),
      ...(flags.backend === undefined ? {} : { backend: flags.backend }),
      servers: flags.server,
      ...(flags.options === undefined ? {} : { options: flags.options }),
      ...(configPath === undefined ? {} : { configPath }),
    },
    context.readText,
  );
  const outcome = await mountSpec(spec, context.mounterDeps(), {
    dryRun: flags.dryRun === true,
    waitForAll: flags.verbose === true,
    onResolved: (resolution) => {
      if (flags.verbose && !flags.json) for (const verdict of resolution.verdicts) context.printError(`ha-mount: ${formatVerdict(verdict)}`);
    },
  });
  for (const warning of outcome.warnings ?? []) context.printError(`ha-mount: warning: ${warning}`);
  if (flags.json) context.print(JSON.stringify(outcomeToJson(spec, outcome)));
  else if (outcome.dryRun) context.print(formatCommand(outcome.command));
  else context.print(describeOutcome(spec, outcome));
  if (flags.verbose && !flags.json) for (const attempt of outcome.failedAttempts ?? []) context.printError(`ha-mount: failed ${attempt}`);
  if (flags.watch && !outcome.dryRun) await watchInForeground(spec);
}

/** `--watch`: the agent's supervisor on this one mount (it adopts the fresh mount) until SIGTERM/SIGINT. */
async function watchInForeground(spec: MountSpec): Promise<void> {
  const { watchMount } = await import('../agent/watch-mount.js');
  const { createLogger } = await import('../log/logger.js');
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  process.once('SIGTERM', abort);
  process.once('SIGINT', abort);
  try {
    await watchMount(spec, { logger: createLogger(), signal: stop.signal });
  } finally {
    process.off('SIGTERM', abort);
    process.off('SIGINT', abort);
  }
}
