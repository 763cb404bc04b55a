import { ExitCode, HaMountError } from '../errors.js';
import { formatCommand, runCommand, type RunResult } from '../exec/run.js';
import type { Command } from '../types.js';
import { LAB_DEFAULTS } from './lab-defaults.js';
import { sleep } from './procs.js';

/** Error codes of the lab, stable for tests and logs. */
export type LabErrorCode =
  | 'ha-mount.lab.not-root'
  | 'ha-mount.lab.no-fuse'
  | 'ha-mount.lab.install'
  | 'ha-mount.lab.command'
  | 'ha-mount.lab.timeout'
  | 'ha-mount.lab.interrupted'
  | 'ha-mount.lab.fault'
  | 'ha-mount.lab.subnet';

export function labError(code: LabErrorCode, message: string, cause?: unknown): HaMountError {
  const exitCode = code === 'ha-mount.lab.not-root' ? ExitCode.USAGE : code === 'ha-mount.lab.interrupted' ? ExitCode.INTERRUPTED : ExitCode.SYSTEM;
  return new HaMountError(code, message, exitCode, cause === undefined ? undefined : { cause });
}

/** Renders what a failed command said, for error messages. Pure. */
export function describeFailure(result: RunResult): string {
  if (result.spawnError) return result.spawnError;
  if (result.timedOut) return `no answer within ${Math.round(result.durationMs)} ms (killed)`;
  const output = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ');
  const status = result.signal ? `killed by ${result.signal}` : `exit ${result.exitCode}`;
  return output ? `${status}: ${output}` : status;
}

/** Runs a command and throws a HaMountError naming `what` when it does not exit 0. */
export async function runChecked(command: Command, what: string, timeoutMs: number = LAB_DEFAULTS.commandTimeoutMs): Promise<RunResult> {
  const result = await runCommand(command, { timeoutMs });
  if (result.exitCode !== 0) {
    throw labError('ha-mount.lab.command', `${what} failed: ${formatCommand(command)}: ${describeFailure(result)}`);
  }
  return result;
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  /** appended to the timeout message: where to look (a function when it depends on the last check) */
  hint?: string | (() => string);
}

/**
 * Polls `check` until it returns a value other than undefined/false; throws a timeout error
 * naming `what` (and the last reason `check` gave through `explain`) after `timeoutMs`.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (options.signal?.aborted) throw labError('ha-mount.lab.interrupted', `interrupted while waiting for ${what}`);
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) {
      const text = typeof options.hint === 'function' ? options.hint() : options.hint;
      const hint = text ? `; ${text}` : '';
      throw labError('ha-mount.lab.timeout', `${what}: not ready after ${(options.timeoutMs / 1000).toFixed(0)} s${hint}`);
    }
    await sleep(options.intervalMs ?? LAB_DEFAULTS.pollMs);
  }
}
