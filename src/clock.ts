/** A timer handle as the clock that made it knows it. */
export type TimerHandle = unknown;

/**
 * Time and timers, injected wherever timing is logic (supervisors, backoff, coalescing, rate
 * limits, retries), so tests run it on a fake clock, never with sleeps.
 */
export interface Clock {
  /** ms since the epoch */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock. Timers are unref'd: a pending retry or probe must not keep a finished process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, Math.max(0, ms));
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * The real clock for the mount path (mount.ha, `ha-mount mount` and `umount`, and the agent's
 * remounts): its timers are ref'd, so a command waiting for a mount to appear or a daemon to end
 * stays alive until the wait is over (with systemClock's, Node would end the process mid-wait
 * with exit 13, an unsettled top-level await). Each wait is short and bounded.
 */
export const commandClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, Math.max(0, ms)),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Resolves after `ms` on `clock` (a fake clock's waits take no real time). */
export function sleep(clock: Pick<Clock, 'setTimeout'>, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

/** One-shot timers by name: at most one pending per name. */
export interface NamedTimers<Name> {
  /** (re)starts timer `name`: `fire` runs once after `ms` unless the timer is cleared or set again first */
  set(name: Name, ms: number, fire: () => void): void;
  /** clears timer `name` when it is pending */
  clear(name: Name): void;
}

/** Named one-shot timers on `clock`; setting a name again replaces its pending timer. */
export function createNamedTimers<Name>(clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>): NamedTimers<Name> {
  const handles = new Map<Name, TimerHandle>();
  const clear = (name: Name): void => {
    const handle = handles.get(name);
    if (handle !== undefined) clock.clearTimeout(handle);
    handles.delete(name);
  };
  return {
    set(name, ms, fire) {
      clear(name);
      const handle = clock.setTimeout(() => {
        handles.delete(name);
        fire();
      }, ms);
      handles.set(name, handle);
    },
    clear,
  };
}
