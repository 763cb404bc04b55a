// A check of a path that may sit on or below a network mount runs as a child process with a
// deadline, never in this process or Node's thread pool: such a call can block for as long as a
// server is gone, and a pending call keeps the process alive past any deadline of ours. One
// `realpath -e -- PATH/.` answers everything the mountpoint check asks: it exists, it is a folder
// ("/." fails with ENOTDIR otherwise), and its real path (the kernel lists mounts by that one).
import { DEFAULTS } from '../defaults.js';
import { runCommand, type Runner } from '../exec/run.js';
import { errnoFromText } from '../probes/errno-text.js';

/** What the out-of-process check of a folder found. */
export type DirectoryCheck =
  | { ok: true; /** the folder's real path */ real: string }
  /** `code`: an errno name (ENOENT, ENOTDIR, EACCES, ENOTCONN...), ETIMEDOUT when the deadline passed */
  | { ok: false; code: string; detail: string };

/**
 * Checks that `path` is an existing folder and finds its real path, in a `realpath` child killed
 * after `timeoutMs` (DEFAULTS.commands.pathCheckTimeoutMs). Never throws.
 */
export async function checkDirectory(path: string, options: { runner?: Runner; timeoutMs?: number } = {}): Promise<DirectoryCheck> {
  const timeoutMs = options.timeoutMs ?? DEFAULTS.commands.pathCheckTimeoutMs;
  const target = path.endsWith('/') ? `${path}.` : `${path}/.`;
  const result = await (options.runner ?? runCommand)({ file: 'realpath', args: ['-e', '--', target] }, { timeoutMs, cwd: '/', env: { LC_ALL: 'C' } });
  if (result.timedOut) return { ok: false, code: 'ETIMEDOUT', detail: `no answer within ${timeoutMs / 1_000} s (the check was killed)` };
  if (result.spawnError !== undefined) return { ok: false, code: 'ESPAWN', detail: result.spawnError };
  if (result.exitCode === 0 && result.stdout.startsWith('/')) return { ok: true, real: result.stdout };
  const line = result.stderr.split('\n').find((text) => text.trim() !== '') ?? `realpath exited ${result.exitCode ?? result.signal}`;
  const text = line.slice(line.lastIndexOf(': ') + 2);
  return { ok: false, code: errnoFromText(text), detail: text };
}
