// The agent's heap is small (~11 MiB live at 50 mounts), but V8 sizes its old space for
// throughput: start-up (module loading, the first mounts) leaves ~10 MiB of garbage that V8 kept
// ~20 s, and what the probes promote grows the old space by ~0.25 MiB a second at 50 mounts until
// V8's own limit, about twice the live size. When the agent runs with --expose-gc (its launcher
// gives it, DEFAULTS.agent.nodeFlags), it collects once start-up is over, then whenever the heap
// has grown by DEFAULTS.agent.heapGrowthBytes since the last collection (checked every heapCheckMs).
// Without the flag (`node dist/bin/ha-mount.js agent`), V8 collects on its own schedule.
import { getHeapStatistics } from 'node:v8';
import { DEFAULTS } from '../defaults.js';

/** Stops the compaction. */
export type StopCompacting = () => void;

/** What the compaction needs; every field defaults to the real one. */
export interface HeapCompactionDeps {
  /** the global `gc` of --expose-gc; undefined: do nothing */
  gc?: (() => void) | undefined;
  /** bytes used on the heap now */
  usedBytes?: () => number;
  checkMs?: number;
  growthBytes?: number;
  timers?: Pick<typeof globalThis, 'setInterval' | 'clearInterval'>;
}

/** Collects now, and then at each check when the heap grew by `growthBytes`; the timer never keeps the process alive. */
export function startHeapCompaction(deps: HeapCompactionDeps = {}): StopCompacting {
  const gc = 'gc' in deps ? deps.gc : (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return () => undefined;
  const usedBytes = deps.usedBytes ?? (() => getHeapStatistics().used_heap_size);
  const growthBytes = deps.growthBytes ?? DEFAULTS.agent.heapGrowthBytes;
  const timers = deps.timers ?? globalThis;
  const collect = (): number => {
    gc();
    return usedBytes();
  };
  let afterLast = collect();
  const timer = timers.setInterval(() => {
    if (usedBytes() - afterLast >= growthBytes) afterLast = collect();
  }, deps.checkMs ?? DEFAULTS.agent.heapCheckMs);
  (timer as { unref?: () => void }).unref?.();
  return () => timers.clearInterval(timer);
}
