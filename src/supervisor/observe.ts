import { judgeDaemon, readDaemonStat, type DaemonRef } from '../probes/daemon.js';
import type { ProcStat } from '../probes/proc.js';
import type { ProbeResult } from '../probes/probe-types.js';
import type { MountSpec, TransitionEvent } from '../types.js';
import type { CoreInput, MountCore, MountEvent } from './core-types.js';
import { nextTransitionSeq } from './sequence.js';
import type { BrickSource, SupervisorDeps } from './supervisor-types.js';

/** A probe that rejected instead of answering: an error that may pass. */
export function probeErrorResult(error: unknown): ProbeResult {
  return { verdict: 'bad', step: 'none', latencyMs: 0, detail: `probe error: ${String(error)}` };
}

/**
 * A probe's answer with the side signals read at that moment (kernel memory and the client log,
 * never the mount): the bricks down, whether the daemon still runs and its RSS.
 */
export async function observeProbe(
  id: number,
  result: ProbeResult,
  core: MountCore,
  bricks: BrickSource | undefined,
  deps: Pick<SupervisorDeps, 'proc' | 'logger'>,
  name: string,
  readStat: (daemon: DaemonRef) => ProcStat | undefined = (daemon) => readDaemonStat(daemon, deps.proc),
): Promise<Extract<CoreInput, { kind: 'probe-result' }>> {
  if (deps.logger.isLevelEnabled('debug')) deps.logger.debug({ mount: name, verdict: result.verdict, latencyMs: Math.round(result.latencyMs), detail: result.detail }, 'probe');
  let down: Awaited<ReturnType<BrickSource['poll']>> = [];
  try {
    down = (await bricks?.poll()) ?? [];
  } catch (error) {
    deps.logger.warn({ mount: name, err: error }, 'cannot read the client log for brick state');
  }
  const { daemon } = core;
  const stat = daemon === undefined ? undefined : readStat(daemon); // one read: alive, and its RSS
  const daemonAlive = daemon === undefined || judgeDaemon(daemon, stat) === 'alive';
  const rssPages = daemon !== undefined && daemonAlive ? (stat?.rssPages ?? 0) : undefined;
  return { kind: 'probe-result', id, result, bricks: down, daemonAlive, ...(rssPages === undefined ? {} : { daemonRssBytes: rssPages * 4096 }) };
}

/** The transition as subscribers get it: the core's change plus seq, time, host and mount. */
export function buildTransitionEvent(event: Extract<MountEvent, { kind: 'transition' }>, spec: Pick<MountSpec, 'name' | 'mountpoint'>, stamp: { seq: number; at: number; host: string }): TransitionEvent {
  const { change } = event;
  const transition: TransitionEvent = { ...stamp, mount: spec.name, mountpoint: spec.mountpoint, from: change.from, to: change.to, reason: change.reason };
  if (event.server !== undefined) transition.server = event.server;
  if (change.action !== undefined) transition.action = change.action;
  if (change.outageMs !== undefined) transition.outageMs = change.outageMs;
  return transition;
}

/** Hands a mount event to its subscribers: the transition handler (log, status, notifications) and `onEvent` (metrics). A failing subscriber is logged, never fatal. */
export function deliverEvent(event: MountEvent, spec: Pick<MountSpec, 'name' | 'mountpoint'>, deps: Pick<SupervisorDeps, 'onTransition' | 'onEvent' | 'nextSeq' | 'clock' | 'host' | 'logger'>): void {
  try {
    if (event.kind === 'transition') deps.onTransition(buildTransitionEvent(event, spec, { seq: (deps.nextSeq ?? nextTransitionSeq)(), at: deps.clock.now(), host: deps.host }));
    deps.onEvent?.(spec.name, event);
  } catch (error) {
    deps.logger.error({ mount: spec.name, err: error, event: event.kind }, 'a subscriber of the mount\'s events failed');
  }
}
