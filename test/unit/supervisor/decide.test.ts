import { describe, expect, it } from 'vitest';
import { decide, type DecideContext } from '../../../src/supervisor/decide.js';
import { createInitialHealth, type MountHealth } from '../../../src/supervisor/health.js';
import type { HealthSignal } from '../../../src/supervisor/signals.js';
import type { MountState } from '../../../src/types.js';

const NOW = 1_000_000;
const context = (overrides: Partial<DecideContext> = {}): DecideContext => ({
  now: NOW,
  probe: { fall: 3, rise: 2 },
  onHang: { remountAfterMs: 30_000 },
  backoff: { baseMs: 250, capMs: 30_000, jitter: 0.2 },
  holdDownMs: 3_000,
  random: 0.5,
  ...overrides,
});

const histories: Record<string, MountHealth> = {
  starting: createInitialHealth(NOW - 10),
  healthy: { ...createInitialHealth(0), state: 'healthy', since: 0, reason: 'probe answered', server: '10.0.0.1' },
  degraded: { ...createInitialHealth(0), state: 'degraded', since: 0, reason: 'slow' },
  hung: { ...createInitialHealth(0), state: 'hung', since: NOW - 40_000, reason: 'hung 5 s', outageSince: 0 },
  'failed/waiting': { ...createInitialHealth(0), state: 'failed', since: 0, reason: 'no server answers', repair: 'waiting-for-server', outageSince: 0 },
  'failed/backing-off': { ...createInitialHealth(0), state: 'failed', since: 0, reason: 'remount failed', repair: 'backing-off', attempts: 1, outageSince: 0 },
  'recovering/hold-down': { ...createInitialHealth(0), state: 'recovering', since: NOW - 100, reason: 'remounted', holdDownUntil: NOW + 2_000, attempts: 1, remounts: 1, outageSince: 0 },
};

const probe = (verdict: 'ok' | 'soft' | 'hard' | 'bad', daemonAlive = false): HealthSignal => ({ kind: 'probe', verdict, reason: verdict, latencyMs: 3, daemonAlive });
const signals: Record<string, HealthSignal> = {
  ok: probe('ok'),
  soft: probe('soft'),
  hard: probe('hard'),
  'hard/live-daemon': probe('hard', true),
  bad: probe('bad'),
  timeout: { kind: 'probe-timeout', timeoutMs: 5_000 },
  absent: { kind: 'mount-absent' },
  foreign: { kind: 'mount-foreign', reason: 'ext4 /dev/sda1' },
  died: { kind: 'daemon-died', reason: 'FUSE daemon 42 died' },
  done: { kind: 'remount-done', server: '10.0.0.2', initial: false },
  'fail/unreachable': { kind: 'remount-failed', reason: 'connect refused', serverAnswered: false },
  'fail/answered': { kind: 'remount-failed', reason: 'mount exited 1', serverAnswered: true },
  answers: { kind: 'server-answers', server: '10.0.0.2:24007' },
  retry: { kind: 'retry-due' },
  'hang-deadline': { kind: 'hang-deadline' },
  stuck: { kind: 'stuck-request', waitedMs: 20_400 },
};

