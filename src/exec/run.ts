// The one way ha-mount runs a command: an argument array (never a shell), a deadline, an output
// cap, optionally its own process group, and a kill handle. On node:child_process alone: mount.ha
// runs at boot and per mount, and execa cost about 110 ms to import, more than a GlusterFS mount.
import { spawn } from 'node:child_process';
import { DEFAULTS } from '../defaults.js';
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
  /** added to this process's environment */
  env?: Record<string, string | undefined>;
  /** default: this process's (the mount path passes "/": a child must not hold a working folder on a mount that may hang) */
  cwd?: string;
  /** bytes kept of stdout and of stderr each (default DEFAULTS.commands.outputMax) */
  outputMax?: number;
  /** its own process group: the deadline and kill() end the whole group (a hook's `sleep` too) */
  processGroup?: boolean;
  /** after the command exits, how long its pipes may stay open (a daemonised child can inherit them) */
  drainMs?: number;
  /** every chunk of output as it comes (progress lines), besides what the result keeps */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
}

/** A command under way. */
export interface RunningCommand {
  result: Promise<RunResult>;
  /** SIGKILL now (the whole group with `processGroup`) */
  kill(): void;
}

/** Runs commands; injected so that unit tests never exec. */
export type Runner = (command: Command, options: RunOptions) => Promise<RunResult>;

/**
 * Starts `command`; never throws for a failing command: the result says how it ended. Throws a
 * usage error, before anything starts, for a command the kernel would refuse (argv too long).
 */
export function startCommand(command: Command, options: RunOptions): RunningCommand {
  assertArgvFits(command); // spawn would report E2BIG with no word on which argument
  const started = performance.now();
  const outputMax = options.outputMax ?? DEFAULTS.commands.outputMax;
  const output = { stdout: '', stderr: '' };
  let timedOut = false;
  let settled = false;
  const child = spawn(command.file, command.args, {
    shell: false,
    detached: options.processGroup === true,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: options.env === undefined ? process.env : { ...process.env, ...options.env },
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  const kill = (): void => {
    try {
      if (options.processGroup && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      // already gone
    }
  };
  const result = new Promise<RunResult>((resolve) => {
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
      // a child stuck in an uninterruptible call (below a hung mount) may not exit even then:
      // settle anyway and let go of it, so that it cannot keep this process alive
      const grace = setTimeout(() => {
        child.unref();
        child.stdin?.destroy();
        finish({});
      }, DEFAULTS.commands.killGraceMs);
      grace.unref();
    }, options.timeoutMs);
    const finish = (end: { exitCode?: number | null; signal?: string | null; spawnError?: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve({
        exitCode: end.exitCode ?? undefined,
        signal: end.signal ?? undefined,
        stdout: output.stdout.replace(/\n$/, ''),
        stderr: output.stderr.replace(/\n$/, ''),
        timedOut,
        ...(end.spawnError === undefined ? {} : { spawnError: end.spawnError }),
        durationMs: performance.now() - started,
      });
    };
    const collect = (key: 'stdout' | 'stderr') => (chunk: Buffer): void => {
      options.onOutput?.(chunk.toString('utf8'), key);
      if (output[key].length < outputMax) output[key] += chunk.toString('utf8').slice(0, outputMax - output[key].length);
    };
    child.stdout?.on('data', collect('stdout'));
    child.stderr?.on('data', collect('stderr'));
    child.stdin?.on('error', () => undefined); // a command that exits without reading its input
    if (options.input !== undefined) child.stdin?.end(options.input);
    child.once('error', (error) => finish({ spawnError: `${command.file}: ${error.message}` }));
    child.once('close', (exitCode, signal) => finish({ exitCode, signal }));
    child.once('exit', (exitCode, signal) => {
      const drain = setTimeout(() => finish({ exitCode, signal }), options.drainMs ?? DEFAULTS.commands.drainMs);
      drain.unref();
    });
  });
  return { result, kill };
}

/** Runs a command to its end (see startCommand). */
// async: a command refused before it starts (argv too long) rejects like any other failure to run
export const runCommand: Runner = async (command, options) => startCommand(command, options).result;

/** Renders a command for messages and `-f` output; quoting only for display. */
export function formatCommand(command: Command): string {
  const quote = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);
  return [command.file, ...command.args].map(quote).join(' ');
}
