// A Runner on node:child_process alone. mount.ha runs at boot and per mount: execa costs about
// 110 ms to import here, more than a whole GlusterFS mount (~80 ms), so the helper uses this one.
import { spawn } from 'node:child_process';
import { assertArgvFits } from '../exec/argv-limit.js';
import type { Runner } from '../exec/run.js';

const OUTPUT_MAX = 64 * 1024; // a failing helper's message fits; a runaway one cannot fill memory
const DRAIN_MS = 200; // a daemonised FUSE client can inherit the pipes: stop reading shortly after exit
// after the deadline's SIGKILL, a child stuck in an uninterruptible call (a hard NFS mount) may not
// exit: settle anyway and let go of it, so that it cannot keep this process alive
const KILL_GRACE_MS = 500;

/** Runs an argument array (never a shell) with a SIGKILL deadline, settled at most KILL_GRACE_MS after it; never throws for a failing command. */
export const spawnRunner: Runner = (command, options) =>
  new Promise((resolve) => {
    assertArgvFits(command); // spawn() would throw E2BIG itself: a usage error, not a crash
    const started = performance.now();
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const child = spawn(command.file, command.args, {
      shell: false,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      cwd: options.cwd ?? '/',
    });
    const finish = (result: { exitCode?: number | undefined; signal?: string | undefined; spawnError?: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        exitCode: result.exitCode ?? undefined,
        signal: result.signal ?? undefined,
        stdout: stdout.replace(/\n$/, ''),
        stderr: stderr.replace(/\n$/, ''),
        timedOut,
        ...(result.spawnError === undefined ? {} : { spawnError: result.spawnError }),
        durationMs: performance.now() - started,
      });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
      const grace = setTimeout(() => {
        child.unref();
        child.stdin?.destroy();
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish({});
      }, KILL_GRACE_MS);
      grace.unref();
    }, options.timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (stdout.length < OUTPUT_MAX) stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < OUTPUT_MAX) stderr += chunk.toString();
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    child.once('error', (error) => finish({ spawnError: `${command.file}: ${error.message}` }));
    child.once('close', (code, signal) => finish({ exitCode: code ?? undefined, signal: signal ?? undefined }));
    child.once('exit', (code, signal) => {
      const drain = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish({ exitCode: code ?? undefined, signal: signal ?? undefined });
      }, DRAIN_MS);
      drain.unref();
    });
  });
