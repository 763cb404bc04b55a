// Which fault classes run side by side (bench/lanes.ts).
import { describe, expect, it } from 'vitest';
import { FAULT_IDS } from '../../../bench/faults.js';
import { planLanes } from '../../../bench/lanes.js';

describe('planLanes', () => {
  it('when one lane is asked then every fault runs in it, in the given order', () => {
    expect(planLanes(['all-down', 'kill-daemon', 'vip-partition'], 1)).toEqual([['all-down', 'kill-daemon', 'vip-partition']]);
  });

  it('when two lanes are asked then partition and all-down run apart from the short faults', () => {
    expect(planLanes([...FAULT_IDS], 2)).toEqual([
      ['kill-daemon', 'vip-crash', 'moosefs-failover'],
      ['vip-partition', 'all-down'],
    ]);
  });

  it('when two lanes are asked but only short faults are chosen then there is a single lane', () => {
    expect(planLanes(['kill-daemon', 'moosefs-failover'], 2)).toEqual([['kill-daemon', 'moosefs-failover']]);
  });

  it('when two lanes are asked but only long faults are chosen then there is a single lane of them', () => {
    expect(planLanes(['all-down', 'vip-partition'], 2)).toEqual([['all-down', 'vip-partition']]);
  });

  it('when lanes are planned then every fault appears exactly once', () => {
    for (const lanes of [1, 2]) {
      expect(planLanes([...FAULT_IDS], lanes).flat().sort()).toEqual([...FAULT_IDS].sort());
    }
  });

  it('when one lane is planned then the result is a copy, not the caller\'s array', () => {
    const faults: ('kill-daemon' | 'vip-crash')[] = ['kill-daemon', 'vip-crash'];
    const [lane] = planLanes(faults, 1);
    lane?.push('vip-crash');
    expect(faults).toEqual(['kill-daemon', 'vip-crash']);
  });
});
