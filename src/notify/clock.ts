/** An opaque timer handle from a Clock. */
export type TimerHandle = unknown;

/**
 * Time as the notifier sees it. Injected so that coalescing, rate limits and retry backoff run
 * on a fake clock in tests, never with sleeps.
 */
export interface Clock {
  /** ms since the epoch */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock. Timers are unref'ed: a pending retry must not keep a finished process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
