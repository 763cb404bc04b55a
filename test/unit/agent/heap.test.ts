import { describe, expect, it } from 'vitest';
import { startHeapCompaction } from '../../../src/agent/heap.js';

describe('startHeapCompaction', () => {
  const fakeTimers = () => {
    const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
    return {
      timers,
      setInterval: ((fn: () => void, ms: number) => (timers.push({ fn, ms, cleared: false }), timers.length - 1)) as unknown as typeof setInterval,
      clearInterval: ((id: number) => {
        const timer = timers[id];
        if (timer) timer.cleared = true;
      }) as unknown as typeof clearInterval,
    };
  };
  const MiB = 1024 * 1024;

  it('when gc is exposed then it collects at once, and again only once the heap grew by the threshold since the last collection', () => {
    let used = 30 * MiB;
    let collections = 0;
    const fake = fakeTimers();
    const gc = (): void => {
      collections += 1;
      used = 12 * MiB; // what survives
    };
    const stop = startHeapCompaction({ gc, usedBytes: () => used, checkMs: 5_000, growthBytes: 4 * MiB, timers: fake });
    expect(collections).toBe(1);
    expect(fake.timers[0]?.ms).toBe(5_000);
    used = 15 * MiB; // grew 3 MiB: not yet
    fake.timers[0]?.fn();
    expect(collections).toBe(1);
    used = 16 * MiB; // grew 4 MiB
    fake.timers[0]?.fn();
    expect(collections).toBe(2);
    fake.timers[0]?.fn(); // back at 12 MiB: nothing
    expect(collections).toBe(2);
    stop();
    expect(fake.timers[0]?.cleared).toBe(true);
  });

  it('when gc is not exposed (an agent started without --expose-gc) then nothing is scheduled', () => {
    const fake = fakeTimers();
    startHeapCompaction({ gc: undefined, timers: fake })();
    expect(fake.timers).toHaveLength(0);
  });
});
