// GlusterFS FUSE client through `mount -t glusterfs` (/usr/sbin/mount.glusterfs, 10.3). Facts
// read from that script: it keeps only the LAST `xlator-option=`; `backup-volfile-servers` is
// colon-separated with IPv6 in brackets, but the main server is matched by [a-zA-Z0-9:%,.-] so an
// IPv6 main server goes unbracketed; `server-port=` applies to every volfile server; unknown
// options make it exit 1; names longer than 63 characters are silently dropped.
import { DEFAULTS } from '../defaults.js';
import { ExitCode, HaMountError } from '../errors.js';
import type { MountInfoEntry } from '../mount/mountinfo.js';
import type { Command, MountSpec, ServerAddress } from '../types.js';
import type { Backend, OptionProblem, ServerChoice } from './backend.js';
import { optionKey, optionValue } from './option-token.js';
import { buildUmountCommand, trimSlash } from './unmount.js';

const PORT = DEFAULTS.ports.glusterfs;

// Options mount.glusterfs 10.3 accepts with a value (with_options) and without (without_options).
const VALUE_OPTIONS = new Set([
  'log-level', 'log-file', 'transport', 'direct-io-mode', 'volume-name', 'volfile-check', 'attribute-timeout',
  'entry-timeout', 'negative-timeout', 'gid-timeout', 'lru-limit', 'invalidate-limit', 'background-qlen',
  'fetch-attempts', 'congestion-threshold', 'oom-score-adj', 'xlator-option', 'fuse-mountopts', 'use-readdirp',
  'event-history', 'reader-thread-count', 'auto-invalidation', 'no-root-squash', 'root-squash',
  'kernel-writeback-cache', 'attr-times-granularity', 'dump-fuse', 'fuse-flush-handle-interrupt',
  'fuse-dev-eperm-ratelimit-ns', 'context', 'fscontext', 'defcontext', 'rootcontext', 'halo-max-latency',
  'halo-max-replicas', 'halo-min-replicas', 'process-name', 'fopen-keep-cache', 'io-engine',
]);
const FLAG_OPTIONS = new Set([
  'ro', 'rw', 'acl', 'selinux', 'worm', 'enable-ino32', 'mem-accounting', 'aux-gfid-mount', 'thin-client',
  'resolve-gids', 'global-threading', 'localtime-logging', 'async', 'sync', 'dirsync', 'mand', 'nomand', 'silent',
  'loud', 'iversion', 'noiversion', 'nofail', 'atime', 'noatime', 'diratime', 'nodiratime', 'relatime',
  'norelatime', 'strictatime', 'nostrictatime', 'lazyatime', 'nolazyatime', 'dev', 'nodev', 'exec', 'noexec',
  'suid', 'nosuid', 'auto_unmount', 'auto', 'noauto', '_netdev', 'fopen-keep-cache',
]);
// set by ha-mount from the server list and the source spec; a user value would contradict them
const MANAGED_OPTIONS: Record<string, string> = {
  'backup-volfile-servers': 'ha-mount builds the backup list from the server list; add servers with -s or servers=',
  'backupvolfile-server': 'ha-mount builds the backup list from the server list; add servers with -s or servers=',
  'server-port': 'give the port in the source (host:24008:/volume) or per server (-s host:24008)',
  'volume-id': 'the volume comes from the source (host:/volume)',
  'subdir-mount': 'give the subfolder in the source (host:/volume/subdir)',
};
/** ha-mount's own option: the client ping timeout in seconds, or "off" for GlusterFS's 42 s default. */
export const PING_TIMEOUT_OPTION = 'ping-timeout';

/** The ping timeout the options ask for: seconds, or undefined for "off". Throws on a bad value. */
export function readPingTimeout(options: readonly string[]): number | undefined {
  const token = [...options].reverse().find((option) => optionKey(option) === PING_TIMEOUT_OPTION);
  if (token === undefined) return DEFAULTS.glusterfs.pingTimeoutS;
  const problem = checkPingTimeout(token);
  if (problem) throw new HaMountError('ha-mount.option.invalid', problem, ExitCode.USAGE);
  const value = optionValue(token);
  return value === 'off' ? undefined : Number(value);
}

