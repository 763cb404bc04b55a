// The launchers install writes make mount(8) and systemd run node on this package's files as root.
// Whoever can change those files, or a folder above them, runs code as root: install checks them.
import { lstatSync, readdirSync, realpathSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, HaMountError } from '../errors.js';
import { checkPathTrust, checkScriptSecurity, listTrustedUids, type TrustedFileRole } from '../notify/script-security.js';
import { formatMode } from '../notify/password-file.js';

const PACKAGE: TrustedFileRole = { what: 'the ha-mount package', risk: 'change the code mount.ha and the agent run as root' };
const NODE: TrustedFileRole = { what: 'the node binary', risk: 'change what mount.ha and the agent run as root' };
// what the launchers load: the built code, the dependencies and the package manifest
const LOADED = ['dist', 'node_modules', 'package.json'];
const SHOWN_MAX = 5;

/** Why one entry of the package tree could be changed by another user, or undefined. */
function describeEntry(path: string, stats: Stats): string | undefined {
  if (!listTrustedUids().includes(stats.uid)) return `${path} is owned by uid ${stats.uid}`;
  if (stats.isSymbolicLink()) return undefined; // a link cannot be changed in place; its target is checked on its own
  const mode = stats.mode & 0o7777;
  if (mode & 0o022) return `${path} is writable by ${mode & 0o002 ? 'others' : 'its group'} (mode ${formatMode(mode)})`;
  return undefined;
}

/** Every entry below `root` that fails describeEntry, symlink targets included, folders first. */
function findUntrusted(root: string): string[] {
  const problems: string[] = [];
  const walk = (path: string): void => {
    let stats: Stats;
    try {
      stats = lstatSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') problems.push(`${path} cannot be checked (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      return;
    }
    const problem = describeEntry(path, stats);
    if (problem) problems.push(problem);
    if (stats.isSymbolicLink()) {
      const target = safeRealpath(path);
      const targetProblem = target === undefined ? `${path} is a dangling symlink` : checkPathTrust(target, PACKAGE);
      if (targetProblem) problems.push(targetProblem);
    } else if (stats.isDirectory()) {
      for (const name of readdirSync(path).sort()) walk(join(path, name));
    }
  };
  walk(root);
  return problems;
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Refuses to install launchers that would run, as root, code another user can change: node, the
 * package folder and every folder above it, and every file and folder the launchers load
 * (dist/, node_modules/, package.json) must be owned by root (or the installing user) and not
 * writable by group or others.
 */
export function checkPackageTrust(packageRoot: string, nodePath: string): void {
  const problems = [checkScriptSecurity(nodePath, NODE), checkPathTrust(packageRoot, PACKAGE), ...LOADED.flatMap((name) => findUntrusted(join(packageRoot, name)))].filter((problem): problem is string => problem !== undefined);
  if (problems.length === 0) return;
  const shown = problems.slice(0, SHOWN_MAX).join('; ');
  const more = problems.length > SHOWN_MAX ? `; and ${problems.length - SHOWN_MAX} more` : '';
  throw new HaMountError(
    'ha-mount.install.untrusted-package',
    `cannot install: mount.ha and the agent would run, as root, code that another user can change: ${shown}${more}. Install from a root-owned copy (chown -R root:root ${packageRoot} && chmod -R go-w ${packageRoot}) and run install again. Nothing was written.`,
    ExitCode.USAGE,
  );
}
