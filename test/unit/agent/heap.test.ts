import { describe, expect, it } from 'vitest';
import { startHeapCompaction } from '../../../src/agent/heap.js';

describe('startHeapCompaction', () => {
  const fakeTimers = () => {
    const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
    return {
      timers,
      setInterval: ((fn: () => void, ms: number) => (timers.push({ fn, ms, cleared: false }), timers.length - 1)) as unknown as typeof setInterval,
      clearInterval: ((id: number) => { const timer = timers[id]; if (timer) timer.cleared = true; }) as unknown as typeof clearInterval,
    };
  };

  it('when gc is exposed then it collects at once and at every interval until stopped', () => {
    let collections = 0;
    const fake = fakeTimers();
    const stop = startHeapCompaction(() => (collections += 1), 10_000, fake);
    expect(collections).toBe(1);
    expect(fake.timers).toHaveLength(1);
    expect(fake.timers[0]?.ms).toBe(10_000);
    fake.timers[0]?.fn();
    expect(collections).toBe(2);
    stop();
    expect(fake.timers[0]?.cleared).toBe(true);
  });

  it('when gc is not exposed (an agent started without --expose-gc) then nothing is scheduled', () => {
    const fake = fakeTimers();
    startHeapCompaction(undefined, 10_000, fake)();
    expect(fake.timers).toHaveLength(0);
  });
});
