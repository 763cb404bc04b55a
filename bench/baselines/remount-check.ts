// The shared loop of the two baseline watchers the bench measures ha-mount against: a check
// (`mountpoint -q`, then `stat` with a timeout) every interval; after `fall` failed checks in a
// row, `umount -l` and the mount command again. Commands run with argument arrays, no shell.
import { appendFileSync } from 'node:fs';
import { runCommand } from '../../src/exec/run.js';
import type { Command } from '../../src/types.js';

/** How one baseline watcher runs. */
export interface RemountCheckOptions {
  mountpoint: string;
  intervalMs: number;
  /** failed checks in a row before a remount (cron-style: 1; keepalived vrrp_script: 3) */
  fall: number;
  /** deadline of each check command */
  timeoutMs: number;
  /** JSON lines: {t, event, ...} */
  log: string;
  /** the mount command, as an argv */
  mount: Command;
}

/** One baseline log line. */
export interface BaselineEvent {
  t: number;
  event: 'start' | 'check-failed' | 'decided' | 'remount-ok' | 'remount-failed';
  detail?: string;
  fails?: number;
}

/** Parses `--mountpoint MP --interval MS --fall N --timeout MS --log FILE -- mount argv...`. Pure. */
export function parseRemountArgs(argv: readonly string[], defaults: { intervalMs: number; fall: number; timeoutMs: number }): RemountCheckOptions {
  const split = argv.indexOf('--');
  const flags = split >= 0 ? argv.slice(0, split) : argv;
  const command = split >= 0 ? argv.slice(split + 1) : [];
  const value = (flag: string): string | undefined => {
    const index = flags.indexOf(flag);
    return index >= 0 ? flags[index + 1] : undefined;
  };
  const mountpoint = value('--mountpoint');
  const log = value('--log');
  const [file, ...args] = command;
  if (mountpoint === undefined || log === undefined || file === undefined) {
    throw new Error('usage: --mountpoint MP --log FILE [--interval MS] [--fall N] [--timeout MS] -- MOUNT-COMMAND ARGS...');
  }
  const number = (flag: string, fallback: number): number => {
    const given = value(flag);
    const parsed = given === undefined ? fallback : Number(given);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${flag}: expected a positive number, got ${given}`);
    return parsed;
  };
  return {
    mountpoint,
    log,
    intervalMs: number('--interval', defaults.intervalMs),
    fall: number('--fall', defaults.fall),
    timeoutMs: number('--timeout', defaults.timeoutMs),
    mount: { file, args },
  };
}

/** The usual script's check: mounted at all, then a stat that answers within the timeout. */
async function checkMount(options: RemountCheckOptions): Promise<string | undefined> {
  const mounted = await runCommand({ file: 'mountpoint', args: ['-q', options.mountpoint] }, { timeoutMs: options.timeoutMs });
  if (mounted.timedOut) return 'mountpoint timed out';
  if (mounted.exitCode !== 0) return 'not mounted';
  const stat = await runCommand({ file: 'stat', args: ['-t', options.mountpoint] }, { timeoutMs: options.timeoutMs });
  if (stat.timedOut) return `stat timed out after ${options.timeoutMs} ms`;
  if (stat.exitCode !== 0) return `stat failed: ${stat.stderr.trim().split('\n').pop() ?? ''}`;
  return undefined;
}

/** umount -l, then the mount command. */
async function remount(options: RemountCheckOptions): Promise<string | undefined> {
  await runCommand({ file: 'umount', args: ['-l', options.mountpoint] }, { timeoutMs: options.timeoutMs });
  const result = await runCommand(options.mount, { timeoutMs: 30_000 });
  if (result.exitCode === 0) return undefined;
  return result.timedOut ? 'mount timed out' : `mount exit ${result.exitCode ?? result.signal}: ${result.stderr.trim().split('\n').pop() ?? ''}`;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the check loop until SIGTERM. */
export async function runRemountCheck(options: RemountCheckOptions): Promise<void> {
  const record = (event: Omit<BaselineEvent, 't'>): void => appendFileSync(options.log, `${JSON.stringify({ t: Date.now(), ...event })}\n`);
  let stopping = false;
  process.once('SIGTERM', () => {
    stopping = true;
    process.exit(0);
  });
  record({ event: 'start', detail: `${options.mountpoint} every ${options.intervalMs} ms, fall ${options.fall}` });
  let fails = 0;
  for (let tick = Date.now(); !stopping; ) {
    const problem = await checkMount(options);
    if (problem === undefined) fails = 0;
    else {
      fails += 1;
      record({ event: 'check-failed', detail: problem, fails });
      if (fails >= options.fall) {
        record({ event: 'decided', detail: problem, fails });
        const failure = await remount(options);
        record(failure === undefined ? { event: 'remount-ok' } : { event: 'remount-failed', detail: failure });
        fails = 0;
      }
    }
    tick += options.intervalMs;
    // a check that overran the interval is followed by the next one at once, as cron would start it
    const wait = tick - Date.now();
    if (wait > 0) await sleep(wait);
    else tick = Date.now();
  }
}