function checkPingTimeout(token: string): string | undefined {
  const value = optionValue(token);
  const { pingTimeoutMinS: min, pingTimeoutMaxS: max } = DEFAULTS.glusterfs;
  if (value === 'off') return undefined;
  const seconds = value !== undefined && /^\d+$/.test(value) ? Number(value) : NaN;
  if (Number.isInteger(seconds) && seconds >= min && seconds <= max) return undefined;
  return `option ${token}: expected ping-timeout=N with N whole seconds from ${min} to ${max}, or ping-timeout=off (GlusterFS's 42 s default)`;
}

/**
 * Checks GlusterFS options against what mount.glusterfs accepts and what ha-mount sets itself.
 * The rule for the ping timeout: the last `ping-timeout=` wins (as for any repeated mount option),
 * and a user `xlator-option=` is accepted only when that last one is `off`, because
 * mount.glusterfs keeps only the last xlator-option and would silently drop ha-mount's timeout.
 * Two user xlator-options are refused for the same reason: the first would be dropped.
 */
export function checkGlusterOptions(options: readonly string[]): OptionProblem[] {
  const problems: OptionProblem[] = [];
  const lastPing = [...options].reverse().find((option) => optionKey(option) === PING_TIMEOUT_OPTION);
  const pingOff = lastPing === `${PING_TIMEOUT_OPTION}=off`;
  const xlators = options.filter((option) => optionKey(option) === 'xlator-option');
  if (pingOff && xlators.length > 1) {
    problems.push({
      option: xlators[0] ?? '',
      reason: `options ${xlators.join(', ')}: mount.glusterfs keeps only the last xlator-option, so all but the last would be dropped silently; give one xlator-option`,
      unknown: false,
    });
  }
  for (const option of options) {
    const key = optionKey(option);
    const hasValue = optionValue(option) !== undefined;
    if (key === PING_TIMEOUT_OPTION) {
      const problem = checkPingTimeout(option);
      if (problem) problems.push({ option, reason: problem, unknown: false });
    } else if (MANAGED_OPTIONS[key] !== undefined) {
      problems.push({ option, reason: `option ${key} is set by ha-mount: ${MANAGED_OPTIONS[key]}`, unknown: false });
    } else if (key === 'xlator-option' && !pingOff) {
      // mount.glusterfs keeps one xlator-option only: a second one would silently drop the ping timeout
      problems.push({
        option,
        reason: `option ${option}: mount.glusterfs keeps only one xlator-option and ha-mount uses it for the client ping timeout${lastPing === undefined ? '' : ` (${lastPing}, the last ping-timeout given, is the one that counts)`}; set the timeout with ping-timeout=N, or make ping-timeout=off the last ping-timeout to pass your own xlator-option`,
        unknown: false,
      });
    } else if (key.startsWith('x-')) {
      continue;
    } else if (hasValue ? !VALUE_OPTIONS.has(key) : !FLAG_OPTIONS.has(key)) {
      problems.push({ option, reason: `option ${option} is not a GlusterFS mount option (see man 8 mount.glusterfs)`, unknown: true });
    }
  }
  return problems;
}

/** The host as mount.glusterfs wants it in the source: IPv6 without brackets. */
function sourceHost(server: ServerAddress): string {
  return server.host;
}

/** The host as mount.glusterfs wants it in backup-volfile-servers: IPv6 in brackets. */
function backupHost(server: ServerAddress): string {
  return server.host.includes(':') ? `[${server.host}]` : server.host;
}

/**
 * The mount command: `mount -t glusterfs HOST:/VOL[/SUB] DIR -o backup-volfile-servers=A:B,
 * xlator-option=*-client-*.ping-timeout=N,...`. Backups on another port than the chosen server are
 * left out (mount.glusterfs has one server-port for all).
 */
