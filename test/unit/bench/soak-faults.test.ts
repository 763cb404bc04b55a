// The soak's seeded fault choice (bench/soak-faults.ts).
import { describe, expect, it } from 'vitest';
import { createRandom, pickFault, SOAK_FAULTS, type SoakFault } from '../../../bench/soak-faults.js';

const draw = (random: () => number, count: number): number[] => Array.from({ length: count }, () => random());

describe('createRandom', () => {
  it('when two generators share a seed then they give the same sequence', () => {
    expect(draw(createRandom(42), 50)).toEqual(draw(createRandom(42), 50));
  });

  it('when the seeds differ then the sequences differ', () => {
    expect(draw(createRandom(1), 10)).not.toEqual(draw(createRandom(2), 10));
  });

  it('when drawing then every value is in [0, 1) and they spread over the range', () => {
    const values = draw(createRandom(7), 2_000);
    for (const value of values) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(new Set(values).size).toBeGreaterThan(1_990);
  });

  it('when the seed is negative then it is taken as an unsigned 32-bit integer', () => {
    expect(draw(createRandom(-1), 5)).toEqual(draw(createRandom(0xffffffff), 5));
  });
});

describe('pickFault', () => {
  it('when the failover is done then it never picks the MooseFS failover', () => {
    const random = createRandom(123);
    const picked = new Set(Array.from({ length: 5_000 }, () => pickFault(random, true)));
    expect([...picked].sort()).toEqual(['all-down', 'kill-daemon', 'vip-crash', 'vip-partition']);
    // the roll that would pick it last, were it allowed
    expect(pickFault(() => 0.999_999, true)).toBe('all-down');
  });

  it('when the failover is not done then the top of the range picks it', () => {
    expect(pickFault(() => 0.999_999, false)).toBe('moosefs-failover');
    expect(pickFault(() => 0, false)).toBe('kill-daemon');
  });

  it('when rolled by the weights (5, 2, 2, 1, 1 of 11) then each band picks its fault', () => {
    const at = (roll: number): SoakFault => pickFault(() => roll / 11, false);
    expect([at(0), at(4.99), at(5), at(6.99), at(7), at(8.99), at(9), at(9.99), at(10), at(10.99)]).toEqual([
      'kill-daemon', 'kill-daemon', 'vip-crash', 'vip-crash', 'vip-partition', 'vip-partition', 'all-down', 'all-down', 'moosefs-failover', 'moosefs-failover',
    ]);
  });

  it('when many faults are picked from one seed then daemon kills are the most frequent and every class appears', () => {
    const random = createRandom(2025);
    const counts = new Map<SoakFault, number>();
    for (let index = 0; index < 11_000; index += 1) {
      const fault = pickFault(random, false);
      counts.set(fault, (counts.get(fault) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([...SOAK_FAULTS].sort());
    expect(counts.get('kill-daemon')).toBeGreaterThan(4_500);
    expect(counts.get('kill-daemon')).toBeLessThan(5_500);
    expect(counts.get('moosefs-failover')).toBeGreaterThan(700);
    expect(counts.get('moosefs-failover')).toBeLessThan(1_300);
  });

  it('when the same seed is replayed then the same faults are picked', () => {
    const run = (): SoakFault[] => {
      const random = createRandom(99);
      return Array.from({ length: 40 }, (_, index) => pickFault(random, index > 20));
    };
    expect(run()).toEqual(run());
  });
});
