import { realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import { locatePath, networkPathError, readOwnMountInfo } from '../mount/local-path.js';
import type { MountInfoEntry } from '../mount/mountinfo.js';
import { formatMode } from './password-file.js';

/** What a checked file is, for messages: its name and what another user could do with it. */
export interface TrustedFileRole {
  /** "the script", "the config file", "the CA file"... */
  what: string;
  /** "change what ha-mount runs as root" */
  risk: string;
}

const SCRIPT: TrustedFileRole = { what: 'the script', risk: 'change what ha-mount runs as root' };

/**
 * The uids whose files ha-mount trusts: root, and the user it runs as (an agent run by a user
 * runs nothing with more rights than that user has). Any other owner could change the file.
 */
export function listTrustedUids(euid: number = process.geteuid?.() ?? 0): number[] {
  return euid === 0 ? [0] : [0, euid];
}

/**
 * Says why a hook script (or a post-remount command) must not be run as root, or undefined when it
 * is safe. Like keepalived's enable_script_security: the script and every folder on its path (as
 * written and after symlinks) must be owned by root and not writable by group or others, so no
 * other user can swap what ha-mount runs. One exception, as in keepalived: a root-owned folder with
 * the sticky bit (/tmp) is fine, because there users cannot rename or delete entries they do not
 * own. The script must also be a regular, executable file. Touches the file system: call it when
 * the config is loaded, never from the agent's loop at run time.
 */
export function checkScriptSecurity(path: string, role: TrustedFileRole = SCRIPT): string | undefined {
  if (!isAbsolute(path)) return `${role.what} path ${path} is relative; give an absolute path`;
  const remote = describeNetworkPath(path, role);
  if (remote) return remote;
  const stats = statOrProblem(path, role);
  if (typeof stats === 'string') return stats;
  if (!stats.isFile()) return `${role.what} ${path} is not a regular file`;
  if ((stats.mode & 0o100) === 0) return `${role.what} ${path} is not executable (mode ${formatMode(stats.mode)}); run: chmod 755 ${path}`;
  return checkPathTrust(path, role);
}

/**
 * Says why a file ha-mount acts on as root (a config granting commands, a CA or password file, the
 * package it runs) could be changed by another user, or undefined when it cannot: the file and
 * every folder on its path, as written and after symlinks, owned by root (or ha-mount's own user)
 * and not writable by group or others (root-owned sticky folders excepted, as in /tmp).
 */
export function checkPathTrust(path: string, role: TrustedFileRole): string | undefined {
  const remote = describeNetworkPath(path, role);
  if (remote) return remote;
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    return `cannot use ${role.what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
  }
  for (const component of listPathComponents(path, real)) {
    const problem = describeWritableByOthers(component);
    if (problem) {
      const what = component === real || component === path ? role.what : 'the folder';
      return `refusing ${role.what} ${path}: ${what} ${component} ${problem}, so another user could ${role.risk}; fix: chown root:root ${component} && chmod go-w ${component}`;
    }
  }
  return undefined;
}

/**
 * Says why `path` must not be touched from this process: it is on, or leads through a symlink
 * into, a network or FUSE mount, where a stat or realpath can block for as long as a server is
 * gone. Found from mountinfo, without entering any such mount.
 */
export function describeNetworkPath(path: string, role: TrustedFileRole, entries: readonly MountInfoEntry[] = readOwnMountInfo()): string | undefined {
  try {
    const place = locatePath(path, entries);
    return place.kind === 'network' ? networkPathError(role.what, path, place).message : undefined;
  } catch (error) {
    return `cannot use ${role.what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
  }
}

function statOrProblem(path: string, role: TrustedFileRole): Stats | string {
  try {
    return statSync(realpathSync(path));
  } catch (error) {
    return `cannot use ${role.what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
  }
}

/** The file and its folders up to /, both as written and as resolved, without repeats. */
function listPathComponents(path: string, real: string): string[] {
  const seen = new Set<string>();
  for (const start of [path, real]) {
    for (let current = start; ; current = dirname(current)) {
      seen.add(current);
      if (dirname(current) === current) break;
    }
  }
  return [...seen];
}

function describeWritableByOthers(path: string): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    return `cannot be checked (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  const mode = stats.mode & 0o7777;
  const trusted = listTrustedUids();
  if (!trusted.includes(stats.uid)) return `is owned by uid ${stats.uid}, not root${trusted.length > 1 ? ` or uid ${trusted[1]} (ha-mount's own user)` : ''}`;
  const sticky = stats.isDirectory() && (mode & 0o1000) !== 0;
  if (sticky) return undefined;
  if (mode & 0o002) return `is writable by others (mode ${formatMode(mode)})`;
  if (mode & 0o020) return `is writable by its group (mode ${formatMode(mode)})`;
  return undefined;
}