// [history, signal, next state, action types]: every state x signal
type Row = [string, string, MountState, string[]];
const table: Row[] = [
  ['starting', 'ok', 'healthy', []],
  ['starting', 'soft', 'starting', []],
  ['starting', 'hard', 'failed', ['remount']],
  ['starting', 'hard/live-daemon', 'failed', ['remount']],
  ['starting', 'bad', 'starting', []],
  ['starting', 'timeout', 'hung', ['arm-hang-timer']],
  ['starting', 'absent', 'recovering', ['remount']],
  ['starting', 'foreign', 'failed', ['cancel-repair']],
  ['starting', 'died', 'failed', ['remount']],
  ['starting', 'done', 'recovering', []],
  ['starting', 'fail/unreachable', 'failed', ['wait-for-server']],
  ['starting', 'fail/answered', 'failed', ['retry-after']],
  ['starting', 'answers', 'starting', []],
  ['starting', 'retry', 'starting', []],
  ['starting', 'stuck', 'starting', []],
  ['starting', 'hang-deadline', 'starting', []],

  ['healthy', 'ok', 'healthy', []],
  ['healthy', 'soft', 'healthy', []],
  ['healthy', 'hard', 'failed', ['remount']],
  ['healthy', 'hard/live-daemon', 'failed', ['remount']],
  ['healthy', 'bad', 'healthy', []],
  ['healthy', 'timeout', 'hung', ['arm-hang-timer']],
  ['healthy', 'absent', 'failed', ['remount']],
  ['healthy', 'foreign', 'failed', ['cancel-repair']],
  ['healthy', 'died', 'failed', ['remount']],
  ['healthy', 'done', 'recovering', []],
  ['healthy', 'fail/unreachable', 'failed', ['wait-for-server']],
  ['healthy', 'fail/answered', 'failed', ['retry-after']],
  ['healthy', 'answers', 'healthy', []],
  ['healthy', 'retry', 'healthy', []],
  ['healthy', 'stuck', 'degraded', []],
  ['healthy', 'hang-deadline', 'healthy', []],

  ['degraded', 'ok', 'degraded', []],
  ['degraded', 'soft', 'degraded', []],
  ['degraded', 'hard', 'failed', ['remount']],
  ['degraded', 'hard/live-daemon', 'failed', ['remount']],
  ['degraded', 'bad', 'degraded', []],
  ['degraded', 'timeout', 'hung', ['arm-hang-timer']],
  ['degraded', 'absent', 'failed', ['remount']],
  ['degraded', 'foreign', 'failed', ['cancel-repair']],
  ['degraded', 'died', 'failed', ['remount']],
  ['degraded', 'done', 'recovering', []],
  ['degraded', 'fail/unreachable', 'failed', ['wait-for-server']],
  ['degraded', 'fail/answered', 'failed', ['retry-after']],
  ['degraded', 'answers', 'degraded', []],
  ['degraded', 'retry', 'degraded', []],
  ['degraded', 'stuck', 'degraded', []],
  ['degraded', 'hang-deadline', 'degraded', []],

  ['hung', 'ok', 'hung', []],
  ['hung', 'soft', 'degraded', ['cancel-repair']],
  ['hung', 'hard', 'failed', ['remount']],
  ['hung', 'hard/live-daemon', 'failed', ['remount']],
  ['hung', 'bad', 'hung', []],
  ['hung', 'timeout', 'hung', []],
  ['hung', 'absent', 'failed', ['remount']],
  ['hung', 'foreign', 'failed', ['cancel-repair']],
  ['hung', 'died', 'failed', ['remount']],
  ['hung', 'done', 'recovering', []],
  ['hung', 'fail/unreachable', 'failed', ['wait-for-server']],
  ['hung', 'fail/answered', 'failed', ['retry-after']],
  ['hung', 'answers', 'hung', []],
  ['hung', 'retry', 'hung', []],
  ['hung', 'stuck', 'hung', []],
  ['hung', 'hang-deadline', 'failed', ['remount']],

  ['failed/waiting', 'ok', 'failed', []],
  ['failed/waiting', 'soft', 'degraded', ['cancel-repair']],
  ['failed/waiting', 'hard', 'failed', []],
  ['failed/waiting', 'hard/live-daemon', 'failed', []],
  ['failed/waiting', 'bad', 'failed', []],
  ['failed/waiting', 'timeout', 'failed', []],
  ['failed/waiting', 'absent', 'failed', []],
  ['failed/waiting', 'foreign', 'failed', ['cancel-repair']],
  ['failed/waiting', 'died', 'failed', []],
  ['failed/waiting', 'done', 'recovering', []],
  ['failed/waiting', 'fail/unreachable', 'failed', ['wait-for-server']],
  ['failed/waiting', 'fail/answered', 'failed', ['retry-after']],
  ['failed/waiting', 'answers', 'failed', ['remount']],
  ['failed/waiting', 'retry', 'failed', []],
  ['failed/waiting', 'stuck', 'failed', []],
  ['failed/waiting', 'hang-deadline', 'failed', []],

  ['failed/backing-off', 'answers', 'failed', []],
  ['failed/backing-off', 'retry', 'failed', ['remount']],

  ['recovering/hold-down', 'ok', 'recovering', []],
  ['recovering/hold-down', 'soft', 'recovering', []],
  ['recovering/hold-down', 'hard', 'failed', ['retry-after']],
  ['recovering/hold-down', 'hard/live-daemon', 'recovering', []],
  ['recovering/hold-down', 'bad', 'recovering', []],
  ['recovering/hold-down', 'timeout', 'hung', ['arm-hang-timer']],
  ['recovering/hold-down', 'absent', 'failed', ['retry-after']],
  ['recovering/hold-down', 'foreign', 'failed', ['cancel-repair']],
  ['recovering/hold-down', 'died', 'failed', ['retry-after']],
  ['recovering/hold-down', 'done', 'recovering', []],
  ['recovering/hold-down', 'fail/unreachable', 'failed', ['wait-for-server']],
  ['recovering/hold-down', 'fail/answered', 'failed', ['retry-after']],
  ['recovering/hold-down', 'answers', 'recovering', []],
  ['recovering/hold-down', 'retry', 'recovering', []],
  ['recovering/hold-down', 'stuck', 'recovering', []],
  ['recovering/hold-down', 'hang-deadline', 'recovering', []],
];

