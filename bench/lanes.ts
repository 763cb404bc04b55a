// Which fault classes run side by side, each lane on its own lab. Pure.
import type { FaultId } from './faults.js';

/** Splits the faults into lanes: the long ones (partition, all-down) apart from the rest. Pure. */
export function planLanes(faults: readonly FaultId[], lanes: number): FaultId[][] {
  if (lanes < 2) return [[...faults]];
  const long: FaultId[] = faults.filter((fault) => fault === 'vip-partition' || fault === 'all-down');
  const short = faults.filter((fault) => !long.includes(fault));
  return [short, long].filter((lane) => lane.length > 0);
}

/** One lane's share: its faults, how many trials of each, and the number its first trial gets. */
export interface LaneShare {
  faults: FaultId[];
  trials: number;
  firstTrial: number;
}

/**
 * The lanes with their trials. Two lanes asked and the faults fit in one (a single class, say the
 * partition): two labs share that lane's trials, the first taking the odd one out, numbered on. Pure.
 */
export function planLaneShares(faults: readonly FaultId[], lanes: number, trials: number): LaneShare[] {
  const groups = planLanes(faults, lanes);
  const [only] = groups;
  if (lanes < 2 || groups.length > 1 || only === undefined || trials < 2) return groups.map((group) => ({ faults: group, trials, firstTrial: 1 }));
  const first = Math.ceil(trials / 2);
  return [
    { faults: only, trials: first, firstTrial: 1 },
    { faults: [...only], trials: trials - first, firstTrial: first + 1 },
  ];
}

/** A failed trial (the lab could not inject the fault) is run again, at most this often per class. */
export const REPLACEMENTS_PER_CLASS = 3;

/**
 * The trials of one lane: each fault class round-robin until it has `trials` counted ones. A failed
 * trial is not counted and runs again under the same number, up to `replacements` times per class;
 * then the class stops short. Pure state, no I/O.
 */
export class TrialPlan {
  private readonly counted = new Map<FaultId, number>();
  private readonly failed = new Map<FaultId, number>();

  constructor(private readonly faults: readonly FaultId[], private readonly trials: number, private readonly replacements = REPLACEMENTS_PER_CLASS, private readonly firstTrial = 1) {}

  /** The next round: each class that still wants a trial, with that trial's number. */
  nextRound(): Array<{ fault: FaultId; trial: number }> {
    return this.faults.filter((fault) => this.wants(fault)).map((fault) => ({ fault, trial: (this.counted.get(fault) ?? 0) + this.firstTrial }));
  }

  counts(fault: FaultId): void {
    this.counted.set(fault, (this.counted.get(fault) ?? 0) + 1);
  }

  /** Records a failed trial; true when it will be run again. */
  fails(fault: FaultId): boolean {
    this.failed.set(fault, (this.failed.get(fault) ?? 0) + 1);
    return this.wants(fault);
  }

  private wants(fault: FaultId): boolean {
    return (this.counted.get(fault) ?? 0) < this.trials && (this.failed.get(fault) ?? 0) <= this.replacements;
  }
}
