// The bench's order statistics (bench/stats.ts).
import { describe, expect, it } from 'vitest';
import { median, percentile } from '../../../bench/stats.js';

describe('percentile', () => {
  it('when there are no values then it is undefined', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(percentile([], 95)).toBeUndefined();
  });

  it('when taking p95 of few values then it is the maximum (nearest rank)', () => {
    expect(percentile([30, 10, 20], 95)).toBe(30);
    expect(percentile([5, 1, 4, 2, 3], 95)).toBe(5);
  });

  it('when taking a percentile then it is the value at rank ceil(p/100 * n) of the sorted values', () => {
    const values = [70, 10, 100, 40, 20, 90, 30, 60, 50, 80];
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 51)).toBe(60);
    expect(percentile(values, 90)).toBe(90);
    expect(percentile(values, 91)).toBe(100);
    expect(percentile(values, 10)).toBe(10);
  });

  it('when p is 0 or 100 then it is the minimum or the maximum', () => {
    expect(percentile([3, 1, 2], 0)).toBe(1);
    expect(percentile([3, 1, 2], 100)).toBe(3);
  });

  it('when given values then it sorts numerically, not as text, and leaves the input alone', () => {
    const values = [9, 100, 20];
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 1)).toBe(9);
    expect(values).toEqual([9, 100, 20]);
  });
});

describe('median', () => {
  it('when there are no values then it is undefined', () => {
    expect(median([])).toBeUndefined();
  });

  it('when the count is odd then it is the middle value', () => {
    expect(median([7])).toBe(7);
    expect(median([300, 100, 200])).toBe(200);
    expect(median([5, 1, 1000, 2, 3])).toBe(3);
  });

  it('when the count is even then it is the mean of the two middle values', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([100, 10])).toBe(55);
    expect(median([1, 2, 3, 100])).toBe(2.5);
  });
});
