/** What `withDeadline` gives back: the value, or that the deadline passed first. */
export type DeadlineResult<T> = { done: true; value: T } | { done: false };

/**
 * Races a promise against a timer that never keeps the process alive and is always cleared, so a
 * call that never answers (a black-hole server, a stuck resolver) cannot hold the caller.
 */
export async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<DeadlineResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<DeadlineResult<T>>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), Math.max(0, ms));
    timer.unref?.();
  });
  try {
    return await Promise.race([promise.then((value) => ({ done: true as const, value })), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Renders ms as users read a timeout: "1.5 s", "4 s", "500 ms". */
export function formatSeconds(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${Number((ms / 1_000).toFixed(1))} s`;
}
