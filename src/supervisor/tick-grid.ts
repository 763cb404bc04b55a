/**
 * The delay of a mount's next probe tick, moved to the nearest point of a shared grid of
 * `gridMs` on the wall clock, so that every mount of one agent ticks in the same turn of the
 * event loop: their probe requests leave in one pipe write, and the agent wakes once per grid
 * point instead of once per mount. A tick moves by at most half the grid, never earlier than
 * now, and an immediate tick (0) stays immediate. Pure.
 */
export function alignTickDelay(now: number, delayMs: number, gridMs: number | undefined): number {
  if (gridMs === undefined || gridMs <= 0 || delayMs <= 0) return delayMs;
  const due = Math.round((now + delayMs) / gridMs) * gridMs;
  return due > now ? due - now : due + gridMs - now;
}
