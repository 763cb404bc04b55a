// Reads a recorded Command field by field, the way mount(8), mount.glusterfs and mfsmount will,
// and lists every field that is not what the grammar allows. Every argument must be either a flag
// or constant the backend puts there, or a value that came from the user and passed the grammar.
import type { Command } from '../../../src/types.js';
import {
  HELPER_ONLY_KEYS,
  isFstabOnlyToken,
  isHostField,
  isIPv4Text,
  isIPv6Text,
  isMountpointField,
  isOptionToken,
  isSubdirField,
  isVolumeField,
  keyOf,
  normalizeAbsolute,
  splitOuterColons,
} from './grammar.js';

/** What the user gave, to tell user values from the backend's own. */
export interface UserInput {
  /** the mountpoint as typed */
  mountpoint: string;
  /** every option token the user typed (after splitting at commas) */
  optionTokens: readonly string[];
}

/** Options each client takes that ha-mount sets itself from the server list and source (mount.glusterfs(8), mfsmount(8)). */
const MANAGED_KEYS = {
  gluster: ['backup-volfile-servers', 'backupvolfile-server', 'server-port', 'volume-id', 'subdir-mount'],
  mfs: ['mfsmaster', 'mfsport', 'mfssubfolder'],
};
type Client = keyof typeof MANAGED_KEYS;

/** Options the GlusterFS backend adds on its own, with the value forms it may give them. */
const GLUSTER_GENERATED: { key: string; check: (value: string) => boolean }[] = [
  { key: 'backup-volfile-servers', check: (value) => value !== '' && splitOuterColons(value).every((item) => isHostField(item, 'bracketed')) },
  { key: 'server-port', check: (value) => isPort(value) },
  { key: 'xlator-option', check: (value) => /^\*-client-\*\.ping-timeout=[1-9][0-9]*$/.test(value) },
];

function isPort(text: string): boolean {
  return /^[1-9][0-9]{0,4}$/.test(text) && Number(text) <= 65_535;
}

function checkMountpoint(field: string | undefined, input: UserInput, problems: string[]): void {
  if (field === undefined || !isMountpointField(field)) problems.push(`mountpoint field ${JSON.stringify(field)} is not an absolute normalised safe path`);
  else if (field !== normalizeAbsolute(input.mountpoint)) problems.push(`mountpoint field ${JSON.stringify(field)} is not the user's ${JSON.stringify(input.mountpoint)} normalised`);
}

function checkUserToken(token: string, input: UserInput, client: Client, problems: string[]): void {
  const key = keyOf(token);
  if (!input.optionTokens.includes(token)) problems.push(`option ${JSON.stringify(token)} was neither typed by the user nor made by the backend`);
  if (!isOptionToken(token)) problems.push(`option ${JSON.stringify(token)} is not a safe key or key=value`);
  if (HELPER_ONLY_KEYS.includes(key) || key === 'ping-timeout') problems.push(`helper-only option ${JSON.stringify(token)} reached the backend`);
  if (isFstabOnlyToken(token)) problems.push(`fstab-only option ${JSON.stringify(token)} reached the backend`);
  if (MANAGED_KEYS[client].includes(key)) problems.push(`user option ${JSON.stringify(token)} overrides one the backend manages`);
}

function checkOptionList(list: string | undefined, input: UserInput, client: Client, problems: string[]): void {
  const generated = client === 'gluster' ? GLUSTER_GENERATED : [];
  if (list === undefined || list === '') {
    problems.push('"-o" without a list');
    return;
  }
  for (const token of list.split(',')) {
    const made = generated.find((entry) => keyOf(token) === entry.key);
    if (input.optionTokens.includes(token) || made === undefined) checkUserToken(token, input, client, problems);
    else if (!made.check(token.slice(made.key.length + 1))) problems.push(`backend option ${JSON.stringify(token)} has a malformed value`);
  }
}

