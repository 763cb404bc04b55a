import { DEFAULTS } from '../defaults.js';
import type { Runner } from '../exec/run.js';
import type { BackendEnvironment } from './backend.js';

/**
 * Runs `mfsmount --version` and returns the environment for MFS backends. MooseFS prints its
 * version line on stdout and fusermount's on stderr, so both are kept. No mfsmount: undefined.
 */
export async function readMfsmountEnvironment(runner: Runner): Promise<BackendEnvironment> {
  const result = await runner({ file: 'mfsmount', args: ['--version'] }, { timeoutMs: DEFAULTS.commands.versionTimeoutMs });
  if (result.spawnError !== undefined) return {};
  const text = `${result.stdout}\n${result.stderr}`;
  const line = text.split('\n').find((candidate) => /version/i.test(candidate) && !/fusermount|FUSE kernel|FUSE library/i.test(candidate));
  const shown = line ?? text.split('\n').find((candidate) => candidate.trim() !== '') ?? `mfsmount --version gave no output (exit ${result.exitCode ?? result.signal})`;
  return { mfsmountVersion: shown.trim() };
}
