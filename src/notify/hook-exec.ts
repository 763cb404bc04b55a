import { spawn } from 'node:child_process';
import type { Runner, RunResult } from '../exec/run.js';

/**
 * Runs a hook script: argument array, no shell, in its own process group. On timeout the whole
 * group gets SIGKILL, so a `sleep` the script started dies with it. The result comes when the
 * script itself exits: a child it left behind holding stdout (`mail ... &`) does not hold up the
 * next hook (runCommand would wait for that pipe to close). Output is kept up to `outputMax` bytes.
 */
export function createHookExec(outputMax: number): Runner {
  return (command, options) =>
    new Promise<RunResult>((resolve) => {
      const started = performance.now();
      const output = { stdout: '', stderr: '' };
      let timedOut = false;
      let settled = false;
      const child = spawn(command.file, command.args, {
        shell: false,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...options.env },
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      });
      const collect = (key: 'stdout' | 'stderr') => (chunk: Buffer) => {
        if (output[key].length < outputMax) output[key] += chunk.toString('utf8').slice(0, outputMax - output[key].length);
      };
      child.stdout.on('data', collect('stdout'));
      child.stderr.on('data', collect('stderr'));
      const killGroup = (): void => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // the group is already gone
        }
      };
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup();
      }, options.timeoutMs);
      const finish = (result: Omit<RunResult, 'stdout' | 'stderr' | 'timedOut' | 'durationMs'>): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.stdout.destroy();
        child.stderr.destroy();
        resolve({ ...result, stdout: output.stdout.trimEnd(), stderr: output.stderr.trimEnd(), timedOut, durationMs: performance.now() - started });
      };
      child.on('error', (error) => finish({ exitCode: undefined, signal: undefined, spawnError: error.message }));
      child.on('exit', (code, signal) => {
        // let output already written reach us before the pipes are dropped
        setImmediate(() => finish({ exitCode: code ?? undefined, signal: signal ?? undefined }));
      });
    });
}
