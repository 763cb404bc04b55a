import { hostname } from 'node:os';
import type { Logger } from '../log/logger.js';
import { logTransition } from '../notify/transition-log.js';
import { createSupervisor, type Supervisor } from '../supervisor/supervisor.js';
import type { SupervisorDeps } from '../supervisor/supervisor-types.js';
import type { MountSpec, TransitionEvent } from '../types.js';
import { createSupervisorDeps, type SupervisorHooks } from './supervisor-deps.js';

/** Options of `ha-mount mount --watch`. */
export interface WatchMountOptions {
  logger: Logger;
  hooks?: SupervisorHooks;
  host?: string;
  /** ends the watch (SIGTERM/SIGINT in the CLI); the mount stays */
  signal: AbortSignal;
  /** default: the real machine */
  createDeps?: (spec: MountSpec, onTransition: (event: TransitionEvent) => void) => SupervisorDeps;
  /** called once the supervisor runs (tests) */
  onStarted?: (supervisor: Supervisor) => void;
}

/**
 * Watches one mount in the foreground with the agent's supervisor, until `signal` aborts. The
 * mount command calls it after mounting: the supervisor adopts the fresh mount (no remount)
 * and repairs it like the agent would. Transitions are logged one line each.
 */
export async function watchMount(spec: MountSpec, options: WatchMountOptions): Promise<void> {
  const host = options.host ?? hostname();
  const onTransition = (event: TransitionEvent): void => {
    logTransition(options.logger, event);
    options.hooks?.onTransition?.(event);
  };
  const deps = options.createDeps?.(spec, onTransition) ?? createSupervisorDeps(spec, { logger: options.logger, host, onTransition, ...(options.hooks ? { hooks: options.hooks } : {}) });
  const supervisor = createSupervisor(spec, deps);
  supervisor.start();
  options.onStarted?.(supervisor);
  if (options.signal.aborted) {
    supervisor.stop();
    return;
  }
  // a referenced timer keeps the process up: the supervisor's own timers are unref'd
  const keepAlive = setInterval(() => undefined, 60_000);
  await new Promise<void>((resolve) => options.signal.addEventListener('abort', () => resolve(), { once: true }));
  clearInterval(keepAlive);
  supervisor.stop();
}
