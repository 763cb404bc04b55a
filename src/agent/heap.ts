// The agent's heap is small (~11 MiB live at 50 mounts), but V8 sizes its old space for
// throughput: start-up (module loading, the first mounts) leaves ~10 MiB of garbage, and what
// the probes promote grows it by ~0.25 MiB a second at 50 mounts until V8's own limit, about
// twice the live size. When the agent runs with --expose-gc (the systemd unit's NODE_OPTIONS),
// it collects once start-up is over and then every DEFAULTS.agent.gcIntervalMs. Without the
// flag (an agent started by hand), V8 collects on its own schedule: nothing here changes.
import { DEFAULTS } from '../defaults.js';

/** Stops the periodic collection. */
export type StopCompacting = () => void;

/** Collects now and every `intervalMs` when `gc` is there (global `gc` from --expose-gc); the timer never keeps the process alive. */
export function startHeapCompaction(
  gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc,
  intervalMs: number = DEFAULTS.agent.gcIntervalMs,
  timers: Pick<typeof globalThis, 'setInterval' | 'clearInterval'> = globalThis,
): StopCompacting {
  if (gc === undefined) return () => undefined;
  gc();
  const timer = timers.setInterval(gc, intervalMs);
  (timer as { unref?: () => void }).unref?.();
  return () => timers.clearInterval(timer);
}
