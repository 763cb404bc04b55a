import { execa } from 'execa';
import type { Command } from '../types.js';
import { assertArgvFits } from './argv-limit.js';

/** What a finished command gave back. A non-zero exit is a result, not an exception. */
export interface RunResult {
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** set when the command could not be started at all (ENOENT, EACCES) */
  spawnError?: string;
  durationMs: number;
}

export interface RunOptions {
  timeoutMs: number;
  input?: string;
  env?: Record<string, string>;
  cwd?: string;
}

/** Runs commands; injected so that unit tests never exec. */
export type Runner = (command: Command, options: RunOptions) => Promise<RunResult>;

/**
 * Runs a command from an argument array (never a shell), with a hard deadline after which it
 * is killed with SIGKILL. Never throws for a failing command; throws a usage error for one the
 * kernel would refuse to start (argv too long).
 */
export const runCommand: Runner = async (command, options) => {
  assertArgvFits(command); // execa would report E2BIG with the whole argv in its message
  const started = performance.now();
  const result = await execa(command.file, command.args, {
    shell: false,
    reject: false,
    timeout: options.timeoutMs,
    killSignal: 'SIGKILL',
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    env: options.env,
    cwd: options.cwd,
    stripFinalNewline: true,
  });
  const spawnError =
    result.failed && result.exitCode === undefined && !result.timedOut && !result.signal
      ? result.shortMessage
      : undefined;
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    timedOut: result.timedOut,
    ...(spawnError === undefined ? {} : { spawnError }),
    durationMs: performance.now() - started,
  };
};

/** Renders a command for messages and `-f` output; quoting only for display. */
export function formatCommand(command: Command): string {
  const quote = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);
  return [command.file, ...command.args].map(quote).join(' ');
}
