import { createLogger, type Logger } from '../../../src/log/logger.js';
import { FakeClock } from '../fake-clock.js';
import type { TransitionEvent } from '../../../src/types.js';

export { FakeClock } from '../fake-clock.js';

export const T0 = Date.parse('2025-06-01T12:00:00.000Z');

/** The one fake clock (test/unit/fake-clock.ts), starting at T0. */
export function createFakeClock(start = T0): FakeClock {
  return new FakeClock(start);
}

/** A JSON logger whose lines the test can read back. */
export function captureLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  // a plain object with write(): the logger calls it synchronously, so lines are readable at once
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
