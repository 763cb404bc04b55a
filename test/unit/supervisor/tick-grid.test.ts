import { describe, expect, it } from 'vitest';
import { alignTickDelay } from '../../../src/supervisor/tick-grid.js';

describe('alignTickDelay', () => {
  it('when mounts tick at different moments of the grid then their next ticks fall on the same grid point', () => {
    const dues = [10_003, 10_020, 10_049].map((now) => now + alignTickDelay(now, 1_000, 100));
    expect(dues).toEqual([11_000, 11_000, 11_000]);
  });

  it('when a tick fires a little late then the period stays the interval, not interval plus a grid step', () => {
    expect(11_004 + alignTickDelay(11_004, 1_000, 100)).toBe(12_000);
  });

  it('when aligned then a tick moves by at most half the grid and is never due before now', () => {
    for (let now = 0; now < 300; now += 7) {
      for (const delay of [1, 30, 200, 1_000, 5_000]) {
        const aligned = alignTickDelay(now, delay, 100);
        expect(aligned).toBeGreaterThan(0);
        expect(Math.abs(aligned - delay)).toBeLessThanOrEqual(delay < 50 ? 100 : 50);
        expect((now + aligned) % 100).toBe(0);
      }
    }
  });

  it('when the tick is immediate or no grid is set then the delay is unchanged', () => {
    expect(alignTickDelay(10_033, 0, 100)).toBe(0);
    expect(alignTickDelay(10_033, 1_000, undefined)).toBe(1_000);
  });
});
