import { describe, expect, it } from 'vitest';
import { alignTickDelay, createGridClock } from '../../../src/supervisor/tick-grid.js';
import { FakeClock } from '../fake-clock.js';

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

describe('createGridClock', () => {
  it('when timers are due at one moment then one timer of the clock runs them all inside around(), and each can be cleared alone', async () => {
    const clock = new FakeClock(10_000);
    const turns: string[][] = [];
    let current: string[] | undefined;
    const grid = createGridClock(clock, (run) => {
      current = [];
      run();
      turns.push(current);
      current = undefined;
    });
    const fired = (name: string) => () => current?.push(name) ?? turns.push([`${name} outside`]);
    grid.setTimeout(fired('a'), 1_000);
    const b = grid.setTimeout(fired('b'), 1_000);
    grid.setTimeout(fired('c'), 1_000);
    grid.setTimeout(fired('later'), 1_100);
    expect(clock.pending()).toBe(2);
    grid.clearTimeout(b);
    await clock.advance(1_000);
    expect(turns).toEqual([['a', 'c']]);
    await clock.advance(100);
    expect(turns).toEqual([['a', 'c'], ['later']]);
    expect(clock.pending()).toBe(0);
  });

  it('when the last timer of a moment is cleared, also from a timer of the same moment, then it does not run and no timer is left', async () => {
    const clock = new FakeClock(10_000);
    const ran: string[] = [];
    const grid = createGridClock(clock, (run) => run());
    const only = grid.setTimeout(() => ran.push('only'), 500);
    grid.clearTimeout(only);
    expect(clock.pending()).toBe(0);
    let second: unknown;
    grid.setTimeout(() => {
      ran.push('first');
      grid.clearTimeout(second);
    }, 500);
    second = grid.setTimeout(() => ran.push('second'), 500);
    await clock.advance(500);
    expect(ran).toEqual(['first']);
    expect(clock.pending()).toBe(0);
  });
});

