import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Command } from '../types.js';

/** What one probe child gave back. */
export interface StepOutput {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** set when the command could not be started (ENOENT, EACCES...) */
  spawnError?: string;
}

/** One probe child in flight. `done` settles only once the child has exited. */
export interface RunningStep {
  done: Promise<StepOutput>;
  kill(): void;
}

const OUTPUT_CAP = 64 * 1024; // probe tools print a few lines; a cap keeps a runaway child harmless

/**
 * Spawns a coreutils probe step from an argument array (no shell), with LC_ALL=C so error
 * texts parse. There is no deadline here: the caller owns it and calls `kill()` (SIGKILL);
 * `done` still waits for the child to exit, because a child blocked in a FUSE call may only die
 * when that call returns, and no new probe may start before then.
 */
export function spawnStep(command: Command, input?: string): RunningStep {
  const child = spawn(command.file, command.args, {
    shell: false,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    cwd: '/',
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    if (stdout.length < OUTPUT_CAP) stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < OUTPUT_CAP) stderr += chunk;
  });
  if (input !== undefined && child.stdin) {
    child.stdin.on('error', () => undefined); // EPIPE when the child died first: its exit status tells
    child.stdin.end(input);
  }
  const done = new Promise<StepOutput>((resolve) => {
    let spawnError: string | undefined;
    child.once('error', (error) => {
      spawnError = `${command.file}: ${error.message}`;
      if (child.pid === undefined) resolve({ exitCode: null, signal: null, stdout, stderr, spawnError });
    });
    child.once('close', (exitCode, signal) => {
      resolve(spawnError === undefined ? { exitCode, signal, stdout, stderr } : { exitCode, signal, stdout, stderr, spawnError });
    });
  });
  return {
    done,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      // a child whose FUSE request already reached the daemon sleeps uninterruptibly until the
      // server answers: `done` still waits for it, but it must not keep a stopping agent alive
      child.unref();
      for (const stream of [child.stdout, child.stderr]) (stream as Socket | null)?.unref?.();
    },
  };
}
