import type { HangPolicy, MountState, ProbeSettings } from '../types.js';
import { computeBackoff, type BackoffSettings } from './backoff.js';
import type { MountHealth } from './health.js';
import type { HealthSignal, RepairAction } from './signals.js';

/** What the decision needs besides the history: the time, the settings and a random draw. */
export interface DecideContext {
  now: number;
  probe: Pick<ProbeSettings, 'fall' | 'rise'>;
  onHang: HangPolicy;
  backoff: BackoffSettings;
  holdDownMs: number;
  /** in [0, 1): the jitter draw, passed in so that the function stays pure */
  random: number;
}

/** One state change, before the runtime adds seq, host and mount names. */
export interface StateChange {
  from: MountState;
  to: MountState;
  reason: string;
  action?: string;
  outageMs?: number;
}

/** The next history, what to do, and the state change if there was one. */
export interface Decision {
  health: MountHealth;
  actions: RepairAction[];
  transition?: StateChange;
}

const stay = (health: MountHealth, actions: RepairAction[] = []): Decision => ({ health, actions });

/**
 * Moves to `to`; counters restart. The outage clock starts when I/O stops working (failed or
 * hung) and stops at healthy: a degraded mount (slow, a replica down) still serves I/O, so a
 * degraded episode is no outage, and its recovery reports none.
 */
function enter(health: MountHealth, to: MountState, reason: string, now: number, extra: Partial<MountHealth> = {}, action?: string): Decision {
  let outageSince = health.outageSince;
  if (to === 'healthy') outageSince = undefined;
  else if (outageSince === undefined && (to === 'failed' || to === 'hung')) outageSince = now;
  const since = health.state === to ? health.since : now;
  const next: MountHealth = { ...health, state: to, since, reason, badCount: 0, goodCount: 0, ...extra };
  if (outageSince === undefined) delete next.outageSince;
  else next.outageSince = outageSince;
  if (health.state === to) return { health: next, actions: [] };
  const transition: StateChange = { from: health.state, to, reason };
  if (action !== undefined) transition.action = action;
  if (to === 'healthy' && health.outageSince !== undefined) transition.outageMs = now - health.outageSince;
  return { health: next, actions: [], transition };
}

/** The repair a fresh failure starts: at once after a healthy spell, with backoff when the last remount did not hold. */
function startRepair(health: MountHealth, reason: string, context: DecideContext): { actions: RepairAction[]; phase: MountHealth['repair']; action: string } {
  if (health.attempts === 0) return { actions: [{ type: 'remount', reason }], phase: 'remounting', action: 'remounting' };
  const delayMs = computeBackoff(health.attempts, context.random, context.backoff);
  return { actions: [{ type: 'retry-after', delayMs }], phase: 'backing-off', action: `remounting in ${delayMs} ms (attempt ${health.attempts + 1})` };
}

/** Marks the mount failed and starts a repair, unless one is already under way. */
function fail(health: MountHealth, reason: string, context: DecideContext): Decision {
  if (health.state === 'failed' && health.repair !== 'none') return stay({ ...health, badCount: 0, goodCount: 0 });
  const repair = startRepair(health, reason, context);
  const decision = enter(health, 'failed', reason, context.now, { repair: repair.phase }, repair.action);
  return { ...decision, actions: [...repair.actions] };
}

/** A probe that answered well: counts toward `rise`. */
function onGood(health: MountHealth, context: DecideContext): Decision {
  const counted: MountHealth = { ...health, goodCount: health.goodCount + 1, badCount: 0 };
  if (health.state === 'healthy') return stay(counted);
  if (health.state === 'starting') return enter(health, 'healthy', 'probe answered', context.now, { attempts: 0 });
  if (health.state === 'failed' && health.repair === 'remounting') return stay(health);
  if (counted.goodCount < context.probe.rise) return stay(counted);
  const cancel: RepairAction[] = health.repair !== 'none' || health.state === 'hung' ? [{ type: 'cancel-repair' }] : [];
  const confirmed = health.remounts > 0 ? 'remount confirmed' : 'mount confirmed';
  const reason = health.state === 'failed' ? 'answers again without a remount' : health.state === 'recovering' ? confirmed : 'answers normally again';
  const decision = enter(health, 'healthy', reason, context.now, { attempts: 0, repair: 'none' });
  return { ...decision, actions: cancel };
}

/**
 * A probe that answered, impaired (slow, brick down, ENOSPC, read-only). During the hold-down
 * a fresh client is still connecting its bricks: a probe that answered well counts as good.
 */
function onSoft(health: MountHealth, reason: string, answered: boolean, context: DecideContext): Decision {
  if (context.now < health.holdDownUntil) return answered ? onGood(health, context) : stay(health);
  if (health.state === 'failed' && health.repair === 'remounting') return stay(health);
  if (health.state === 'hung' || health.state === 'failed') {
    const decision = enter(health, 'degraded', reason, context.now, { repair: 'none' });
    return { ...decision, actions: [{ type: 'cancel-repair' }] };
  }
  const counted: MountHealth = { ...health, badCount: health.badCount + 1, goodCount: 0 };
  if (health.state === 'degraded') return stay({ ...counted, reason });
  if (counted.badCount < context.probe.fall) return stay(counted);
  return enter(health, 'degraded', reason, context.now);
}

