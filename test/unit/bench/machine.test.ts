// The load average over a bench run (bench/machine.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sampleLoad, summarizeLoad } from '../../../bench/machine.js';

describe('summarizeLoad', () => {
  it('when there are no samples then it is undefined', () => {
    expect(summarizeLoad([])).toBeUndefined();
  });

  it('when there are samples then it gives their count, median and maximum rounded to one decimal', () => {
    expect(summarizeLoad([2.04, 0.51, 3.96])).toEqual({ samples: 3, median: 2, max: 4 });
    expect(summarizeLoad([1.23, 4.56, 0.5, 2.01])).toEqual({ samples: 4, median: 1.6, max: 4.6 });
  });

  it('when there is a single sample then median and maximum are that sample', () => {
    expect(summarizeLoad([1.75])).toEqual({ samples: 1, median: 1.8, max: 1.8 });
  });

  it('when summarizing then the caller\'s samples are left in their order', () => {
    const samples = [3, 1, 2];
    summarizeLoad(samples);
    expect(samples).toEqual([3, 1, 2]);
  });
});

describe('sampleLoad', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when the interval passes then it reads one sample each time until stopped', () => {
    vi.useFakeTimers();
    const values = [1.01, 2.49, 0.3, 9.9];
    const read = vi.fn(() => values.shift() ?? 99);
    const stop = sampleLoad(1_000, read);
    vi.advanceTimersByTime(999);
    expect(read).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2_500);
    expect(read).toHaveBeenCalledTimes(3);
    expect(stop()).toEqual({ samples: 3, median: 1, max: 2.5 });
    vi.advanceTimersByTime(10_000);
    expect(read).toHaveBeenCalledTimes(3);
  });

  it('when stopped before the first interval then there is no summary', () => {
    vi.useFakeTimers();
    const read = vi.fn(() => 1);
    const stop = sampleLoad(30_000, read);
    vi.advanceTimersByTime(29_999);
    expect(stop()).toBeUndefined();
    expect(read).not.toHaveBeenCalled();
  });

  it('when no interval is given then it samples every 30 s', () => {
    vi.useFakeTimers();
    const read = vi.fn(() => 0.5);
    const stop = sampleLoad(undefined, read);
    vi.advanceTimersByTime(29_999);
    expect(read).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(read).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(stop()).toEqual({ samples: 3, median: 0.5, max: 0.5 });
  });
});
