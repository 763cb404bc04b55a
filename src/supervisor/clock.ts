/** A timer handle as the clock that made it knows it. */
export type TimerHandle = unknown;

/** Time and timers, injected so that supervisors run on a fake clock in tests. */
export interface Clock {
  /** ms since the epoch */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock. Timers are unref'd: only the agent's own lifetime keeps the process up. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, Math.max(0, ms));
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