/** An error that may pass (EIO, unknown): failed only after `fall` in a row. */
function onBad(health: MountHealth, reason: string, daemonAlive: boolean, context: DecideContext): Decision {
  if (context.now < health.holdDownUntil && daemonAlive) return stay(health);
  if (health.state === 'failed') return health.repair === 'none' ? fail(health, reason, context) : stay(health);
  const counted: MountHealth = { ...health, badCount: health.badCount + 1, goodCount: 0 };
  if (counted.badCount < context.probe.fall) return stay(counted);
  return fail(counted, reason, context);
}

/**
 * The whole policy: history + what happened -> next history, actions, state change. Pure, so
 * it is tested with tables. Hard failures (daemon dead, ENOTCONN, not mounted) act at once;
 * soft signals need `fall` bad probes in a row and `rise` good ones to clear; a hung mount is
 * not remounted unless the on-hang policy says so; a fresh mount gets a hold-down.
 */
export function decide(health: MountHealth, signal: HealthSignal, context: DecideContext): Decision {
  const { now } = context;
  switch (signal.kind) {
    case 'probe':
      if (signal.verdict === 'ok') return onGood(health, context);
      if (signal.verdict === 'soft') return onSoft(health, signal.reason, signal.answered === true, context);
      if (signal.verdict === 'bad') return onBad(health, signal.reason, signal.daemonAlive, context);
      // hard: a client still connecting after a remount answers ENOTCONN for a moment
      if (now < health.holdDownUntil && signal.daemonAlive) return stay(health);
      return fail(health, signal.reason, context);

    case 'probe-timeout': {
      if (health.state === 'hung' || health.state === 'failed') return stay(health);
      const seconds = Number((signal.timeoutMs / 1000).toFixed(1));
      const policy = context.onHang.remountAfterMs;
      const action = policy === undefined ? 'no remount: waiting for the client to answer or time out' : `remount if still hung after ${Math.round(policy / 1000)} s`;
      const decision = enter(health, 'hung', `hung ${seconds} s: probe got no answer`, now, {}, action);
      return { ...decision, actions: policy === undefined ? [] : [{ type: 'arm-hang-timer', delayMs: policy }] };
    }

    case 'hang-deadline': {
      if (health.state !== 'hung' || context.onHang.remountAfterMs === undefined) return stay(health);
      const seconds = Math.round((now - health.since) / 1000);
      return fail(health, `hung ${seconds} s: on-hang policy remounts`, context);
    }

    case 'mount-absent':
      if (health.state === 'starting') {
        const decision = enter(health, 'recovering', 'not mounted', now, { repair: 'remounting' }, 'mounting');
        return { ...decision, actions: [{ type: 'remount', reason: 'not mounted' }] };
      }
      return fail(health, 'not mounted', context);

    case 'mount-foreign': {
      if (health.state === 'failed' && health.repair === 'none') return stay(health);
      const decision = enter(health, 'failed', signal.reason, now, { repair: 'none' }, 'no remount: another filesystem is mounted there');
      return { ...decision, actions: [{ type: 'cancel-repair' }] };
    }

    case 'daemon-died':
      if (health.state === 'failed' && health.repair !== 'none') return stay(health);
      return fail(health, signal.reason, context);

    case 'remount-done': {
      const reason = signal.initial ? `mounted via ${signal.server}` : `remounted via ${signal.server}`;
      const extra: Partial<MountHealth> = {
        repair: 'none',
        holdDownUntil: now + context.holdDownMs,
        attempts: signal.initial ? health.attempts : health.attempts + 1,
        remounts: signal.initial ? health.remounts : health.remounts + 1,
        server: signal.server,
      };
      return enter(health, 'recovering', reason, now, extra, reason);
    }

    case 'remount-failed': {
      if (!signal.serverAnswered) {
        const reason = `no server answers: ${signal.reason}`;
        if (health.state !== 'failed') {
          const decision = enter(health, 'failed', reason, now, { repair: 'waiting-for-server' }, 'checking the servers every probe interval');
          return { ...decision, actions: [{ type: 'wait-for-server' }] };
        }
        return stay({ ...health, repair: 'waiting-for-server', reason }, [{ type: 'wait-for-server' }]);
      }
      const attempts = health.attempts + 1;
      const delayMs = computeBackoff(attempts, context.random, context.backoff);
      const reason = `remount failed: ${signal.reason}`;
      const retry: RepairAction[] = [{ type: 'retry-after', delayMs }];
      if (health.state !== 'failed') {
        const decision = enter(health, 'failed', reason, now, { repair: 'backing-off', attempts }, `retrying in ${delayMs} ms`);
        return { ...decision, actions: retry };
      }
      return stay({ ...health, repair: 'backing-off', attempts, reason }, retry);
    }

    case 'server-answers':
      if (health.state !== 'failed' || health.repair !== 'waiting-for-server') return stay(health);
      return stay({ ...health, repair: 'remounting' }, [{ type: 'remount', reason: `${signal.server} answers again` }]);

    case 'stuck-request': {
      // only a mount whose probes pass: hung or failed already says more, a remount resets the count
      if (health.state !== 'healthy' && health.state !== 'degraded') return stay(health);
      const reason = `stuck request: the FUSE connection has held a request for ${Math.round(signal.waitedMs / 1_000)} s while probes pass`;
      if (health.state === 'degraded') return stay({ ...health, reason });
      return enter(health, 'degraded', reason, now);
    }

    case 'retry-due':
      if (health.state !== 'failed' || health.repair !== 'backing-off') return stay(health);
      return stay({ ...health, repair: 'remounting' }, [{ type: 'remount', reason: `retry ${health.attempts + 1}` }]);
  }
}
