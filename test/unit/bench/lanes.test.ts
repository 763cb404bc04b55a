// Which fault classes run side by side (bench/lanes.ts).
import { describe, expect, it } from 'vitest';
import { FAULT_IDS } from '../../../bench/faults.js';
import { planLaneShares, planLanes, TrialPlan } from '../../../bench/lanes.js';

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

describe('planLaneShares', () => {
  it('when two lanes are asked for one fault class then two labs share its trials, numbered on', () => {
    expect(planLaneShares(['vip-partition'], 2, 21)).toEqual([
      { faults: ['vip-partition'], trials: 11, firstTrial: 1 },
      { faults: ['vip-partition'], trials: 10, firstTrial: 12 },
    ]);
  });

  it('when the faults already split into two lanes then each lane runs every trial of its classes', () => {
    expect(planLaneShares([...FAULT_IDS], 2, 5).map((share) => [share.trials, share.firstTrial])).toEqual([[5, 1], [5, 1]]);
  });

  it('when one lane or one trial is asked then nothing is split', () => {
    expect(planLaneShares(['vip-partition'], 1, 20)).toEqual([{ faults: ['vip-partition'], trials: 20, firstTrial: 1 }]);
    expect(planLaneShares(['vip-partition'], 2, 1)).toEqual([{ faults: ['vip-partition'], trials: 1, firstTrial: 1 }]);
  });
});

describe('TrialPlan', () => {
  /** Runs the plan to its end; `fails(fault, trial, attempt)` says which attempts fail. Returns the attempts in order. */
  function drive(plan: TrialPlan, fails: (fault: string, trial: number, attempt: number) => boolean): string[] {
    const attempts: string[] = [];
    const tries = new Map<string, number>();
    for (let round = plan.nextRound(); round.length > 0; round = plan.nextRound()) {
      for (const { fault, trial } of round) {
        const key = `${fault}#${trial}`;
        const attempt = (tries.get(key) ?? 0) + 1;
        tries.set(key, attempt);
        attempts.push(attempt > 1 ? `${key} again` : key);
        if (fails(fault, trial, attempt)) plan.fails(fault);
        else plan.counts(fault);
      }
      if (attempts.length > 100) throw new Error('the plan does not end');
    }
    return attempts;
  }

  it('when nothing fails then the classes take turns, trial by trial', () => {
    expect(drive(new TrialPlan(['kill-daemon', 'vip-crash'], 2), () => false)).toEqual(['kill-daemon#1', 'vip-crash#1', 'kill-daemon#2', 'vip-crash#2']);
  });

  it('when a trial fails then it runs again under its number in the next round, and the class still reaches the count', () => {
    const attempts = drive(new TrialPlan(['moosefs-failover', 'kill-daemon'], 3), (fault, trial, attempt) => fault === 'moosefs-failover' && trial === 2 && attempt === 1);
    expect(attempts).toEqual(['moosefs-failover#1', 'kill-daemon#1', 'moosefs-failover#2', 'kill-daemon#2', 'moosefs-failover#2 again', 'kill-daemon#3', 'moosefs-failover#3']);
  });

  it('when a class keeps failing then it stops after its replacements and the other classes finish', () => {
    const plan = new TrialPlan(['moosefs-failover', 'kill-daemon'], 3, 2);
    const attempts = drive(plan, (fault) => fault === 'moosefs-failover');
    expect(attempts.filter((attempt) => attempt.startsWith('moosefs'))).toEqual(['moosefs-failover#1', 'moosefs-failover#1 again', 'moosefs-failover#1 again']);
    expect(attempts.filter((attempt) => attempt.startsWith('kill'))).toEqual(['kill-daemon#1', 'kill-daemon#2', 'kill-daemon#3']);
  });

  it('when the plan starts at a later trial number then its trials are numbered from there', () => {
    expect(drive(new TrialPlan(['vip-partition'], 2, 3, 11), () => false)).toEqual(['vip-partition#11', 'vip-partition#12']);
  });

  it('when the last replacement fails then fails() says the class will not run again', () => {
    const plan = new TrialPlan(['all-down'], 1, 1);
    expect(plan.fails('all-down')).toBe(true);
    expect(plan.fails('all-down')).toBe(false);
    expect(plan.nextRound()).toEqual([]);
  });
});