/** `mount.glusterfs HOST:/VOL[/SUB] DIR [-o LIST]` (called directly, or as `mount -t glusterfs ...`) */
function checkGlusterMount(args: readonly string[], input: UserInput, problems: string[]): void {
  if (args.length !== 2 && !(args.length === 4 && args[2] === '-o')) problems.push(`unexpected shape ${JSON.stringify(args)}`);
  const source = args[0] ?? '';
  const split = source.indexOf(':/');
  const host = source.slice(0, Math.max(0, split));
  const [, volume = '', ...rest] = source.slice(split + 1).split('/');
  const subdir = rest.length === 0 ? '' : `/${rest.join('/')}`;
  // mount.glusterfs matches its main server bare, IPv6 included
  if (split < 0 || !isHostField(host, 'plain')) problems.push(`source host ${JSON.stringify(host)} is not a host name or IP literal`);
  if (!isVolumeField(volume) || !isSubdirField(subdir)) problems.push(`source path ${JSON.stringify(source.slice(split + 1))} is not /volume[/subdir]`);
  checkMountpoint(args[1], input, problems);
  if (args.length === 4) checkOptionList(args[3], input, 'gluster', problems);
}

/** The mount.glusterfs arguments of a GlusterFS mount command, whichever way it is called; undefined when it is none. */
export function glusterArgs(command: Command): readonly string[] | undefined {
  if (command.file === 'mount' && command.args[0] === '-t' && command.args[1] === 'glusterfs') return command.args.slice(2);
  if (/^(?:\/usr)?\/s?bin\/mount\.glusterfs$|^mount\.glusterfs$/.test(command.file)) return command.args;
  return undefined;
}

/** `mfsmount DIR -H HOST -P PORT [-S SUBDIR] [-o LIST]`, or `mfsmount --version` */
function checkMfsmount(args: readonly string[], input: UserInput, options: { ipv4Only: boolean }, problems: string[]): void {
  if (args.length === 1 && args[0] === '--version') return;
  checkMountpoint(args[0], input, problems);
  const host = args[2] ?? '';
  if (args[1] !== '-H' || !isHostField(host, 'plain') || isIPv6Text(host) || (options.ipv4Only && !isIPv4Text(host))) {
    problems.push(`mfsmount -H ${JSON.stringify(host)} is not an ${options.ipv4Only ? 'IPv4 address' : 'IPv4 address or host name'}`);
  }
  if (args[3] !== '-P' || !isPort(args[4] ?? '')) problems.push(`mfsmount -P ${JSON.stringify(args[4])} is not a port`);
  let index = 5;
  if (args[index] === '-S') {
    const subdir = args[index + 1] ?? '';
    if (subdir === '' || !isSubdirField(subdir)) problems.push(`mfsmount -S ${JSON.stringify(subdir)} is not a subfolder`);
    index += 2;
  }
  if (args[index] === '-o') {
    checkOptionList(args[index + 1], input, 'mfs', problems);
    index += 2;
  }
  if (index !== args.length) problems.push(`unexpected mfsmount arguments ${JSON.stringify(args.slice(index))}`);
}

/** Every problem with a command the mounter asked to run; [] when each field is allowed. */
export function checkCommand(command: Command, input: UserInput, options: { ipv4OnlyMfs: boolean } = { ipv4OnlyMfs: true }): string[] {
  const problems: string[] = [];
  const gluster = glusterArgs(command);
  if (gluster !== undefined) checkGlusterMount(gluster, input, problems);
  else if (command.file === 'mfsmount') checkMfsmount(command.args, input, { ipv4Only: options.ipv4OnlyMfs }, problems);
  else if (command.file === 'umount') {
    const lazy = command.args.length === 2 && command.args[0] === '-l';
    if (!lazy && command.args.length !== 1) problems.push(`unexpected umount arguments ${JSON.stringify(command.args)}`);
    checkMountpoint(command.args[command.args.length - 1], input, problems);
  } else problems.push(`unexpected program ${JSON.stringify(command.file)}`);
  return problems.map((problem) => `${problem} in ${JSON.stringify([command.file, ...command.args])}`);
}
