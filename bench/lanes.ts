// Which fault classes run side by side, each lane on its own lab. Pure.
import type { FaultId } from './faults.js';

/** Splits the faults into lanes: the long ones (partition, all-down) apart from the rest. Pure. */
export function planLanes(faults: readonly FaultId[], lanes: number): FaultId[][] {
  if (lanes < 2) return [[...faults]];
  const long: FaultId[] = faults.filter((fault) => fault === 'vip-partition' || fault === 'all-down');
  const short = faults.filter((fault) => !long.includes(fault));
  return [short, long].filter((lane) => lane.length > 0);
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

  constructor(private readonly faults: readonly FaultId[], private readonly trials: number, private readonly replacements = REPLACEMENTS_PER_CLASS) {}

  /** The next round: each class that still wants a trial, with that trial's number. */
  nextRound(): Array<{ fault: FaultId; trial: number }> {
    return this.faults.filter((fault) => this.wants(fault)).map((fault) => ({ fault, trial: (this.counted.get(fault) ?? 0) + 1 }));
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
