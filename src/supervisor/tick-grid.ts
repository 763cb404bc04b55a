import type { Clock, TimerHandle } from '../clock.js';

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

interface GridTimer {
  due: number;
  fire: () => void;
  cleared?: true;
}

/**
 * A clock whose timers due at the same moment share one timer of `clock`, and run together
 * inside `around`: the mounts' ticks, aligned on one grid point, wake the agent once, and
 * `around` lets them share what each would read alone (one mountinfo read for the turn, see
 * withMountInfoSnapshot). Each timer can still be cleared by itself.
 */
export function createGridClock(clock: Clock, around: (run: () => void) => void): Clock {
  const groups = new Map<number, { handle: TimerHandle; timers: Set<GridTimer> }>();
  return {
    now: () => clock.now(),
    setTimeout(fire, ms) {
      const delay = Math.max(0, ms);
      const due = clock.now() + delay;
      let group = groups.get(due);
      if (group === undefined) {
        const timers = new Set<GridTimer>();
        const handle = clock.setTimeout(() => {
          groups.delete(due);
          around(() => {
            for (const timer of timers) if (timer.cleared === undefined) timer.fire();
          });
        }, delay);
        groups.set(due, (group = { handle, timers }));
      }
      const timer: GridTimer = { due, fire };
      group.timers.add(timer);
      return timer;
    },
    clearTimeout(handle) {
      const timer = handle as GridTimer;
      timer.cleared = true; // also when its group is running now
      const group = groups.get(timer.due);
      if (group === undefined || !group.timers.delete(timer)) return;
      if (group.timers.size > 0) return;
      clock.clearTimeout(group.handle);
      groups.delete(timer.due);
    },
  };
}