describe('decide: every state x signal', () => {
  it.each(table)('when %s gets %s then %s with %j', (history, signal, state, actions) => {
    const decision = decide(histories[history]!, signals[signal]!, context());
    expect(decision.health.state).toBe(state);
    expect(decision.actions.map((action) => action.type)).toEqual(actions);
    expect(decision.transition === undefined).toBe(histories[history]!.state === state);
  });
});

/** Feeds signals one after another; returns every state visited. */
function run(start: MountHealth, signalsInOrder: HealthSignal[], ctx: Partial<DecideContext> = {}): { health: MountHealth; states: MountState[] } {
  let health = start;
  const states: MountState[] = [];
  for (const signal of signalsInOrder) {
    health = decide(health, signal, context(ctx)).health;
    states.push(health.state);
  }
  return { health, states };
}

describe('decide: stuck request', () => {
  it('when a healthy mount gets a stuck request then it is degraded at once, saying how long, with no fall count', () => {
    const decision = decide(histories.healthy!, signals.stuck!, context());
    expect(decision.health.reason).toBe('stuck request: the FUSE connection has held a request for 20 s while probes pass');
    expect(decision.transition).toMatchObject({ from: 'healthy', to: 'degraded' });
    expect(decision.health.outageSince).toBeUndefined();
  });

  it('when a degraded mount gets a stuck request then it stays degraded with the stuck reason', () => {
    expect(decide(histories.degraded!, signals.stuck!, context()).health.reason).toMatch(/^stuck request: /);
  });
});

describe('decide: fall and rise', () => {
  it('when soft signals come fall times in a row then the mount turns degraded only at the last one', () => {
    const { states } = run(histories.healthy!, [signals.soft!, signals.soft!, signals.soft!]);
    expect(states).toEqual(['healthy', 'healthy', 'degraded']);
  });

  it('when a good probe comes between soft ones then the count starts over', () => {
    const { states } = run(histories.healthy!, [signals.soft!, signals.soft!, signals.ok!, signals.soft!, signals.soft!]);
    expect(states).toEqual(['healthy', 'healthy', 'healthy', 'healthy', 'healthy']);
  });

  it('when a degraded mount answers rise times then it is healthy again and no outage is reported (I/O worked throughout)', () => {
    let health = histories.degraded!;
    health = decide(health, signals.ok!, context()).health;
    const second = decide(health, signals.ok!, context());
    expect(second.health.state).toBe('healthy');
    expect(second.transition).toMatchObject({ from: 'degraded', to: 'healthy' });
    expect(second.transition?.outageMs).toBeUndefined();
  });

  it('when a healthy mount turns degraded then no outage clock starts; when it then fails, the clock starts at the failure', () => {
    const degraded = run(histories.healthy!, [signals.soft!, signals.soft!, signals.soft!]).health;
    expect(degraded.state).toBe('degraded');
    expect(degraded.outageSince).toBeUndefined();
    const failed = run(degraded, [signals.bad!, signals.bad!, signals.bad!]).health;
    expect(failed.state).toBe('failed');
    expect(failed.outageSince).toBe(NOW);
  });

  it('when a hung mount answers rise times then the outage since it hung is reported', () => {
    let health = histories.hung!;
    health = decide(health, signals.ok!, context()).health;
    const second = decide(health, signals.ok!, context());
    expect(second.health.state).toBe('healthy');
    expect(second.transition).toMatchObject({ from: 'hung', to: 'healthy', outageMs: NOW });
  });

  it('when errors that may pass (EIO) come fall times then the mount fails and is remounted', () => {
    const { states, health } = run(histories.healthy!, [signals.bad!, signals.bad!, signals.bad!]);
    expect(states).toEqual(['healthy', 'healthy', 'failed']);
    expect(health.repair).toBe('remounting');
  });

  it('when a fresh mount answers well with a brick still connecting during the hold-down then it counts toward healthy', () => {
    const brickDown: HealthSignal = { kind: 'probe', verdict: 'soft', reason: 'brick v-client-1 disconnected', latencyMs: 3, daemonAlive: true, answered: true };
    const { states } = run(histories['recovering/hold-down']!, [brickDown, brickDown]);
    expect(states).toEqual(['recovering', 'healthy']);
  });

  it('when the hold-down is over and a brick stays down then the mount turns degraded after fall probes', () => {
    const brickDown: HealthSignal = { kind: 'probe', verdict: 'soft', reason: 'brick v-client-1 disconnected', latencyMs: 3, daemonAlive: true, answered: true };
    const { states } = run(histories.healthy!, [brickDown, brickDown, brickDown], { now: NOW + 10_000 });
    expect(states).toEqual(['healthy', 'healthy', 'degraded']);
  });

  it('when the hold-down is over then ENOTCONN from a live client fails the mount at once', () => {
    const decision = decide(histories['recovering/hold-down']!, signals['hard/live-daemon']!, context({ now: NOW + 2_001 }));
    expect(decision.health.state).toBe('failed');
  });

  it('when a recovering mount answers rise times then it is healthy and the backoff count is reset', () => {
    const { health, states } = run(histories['recovering/hold-down']!, [signals.ok!, signals.ok!]);
    expect(states).toEqual(['recovering', 'healthy']);
    expect(health.attempts).toBe(0);
  });
});

