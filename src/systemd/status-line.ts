import type { MountState } from '../types.js';

// worst last, so the eye finds the trouble at the end of the line
const stateOrder: readonly MountState[] = ['healthy', 'starting', 'recovering', 'degraded', 'hung', 'failed'];

/** The one-line STATUS= summary, e.g. "3 mounts: 2 healthy, 1 hung". Pure. */
export function formatStatusLine(states: Iterable<MountState>): string {
  const counts = new Map<MountState, number>();
  let total = 0;
  for (const state of states) {
    counts.set(state, (counts.get(state) ?? 0) + 1);
    total += 1;
  }
  if (total === 0) return 'no mounts';
  const parts = stateOrder.filter((state) => counts.has(state)).map((state) => `${counts.get(state)} ${state}`);
  return `${total} ${total === 1 ? 'mount' : 'mounts'}: ${parts.join(', ')}`;
}