export function buildGlusterMountCommand(spec: MountSpec, choice: ServerChoice): Command {
  const port = choice.chosen.port ?? PORT;
  const backups = choice.backups.filter((backup) => (backup.port ?? PORT) === port).map(backupHost);
  const pingTimeout = readPingTimeout(spec.options);
  // checkGlusterOptions refuses this; kept here too because mount.glusterfs would drop the timeout without a word
  if (pingTimeout !== undefined && spec.options.some((option) => optionKey(option) === 'xlator-option')) {
    throw new HaMountError('ha-mount.option.invalid', `mount ${spec.name}: an xlator-option would replace ha-mount's ping timeout (mount.glusterfs keeps only the last one); set ping-timeout=off last to pass your own`, ExitCode.USAGE);
  }
  const options = [
    ...(backups.length > 0 ? [`backup-volfile-servers=${[...new Set(backups)].join(':')}`] : []),
    ...(port === PORT ? [] : [`server-port=${port}`]),
    ...(pingTimeout === undefined ? [] : [`xlator-option=*-client-*.ping-timeout=${pingTimeout}`]),
    ...spec.options.filter((option) => optionKey(option) !== PING_TIMEOUT_OPTION),
  ];
  const source = `${sourceHost(choice.chosen)}:/${spec.volume}${spec.subdir}`;
  // through mount(8) rather than /sbin/mount.glusterfs directly: measured ~2 ms dearer, and it is
  // the form admins know and other parts of ha-mount check commands against
  return { file: 'mount', args: ['-t', 'glusterfs', source, spec.mountpoint, ...(options.length > 0 ? ['-o', options.join(',')] : [])] };
}

/** Splits a glusterfs mountinfo source (`HOST:/VOL[/SUB]` or `HOST:VOL`) at the last ":" (IPv6 hosts have colons). */
function splitSource(source: string): { host: string; path: string } | undefined {
  const match = /^(.+):(\/?[A-Za-z0-9_][^:]*)$/.exec(source);
  if (!match) return undefined;
  return { host: (match[1] ?? '').replace(/^\[(.*)\]$/, '$1'), path: (match[2] ?? '').replace(/^\//, '') };
}

/**
 * The client's log file: `log-file=` if given, else glusterfs's default for a mount,
 * /var/log/glusterfs/ + the mountpoint without its leading "/" and with "/" turned into "-" + .log.
 */
export function glusterLogFile(mountpoint: string, options: readonly string[] = []): string {
  const given = options.find((option) => optionKey(option) === 'log-file');
  if (given !== undefined) return optionValue(given) ?? '';
  return `/var/log/glusterfs/${trimSlash(mountpoint).replace(/^\//, '').replaceAll('/', '-')}.log`;
}

/** GlusterFS through mount.glusterfs. */
export const glusterfsBackend: Backend = {
  name: 'glusterfs',
  defaultPort: PORT,
  buildMountCommand: (spec, choice) => buildGlusterMountCommand(spec, choice),
  buildUnmountCommand: buildUmountCommand,
  recognizes: (entry: MountInfoEntry) => entry.fstype === 'fuse.glusterfs' && splitSource(entry.source) !== undefined,
  serverOf: (entry) => splitSource(entry.source)?.host,
  isDaemonFor(argv, mountpoint) {
    const program = argv[0]?.split('/').pop();
    if (program !== 'glusterfs' && program !== 'glusterfsd') return false;
    // mount.glusterfs always passes --process-name fuse (or fuse.NAME); bricks and glusterd do not
    const processName = argv.findIndex((arg) => arg === '--process-name');
    const isFuse = (processName >= 0 && argv[processName + 1]?.startsWith('fuse')) || argv.some((arg) => arg.startsWith('--process-name=fuse'));
    return isFuse === true && trimSlash(argv[argv.length - 1] ?? '') === trimSlash(mountpoint);
  },
  checkOptions: checkGlusterOptions,
  sameVolume(entry, spec) {
    const path = splitSource(entry.source)?.path;
    // the kernel source may or may not carry the subfolder; the volume must match either way
    return path === spec.volume || path === `${spec.volume}${spec.subdir}`;
  },
};