describe('decide: hung', () => {
  it('when no on-hang policy is set then a hung mount only alerts', () => {
    const decision = decide(histories.healthy!, signals.timeout!, context({ onHang: {} }));
    expect(decision.health.state).toBe('hung');
    expect(decision.actions).toEqual([]);
    expect(decision.transition?.action).toMatch(/no remount/);
  });

  it('when the hang deadline comes without a policy then nothing happens', () => {
    const decision = decide(histories.hung!, signals['hang-deadline']!, context({ onHang: {} }));
    expect(decision.health.state).toBe('hung');
    expect(decision.actions).toEqual([]);
  });

  it('when the on-hang policy is set then the timer is armed with its delay', () => {
    const decision = decide(histories.healthy!, signals.timeout!, context({ onHang: { remountAfterMs: 12_000 } }));
    expect(decision.actions).toEqual([{ type: 'arm-hang-timer', delayMs: 12_000 }]);
  });
});

describe('decide: repair', () => {
  it('when remounts keep failing with a server answering then the delays grow and stop at the cap', () => {
    let health = histories.healthy!;
    const delays: number[] = [];
    health = decide(health, signals.hard!, context()).health;
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const decision = decide(health, signals['fail/answered']!, context());
      const retry = decision.actions.find((action) => action.type === 'retry-after');
      if (retry?.type === 'retry-after') delays.push(retry.delayMs);
      health = decide(decision.health, signals.retry!, context()).health;
    }
    expect(delays.slice(0, 4)).toEqual([250, 500, 1_000, 2_000]);
    expect(Math.max(...delays)).toBe(30_000);
    for (let index = 1; index < delays.length; index += 1) expect(delays[index]!).toBeGreaterThanOrEqual(delays[index - 1]!);
  });

  it('when no server answers then no attempt is counted and no backoff grows', () => {
    let health = decide(histories.healthy!, signals.hard!, context()).health;
    for (let poll = 0; poll < 5; poll += 1) health = decide(health, signals['fail/unreachable']!, context()).health;
    expect(health.attempts).toBe(0);
    expect(health.repair).toBe('waiting-for-server');
    const decision = decide(health, signals.answers!, context());
    expect(decision.actions).toEqual([{ type: 'remount', reason: '10.0.0.2:24007 answers again' }]);
  });

  it('when a remount succeeds then the state is recovering with a hold-down and one more remount counted', () => {
    const failed = decide(histories.healthy!, signals.died!, context()).health;
    const decision = decide(failed, signals.done!, context());
    expect(decision.health).toMatchObject({ state: 'recovering', holdDownUntil: NOW + 3_000, remounts: 1, server: '10.0.0.2' });
    expect(decision.transition).toMatchObject({ from: 'failed', to: 'recovering', action: 'remounted via 10.0.0.2' });
  });

  it('when the first mount of an absent mount succeeds then it is not counted as a remount', () => {
    const mounting = decide(histories.starting!, signals.absent!, context()).health;
    const decision = decide(mounting, { kind: 'remount-done', server: '10.0.0.1', initial: true }, context());
    expect(decision.health.remounts).toBe(0);
    expect(decision.health.reason).toBe('mounted via 10.0.0.1');
    expect(decision.transition).toBeUndefined();
  });

  it('when a failed mount answers again by itself then it turns healthy and the repair is cancelled', () => {
    const { health } = run(histories['failed/waiting']!, [signals.ok!]);
    const decision = decide(health, signals.ok!, context());
    expect(decision.health.state).toBe('healthy');
    expect(decision.actions).toEqual([{ type: 'cancel-repair' }]);
  });
});
