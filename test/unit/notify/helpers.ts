import { createLogger, type Logger } from '../../../src/log/logger.js';
import type { Clock, TimerHandle } from '../../../src/clock.js';
import type { TransitionEvent } from '../../../src/types.js';

/** A clock whose time moves only when the test says so. */
export interface FakeClock extends Clock {
  /** moves time forward, firing due timers in order and letting promises settle between them */
  advance(ms: number): Promise<void>;
  /** timers not yet fired */
  pendingTimers(): number;
}

export const T0 = Date.parse('2025-06-01T12:00:00.000Z');

export function createFakeClock(start = T0): FakeClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const settle = async (): Promise<void> => {
    for (let round = 0; round < 5; round++) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), callback });
      return id as TimerHandle;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    async advance(ms) {
      const target = now + ms;
      await settle();
      for (;;) {
        let dueId: number | undefined;
        let dueAt = Infinity;
        for (const [id, timer] of timers) {
          if (timer.at <= target && (timer.at < dueAt || (timer.at === dueAt && id < (dueId ?? Infinity)))) {
            dueId = id;
            dueAt = timer.at;
          }
        }
        if (dueId === undefined) break;
        const timer = timers.get(dueId);
        timers.delete(dueId);
        now = dueAt;
        timer?.callback();
        await settle();
      }
      now = target;
    },
    pendingTimers: () => timers.size,
  };
}

/** A JSON logger whose lines the test can read back. */
export function captureLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  // a plain object with write(): pino calls it synchronously, so lines are readable at once
  const destination = {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  return { logger: createLogger({ level: 'debug', destination, format: 'json' }), lines };
}

let seq = 0;
/** A transition with sensible defaults; seq increases across calls unless given. */
export function makeEvent(overrides: Partial<TransitionEvent> = {}): TransitionEvent {
  seq += 1;
  return {
    seq,
    at: T0,
    host: 'client-01',
    mount: 'data',
    mountpoint: '/mnt/data',
    from: 'healthy',
    to: 'failed',
    reason: 'ENOTCONN',
    server: '10.0.0.10:24007',
    ...overrides,
  };
}
