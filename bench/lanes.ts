// Which fault classes run side by side, each lane on its own lab. Pure.
import type { FaultId } from './faults.js';

/** Splits the faults into lanes: the long ones (partition, all-down) apart from the rest. Pure. */
export function planLanes(faults: readonly FaultId[], lanes: number): FaultId[][] {
  if (lanes < 2) return [[...faults]];
  const long: FaultId[] = faults.filter((fault) => fault === 'vip-partition' || fault === 'all-down');
  const short = faults.filter((fault) => !long.includes(fault));
  return [short, long].filter((lane) => lane.length > 0);
}
