// The one fake clock of the unit tests: time moves only when the test says so (`advance`), or,
// with `autoAdvance`, every wait takes no real time (a sleep moves the clock and returns).
import type { Clock, TimerHandle } from '../../src/clock.js';

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

/** Lets pending promise chains run (real macrotask turns; no time passes on the fake clock). */
export const flush = async (): Promise<void> => {
  for (let round = 0; round < 5; round += 1) await new Promise((resolve) => setImmediate(resolve));
};

export class FakeClock implements Clock {
  private timers: Timer[] = [];
  private nextId = 1;
  constructor(
    public time = 1_000_000,
    private readonly options: { autoAdvance?: boolean } = {},
  ) {}
  now = (): number => this.time;
  setTimeout = (callback: () => void, ms: number): TimerHandle => {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, ms), callback };
    this.timers.push(timer);
    if (this.options.autoAdvance) {
      queueMicrotask(() => {
        if (!this.timers.includes(timer)) return;
        this.timers = this.timers.filter((other) => other !== timer);
        this.time = Math.max(this.time, timer.at);
        timer.callback();
      });
    }
    return timer.id;
  };
  clearTimeout = (handle: TimerHandle): void => {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  };
  /** timers not yet fired */
  pending(): number {
    return this.timers.length;
  }
  /** Runs every timer due within `ms`, in time order, letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await flush();
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (next === undefined || next.at > target) break;
      this.timers.shift();
      this.time = next.at;
      next.callback();
      await flush();
    }
    this.time = target;
    await flush();
  }
}
