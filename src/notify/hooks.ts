import { formatDuration } from '../config/duration.js';
import { formatCommand, runCommand, type Runner } from '../exec/run.js';
import type { Logger } from '../log/logger.js';
import type { Command, TransitionEvent } from '../types.js';
import type { Clock } from '../clock.js';
import type { HookName, HooksConfig } from './notify-config.js';

/**
 * How a hook script runs: in its own process group, so the deadline also ends a `sleep` it
 * started; done shortly after it exits even when a child it left behind holds its stdout
 * (`mail ... &`), so that child does not hold up the next hook. Output kept up to `outputMax`.
 */
export function createHookRunner(outputMax: number): Runner {
  return (command, options) => runCommand(command, { ...options, processGroup: true, outputMax, drainMs: 20 });
}

/** One script run for one transition. */
export interface HookJob {
  hook: HookName;
  command: Command;
  env: Record<string, string>;
  event: TransitionEvent;
}

/** What the hook channel needs from outside. */
export interface HookChannelDeps {
  logger: Logger;
  run: Runner;
  clock: Clock;
}

/** Transitions in, scripts run one at a time in event order. */
export interface HookChannel {
  add(event: TransitionEvent): void;
  status(): { queued: number; ran: number; failed: number; dropped: number };
  /** waits up to `deadlineMs` for the queue to drain; returns the jobs that did not run */
  close(deadlineMs: number): Promise<HookJob[]>;
}

/**
 * Builds the jobs for one transition, keepalived-style: the per-state script (notify_failed...)
 * then the generic `notify`, each called as `MOUNT <name> <STATE> <reason>` with the details in
 * HA_MOUNT_* variables. Pure.
 */
export function buildHookJobs(scripts: HooksConfig['scripts'], event: TransitionEvent, host: string): HookJob[] {
  const env = buildHookEnv(event, host);
  const args = ['MOUNT', event.mount, event.to.toUpperCase(), event.reason];
  const names: HookName[] = [`notify_${event.to}`, 'notify'];
  return names.flatMap((hook) => {
    const file = scripts[hook];
    return file === undefined ? [] : [{ hook, command: { file, args }, env, event }];
  });
}

/** The environment a hook sees; every variable is set (empty when unknown) so none leaks in from ha-mount's own environment. */
export function buildHookEnv(event: TransitionEvent, host: string): Record<string, string> {
  return {
    HA_MOUNT_SEQ: String(event.seq),
    HA_MOUNT_AT: new Date(event.at).toISOString(),
    HA_MOUNT_HOST: host,
    HA_MOUNT_NAME: event.mount,
    HA_MOUNT_MOUNTPOINT: event.mountpoint,
    HA_MOUNT_FROM: event.from,
    HA_MOUNT_TO: event.to,
    HA_MOUNT_STATE: event.to.toUpperCase(),
    HA_MOUNT_REASON: event.reason,
    HA_MOUNT_SERVER: event.server ?? '',
    HA_MOUNT_ACTION: event.action ?? '',
    HA_MOUNT_OUTAGE_MS: event.outageMs === undefined ? '' : String(Math.round(event.outageMs)),
  };
}

/**
 * Creates the hook queue: a bounded FIFO with one runner, so a slow hook delays later ones but
 * never lets them overtake it (keepalived runs notify scripts concurrently, and users saw the
 * last message not match the real state). A hook past its timeout is killed and the next runs.
 */
export function createHookChannel(config: HooksConfig, host: string, deps: HookChannelDeps): HookChannel {
  const { logger, run, clock } = deps;
  const queue: HookJob[] = [];
  const counters = { ran: 0, failed: 0, dropped: 0 };
  let running = false;
  let closed = false;
  let onIdle: (() => void) | undefined;

  // the scripts were checked when the config was loaded (parseNotifyConfig); nothing here touches
  // their paths, as a stat or realpath on the agent's loop could block it (a script on a hung mount)
  const runJob = async (job: HookJob): Promise<void> => {
    const result = await run(job.command, { timeoutMs: config.timeoutMs, env: job.env });
    counters.ran += 1;
    const fields = { hook: job.hook, seq: job.event.seq, mount: job.event.mount, command: formatCommand(job.command), exitCode: result.exitCode, durationMs: Math.round(result.durationMs) };
    if (result.timedOut) {
      counters.failed += 1;
      logger.warn({ ...fields, stderr: result.stderr }, `notify hook ${job.hook} killed after ${formatDuration(config.timeoutMs)} (notify.hooks.timeout); the next hook runs now`);
    } else if (result.spawnError !== undefined || result.exitCode !== 0) {
      counters.failed += 1;
      logger.warn({ ...fields, signal: result.signal, stderr: result.stderr }, `notify hook ${job.hook} failed: ${result.spawnError ?? (result.signal ? `killed by ${result.signal}` : `exit ${result.exitCode}`)}${result.stderr ? `: ${result.stderr.split('\n')[0]}` : ''}`);
    } else {
      logger.debug(fields, `notify hook ${job.hook} done`);
    }
  };

  const pump = (): void => {
    if (running) return;
    const job = queue.shift();
    if (!job) {
      onIdle?.();
      return;
    }
    running = true;
    runJob(job)
      .catch((error: unknown) => logger.error({ hook: job.hook, err: error }, `notify hook ${job.hook} could not run: ${String(error)}`))
      .finally(() => {
        running = false;
        pump();
      });
  };

  return {
    add(event) {
      if (closed) return;
      for (const job of buildHookJobs(config.scripts, event, host)) {
        if (queue.length >= config.queueMax) {
          const dropped = queue.shift();
          counters.dropped += 1;
          logger.error({ hook: dropped?.hook, seq: dropped?.event.seq }, `notify hook queue full (${config.queueMax}); dropped the oldest (${dropped?.hook} for #${dropped?.event.seq}): a hook is too slow for the rate of transitions`);
        }
        queue.push(job);
      }
      pump();
    },
    status: () => ({ queued: queue.length, ...counters }),
    async close(deadlineMs) {
      closed = true;
      if (running || queue.length > 0) {
        let deadline: unknown;
        await new Promise<void>((resolve) => {
          onIdle = resolve;
          deadline = clock.setTimeout(resolve, deadlineMs);
        });
        clock.clearTimeout(deadline);
      }
      onIdle = undefined;
      return queue.splice(0);
    },
  };
}
