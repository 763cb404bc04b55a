import { DEFAULTS } from '../defaults.js';
import { createSilentLogger, type Logger } from '../log/logger.js';

/** What $WATCHDOG_USEC and $WATCHDOG_PID ask of this process. */
export type WatchdogSettings =
  | {
      enabled: true;
      /** WATCHDOG_USEC in ms: systemd kills the agent when no WATCHDOG=1 arrives for this long */
      intervalMs: number;
      /** time between two pings, a fraction of the interval */
      pingEveryMs: number;
    }
  | { enabled: false; reason: string };

/**
 * Reads the watchdog request the way sd_watchdog_enabled(3) does: WATCHDOG_USEC must be a
 * positive integer and WATCHDOG_PID, when set, must be our pid (else it is for another
 * process of the service). Pure.
 */
export function parseWatchdogEnv(
  env: NodeJS.ProcessEnv,
  pid: number,
  pingFraction: number = DEFAULTS.watchdog.pingFraction,
): WatchdogSettings {
  const usec = env.WATCHDOG_USEC;
  if (usec === undefined || usec === '') return { enabled: false, reason: 'WATCHDOG_USEC is not set' };
  if (!/^\d+$/.test(usec) || Number(usec) === 0) {
    return { enabled: false, reason: `WATCHDOG_USEC=${JSON.stringify(usec)} is not a positive number of microseconds` };
  }
  const watchdogPid = env.WATCHDOG_PID;
  if (watchdogPid !== undefined && watchdogPid !== '' && watchdogPid !== String(pid)) {
    return { enabled: false, reason: `WATCHDOG_PID=${watchdogPid} is not this process (${pid})` };
  }
  const intervalMs = Number(usec) / 1_000;
  return { enabled: true, intervalMs, pingEveryMs: Math.max(1, Math.floor(intervalMs * pingFraction)) };
}

/** The time source; injected so tests run on a fake clock. */
export interface WatchdogClock {
  now(): number;
}

/** The repeating timer; injected so tests drive ticks by hand. */
export interface WatchdogTimers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** A supervisor that has gone quiet for longer than it is allowed. */
export interface StalledSupervisor {
  name: string;
  silentMs: number;
  limitMs: number;
}

/** What the watchdog needs; only `settings` and `ping` are required. */
export interface WatchdogOptions {
  settings: WatchdogSettings;
  /** sends WATCHDOG=1 (SdNotifier.watchdog) */
  ping: () => unknown;
  clock?: WatchdogClock;
  timers?: WatchdogTimers;
  logger?: Logger;
}

interface Progress {
  lastAt: number;
  limitMs: number;
}

const realTimers: WatchdogTimers = {
  setInterval(callback, ms) {
    const handle = setInterval(callback, ms);
    handle.unref(); // the watchdog alone must not keep the process alive
    return handle;
  },
  clearInterval(handle) {
    clearInterval(handle as NodeJS.Timeout);
  },
};

/**
 * Feeds systemd's watchdog only while the agent works. Its timer reads timestamps in memory
 * and sends a datagram: it never touches a mount, so it cannot hang with one. Each
 * supervisor calls `heartbeat(name)` whenever its loop completes a step (a probe result
 * handled, a "hung" verdict reached by its deadline, a backoff wait over). While every
 * registered supervisor has beaten within the watchdog interval, each tick pings; as soon as
 * one has been silent longer, pings stop (logged once) and systemd restarts the agent. A hung
 * mount alone keeps its supervisor beating, since the verdict "hung" is a completed step.
 */
export class Watchdog {
  private readonly progress = new Map<string, Progress>();
  private readonly clock: WatchdogClock;
  private readonly timers: WatchdogTimers;
  private readonly logger: Logger;
  private handle: unknown;
  private starving = false;

  constructor(private readonly options: WatchdogOptions) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.timers = options.timers ?? realTimers;
    this.logger = options.logger ?? createSilentLogger();
  }

  /** true when systemd asked for a watchdog for this process */
  get enabled(): boolean {
    return this.options.settings.enabled;
  }

  /** Starts watching `name`, counting from now. Registering again resets it. */
  register(name: string): void {
    this.progress.set(name, { lastAt: this.clock.now(), limitMs: this.intervalMs() });
  }

  /** Forgets `name` (a removed mount): its silence no longer stops the pings. */
  unregister(name: string): void {
    this.progress.delete(name);
  }

  /**
   * `name` completed a step. When its next step may legitimately take longer than the watchdog
   * interval (a mount with a 30 s deadline, a long backoff wait), pass `nextWithinMs` so the
   * wait is not taken for a wedge. Registers `name` when it was not.
   */
  heartbeat(name: string, options: { nextWithinMs?: number } = {}): void {
    const limitMs = Math.max(this.intervalMs(), options.nextWithinMs ?? 0);
    this.progress.set(name, { lastAt: this.clock.now(), limitMs });
  }

  /** Supervisors silent for longer than allowed, as of now. */
  findStalled(): StalledSupervisor[] {
    const now = this.clock.now();
    const stalled: StalledSupervisor[] = [];
    for (const [name, { lastAt, limitMs }] of this.progress) {
      const silentMs = now - lastAt;
      if (silentMs > limitMs) stalled.push({ name, silentMs, limitMs });
    }
    return stalled;
  }

  /** Starts the ping timer (and pings at once); does nothing when the watchdog is off. */
  start(): void {
    const { settings } = this.options;
    if (!settings.enabled) {
      this.logger.debug(`systemd watchdog off: ${settings.reason}`);
      return;
    }
    if (this.handle !== undefined) return;
    this.logger.info(`systemd watchdog on: interval ${settings.intervalMs} ms, ping every ${settings.pingEveryMs} ms while supervisors make progress`);
    this.tick();
    this.handle = this.timers.setInterval(() => this.tick(), settings.pingEveryMs);
  }

  stop(): void {
    if (this.handle === undefined) return;
    this.timers.clearInterval(this.handle);
    this.handle = undefined;
  }

  /** One timer tick: pings when no supervisor is stalled. Returns whether it pinged. */
  tick(): boolean {
    const stalled = this.findStalled();
    if (stalled.length === 0) {
      if (this.starving) this.logger.warn('systemd watchdog: every supervisor makes progress again; pinging again');
      this.starving = false;
      void this.options.ping();
      return true;
    }
    if (!this.starving) {
      this.starving = true;
      const names = stalled.map((s) => `${s.name} silent ${Math.round(s.silentMs)} ms (limit ${Math.round(s.limitMs)} ms)`);
      this.logger.error({ stalled }, `systemd watchdog: not pinging: supervisor made no progress: ${names.join('; ')}; systemd will restart the agent`);
    }
    return false;
  }

  private intervalMs(): number {
    const { settings } = this.options;
    return settings.enabled ? settings.intervalMs : Number.POSITIVE_INFINITY;
  }
}

/** Builds the agent's watchdog from this process's environment, pinging through `notifier`. */
export function createWatchdog(
  notifier: { watchdog(): unknown },
  options: { env?: NodeJS.ProcessEnv; pid?: number; clock?: WatchdogClock; timers?: WatchdogTimers; logger?: Logger } = {},
): Watchdog {
  const settings = parseWatchdogEnv(options.env ?? process.env, options.pid ?? process.pid);
  return new Watchdog({
    settings,
    ping: () => notifier.watchdog(),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
