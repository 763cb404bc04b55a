// The config file: `mounts:` and the global `probe:` are read here; `notify:` and `metrics:` are
// kept as ConfigReaders for their own parsers. Every error names the file, line and key path.
import { readFile } from 'node:fs/promises';
import { parseBackendName } from '../backends/registry.js';
import { ExitCode, HaMountError } from '../errors.js';
import { checkPathTrust, checkScriptSecurity, type TrustedFileRole } from '../notify/script-security.js';
import type { BackendName, HangPolicy, MountSpec, ProbeSettings, ServerAddress } from '../types.js';
import { ConfigReader } from './config-reader.js';
import { buildMountSpec } from './mount-spec.js';
import { defaultProbeSettings, parseProbeSettings } from './probe-config.js';
import { checkMountpointPath, checkOption, parseServerAddress, splitOptionString } from './validate.js';

/** Top-level sections parsed by other parts of ha-mount; add a name here to accept a new one. */
export const DELEGATED_SECTIONS = ['notify', 'metrics'] as const;
/** One delegated section name. */
export type DelegatedSection = (typeof DELEGATED_SECTIONS)[number];

const TOP_LEVEL_KEYS = ['mounts', 'probe', ...DELEGATED_SECTIONS];
const MOUNT_KEYS = ['name', 'backend', 'volume', 'subdir', 'servers', 'mountpoint', 'options', 'probe', 'on-hang', 'post-remount'];

/** The loaded config file. */
export interface HaMountConfig {
  /** path it was read from */
  file: string;
  /** every mount, validated, with probe settings merged (mount over global over defaults) */
  mounts: MountSpec[];
  /** where each of `mounts` is declared, same order: "FILE:LINE" of its entry */
  origins: string[];
  /** commands the file makes ha-mount run as root (post-remount, notify hooks), with FILE:LINE: KEY */
  grants: CommandGrant[];
  /** the global probe settings (defaults where the file says nothing) */
  probe: ProbeSettings;
  /** sections other modules parse, e.g. parseNotifyConfig(config.sections.notify); a reader with no node when absent */
  sections: Record<DelegatedSection, ConfigReader>;
  /** false when the file did not exist and that was allowed (`missingOk`) */
  found: boolean;
}

/** A command the config file makes ha-mount run: its program and where the file says so. */
export interface CommandGrant {
  program: string;
  /** "FILE:LINE: KEY.PATH" */
  where: string;
  /** post-remount programs are checked here; hook scripts by parseNotifyConfig */
  kind: 'post-remount' | 'hook';
}

/** Reads a file's text; injected for tests. */
export type ReadText = (path: string) => Promise<string>;

/** An error at a config node: `FILE:LINE: KEY.PATH: problem; expected ...`. */
function fieldError(reader: ConfigReader, problem: string, expected?: string): HaMountError {
  const where = reader.path === '' ? '(top level)' : reader.path;
  return new HaMountError('ha-mount.config.invalid', `${reader.file}:${reader.line}: ${where}: ${problem}${expected ? `; expected ${expected}` : ''}`, ExitCode.USAGE);
}

/** Parses config text. Pure: no file system; `file` only names the source in errors. */
export function parseConfig(file: string, text: string): HaMountConfig {
  const root = ConfigReader.parse(file, text);
  root.rejectUnknownKeys(TOP_LEVEL_KEYS);
  const probe = parseProbeSettings(root.child('probe'), defaultProbeSettings());
  const items = root.child('mounts').items();
  const mounts = items.map((item) => parseMount(item, probe));
  rejectDuplicates(items, mounts);
  const sections = Object.fromEntries(DELEGATED_SECTIONS.map((name) => [name, root.child(name)])) as Record<DelegatedSection, ConfigReader>;
  return { file, mounts, origins: items.map((item) => `${file}:${item.line}`), grants: listCommandGrants(file, items, sections.notify), probe, sections, found: true };
}

function listCommandGrants(file: string, items: readonly ConfigReader[], notify: ConfigReader): CommandGrant[] {
  const grant = (reader: ConfigReader, program: string, kind: CommandGrant['kind']): CommandGrant => ({ program, where: `${file}:${reader.line}: ${reader.path}`, kind });
  const postRemount = items.map((item) => item.child('post-remount')).filter((reader) => reader.exists).map((reader) => grant(reader, reader.items()[0]?.string() ?? '', 'post-remount'));
  const hooks = notify.child('hooks');
  const scripts = hooks.exists ? hooks.keys().filter((key) => key !== 'timeout').map((key) => grant(hooks.child(key), hooks.child(key).string() ?? '', 'hook')) : [];
  return [...postRemount, ...scripts];
}

const POST_REMOUNT: TrustedFileRole = { what: 'the post-remount command', risk: 'change what ha-mount runs as root after a remount' };
const CONFIG_FILE: TrustedFileRole = { what: 'the config file', risk: 'make ha-mount run commands of theirs as root (the file sets post-remount or notify.hooks)' };

/**
 * The checks of hook scripts, applied where a config file makes ha-mount run commands as root:
 * every post-remount program (absolute, regular, executable, it and its folders root-owned and not
 * writable by group or others), and the config file itself, since whoever can write it chooses
 * those commands. Touches the file system; loadConfig calls it, parseConfig does not.
 */
