import { realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import { formatMode } from './password-file.js';

/**
 * Says why a hook script must not be run as root, or undefined when it is safe. Like keepalived's
 * enable_script_security: the script and every folder on its path (as written and after symlinks)
 * must be owned by root and not writable by group or others, so no other user can swap what
 * ha-mount runs. One exception, as in keepalived: a root-owned folder with the sticky bit (/tmp)
 * is fine, because there users cannot rename or delete entries they do not own.
 * The script must also be a regular, executable file.
 */
export function checkScriptSecurity(path: string): string | undefined {
  if (!isAbsolute(path)) return `the script path ${path} is relative; give an absolute path`;
  let real: string;
  let stats: Stats;
  try {
    real = realpathSync(path);
    stats = statSync(real);
  } catch (error) {
    return `cannot use the script ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
  }
  if (!stats.isFile()) return `the script ${path} is not a regular file`;
  if ((stats.mode & 0o100) === 0) return `the script ${path} is not executable (mode ${formatMode(stats.mode)}); run: chmod 755 ${path}`;
  for (const component of listPathComponents(path, real)) {
    const problem = describeWritableByOthers(component);
    if (problem) {
      const what = component === real || component === path ? 'the script' : 'the folder';
      return `refusing the script ${path}: ${what} ${component} ${problem}, so a non-root user could change what ha-mount runs as root; fix: chown root:root ${component} && chmod go-w ${component}`;
    }
  }
  return undefined;
}

/** The script and its folders up to /, both as written and as resolved, without repeats. */
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
  if (stats.uid !== 0) return `is owned by uid ${stats.uid}, not root`;
  const sticky = stats.isDirectory() && (mode & 0o1000) !== 0;
  if (sticky) return undefined;
  if (mode & 0o002) return `is writable by others (mode ${formatMode(mode)})`;
  if (mode & 0o020) return `is writable by its group (mode ${formatMode(mode)})`;
  return undefined;
}