export function checkCommandGrants(config: HaMountConfig): void {
  for (const grant of config.grants) {
    if (grant.kind !== 'post-remount') continue;
    const problem = checkScriptSecurity(grant.program, POST_REMOUNT);
    if (problem) throw new HaMountError('ha-mount.config.insecure-script', `${grant.where}: ${problem}`, ExitCode.USAGE);
  }
  const first = config.grants[0];
  if (first === undefined) return;
  const problem = checkPathTrust(config.file, CONFIG_FILE);
  if (problem) throw new HaMountError('ha-mount.config.insecure', `${config.file}: ${problem} (${first.where} runs ${first.program})`, ExitCode.USAGE);
}

/**
 * Reads and parses the config file. A missing file is an error (exit 1) unless `missingOk`
 * (the default path with a source spec on the command line), which gives an empty config. A file
 * that makes ha-mount run commands is refused when it or they could be changed by another user
 * (checkCommandGrants; tests with files that are not on disk pass their own `checkGrants`).
 */
export async function loadConfig(path: string, fsRead: ReadText = (file) => readFile(file, 'utf8'), options: { missingOk?: boolean; checkGrants?: (config: HaMountConfig) => void } = {}): Promise<HaMountConfig> {
  let text: string;
  try {
    text = await fsRead(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' && options.missingOk) return { ...parseConfig(path, ''), found: false };
    if (code === 'ENOENT') {
      throw new HaMountError('ha-mount.config.not-found', `config file ${path} does not exist: create it (see README, "Config file") or give another with -c FILE`, ExitCode.USAGE, { cause: error });
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new HaMountError('ha-mount.config.permission', `cannot read config file ${path}: permission denied; run as root`, ExitCode.USAGE, { cause: error });
    }
    throw new HaMountError('ha-mount.config.read', `cannot read config file ${path}: ${(error as Error).message}`, ExitCode.SYSTEM, { cause: error });
  }
  const config = parseConfig(path, text);
  (options.checkGrants ?? checkCommandGrants)(config);
  return config;
}

function parseMount(item: ConfigReader, globalProbe: ProbeSettings): MountSpec {
  item.rejectUnknownKeys(MOUNT_KEYS);
  const nameReader = item.child('name');
  const name = nameReader.string({ required: true });
  const backendReader = item.child('backend');
  const backend = readBackend(backendReader);

  const serversReader = item.child('servers');
  if (!serversReader.exists) throw fieldError(serversReader, 'this key is required', 'a list of servers, first = VIP or preferred, e.g. [10.0.0.10, gfs2:24007]');
  const servers: ServerAddress[] = serversReader.items().map((server) => {
    const text = server.string({ required: true });
    const parsed = parseServerAddress(text);
    if (!parsed.ok) throw fieldError(server, parsed.problem, 'host, host:port or [IPv6]:port');
    return parsed.value;
  });
  if (servers.length === 0) throw fieldError(serversReader, 'no server listed', 'at least one server');

  const mountpointReader = item.child('mountpoint');
  const mountpoint = mountpointReader.string({ required: true });
  const checkedMountpoint = checkMountpointPath(mountpoint);
  if (!checkedMountpoint.ok) throw fieldError(mountpointReader, checkedMountpoint.problem, 'an absolute path like /data');

  const optionsReader = item.child('options');
  const options = (optionsReader.stringList() ?? []).flatMap(splitOptionString);
  for (const option of options) {
    const checked = checkOption(option);
    if (!checked.ok) throw fieldError(optionsReader, checked.problem);
  }

  const onHang = readHangPolicy(item.child('on-hang'));
  const postRemountReader = item.child('post-remount');
  // an argument list, never a shell line: `post-remount: [systemctl, restart, nginx]`
  const postRemount = postRemountReader.exists ? postRemountReader.items().map((arg) => arg.string({ required: true })) : undefined;

  const probe = parseProbeSettings(item.child('probe'), globalProbe);
  const volume = item.child('volume').string();
  const subdir = item.child('subdir').string();
  try {
    return buildMountSpec({
      name,
      backend,
      servers,
      ...(volume === undefined ? {} : { volume }),
      ...(subdir === undefined ? {} : { subdir }),
      mountpoint,
      options,
      probe,
      onHang,
      ...(postRemount === undefined ? {} : { postRemount }),
    }).spec;
  } catch (error) {
    if (error instanceof HaMountError) throw fieldError(item, error.message);
    throw error;
  }
}

function readBackend(reader: ConfigReader): BackendName {
  const text = reader.string();
  if (text === undefined) return 'glusterfs';
  try {
    return parseBackendName(text);
  } catch (error) {
    throw fieldError(reader, (error as Error).message);
  }
}

function readHangPolicy(reader: ConfigReader): HangPolicy {
  if (!reader.exists) return {};
  reader.rejectUnknownKeys(['remount-after']);
  const remountAfterMs = reader.child('remount-after').duration({ minMs: 1_000 });
  return remountAfterMs === undefined ? {} : { remountAfterMs };
}

function rejectDuplicates(items: readonly ConfigReader[], mounts: readonly MountSpec[]): void {
  const names = new Map<string, number>();
  const mountpoints = new Map<string, number>();
  mounts.forEach((mount, index) => {
    const item = items[index];
    if (item === undefined) return;
    const sameName = names.get(mount.name);
    if (sameName !== undefined) throw fieldError(item.child('name'), `mount name "${mount.name}" is already used by mounts[${sameName}]`, 'a unique name');
    const sameMountpoint = mountpoints.get(mount.mountpoint);
    if (sameMountpoint !== undefined) throw fieldError(item.child('mountpoint'), `${mount.mountpoint} is already the mountpoint of mounts[${sameMountpoint}]`, 'one mount per mountpoint');
    names.set(mount.name, index);
    mountpoints.set(mount.mountpoint, index);
  });
}
