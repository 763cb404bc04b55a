import { describe, expect, it } from 'vitest';
import { avoidListOf, createCore, describeStatus, probeIntervalOf, step } from '../../../src/supervisor/core.js';
import type { CoreEffect, CoreInput, CoreSettings, MountCore } from '../../../src/supervisor/core-types.js';
import { DEFAULTS } from '../../../src/defaults.js';
import type { ProbeResult } from '../../../src/probes/probe-types.js';

const NOW = 1_000_000;
const env = { now: NOW, random: 0.5 };
const settings: CoreSettings = {
  spec: { probe: { intervalMs: 1_000, timeoutMs: 5_000, fall: 3, rise: 2, slowMs: 2_000, write: true }, onHang: { remountAfterMs: 30_000 } },
  repair: { ...DEFAULTS.repair, backoffBaseMs: 250, backoffCapMs: 30_000, backoffJitter: 0.2, holdDownMs: 3_000, recentFailureMs: 60_000, probeExitWaitMs: 1_000 },
  settleIntervalMs: 250,
};
const DAEMON = { pid: 42, startTime: 7, argv: ['/usr/sbin/glusterfs', '/mnt/data'] };
const base = createCore(NOW - 10_000);
const up = (patch: Partial<MountCore> = {}, health: Partial<MountCore['health']> = {}): MountCore => ({
  ...base,
  mountedOnce: true,
  daemon: DAEMON,
  nextProbeId: 8,
  ...patch,
  health: { ...base.health, state: 'healthy', since: 0, reason: 'probe answered', server: '10.0.0.10', ...health },
});

const cores: Record<string, MountCore> = {
  starting: base,
  'healthy/idle': up(),
  'healthy/probing': up({ probe: { id: 7, overdue: false, stale: false } }),
  'hung/overdue': up({ probe: { id: 7, overdue: true, stale: false } }, { state: 'hung', since: NOW - 40_000, outageSince: 0 }),
  'failed/remounting': up({}, { state: 'failed', repair: 'remounting', outageSince: 0 }),
  'failed/waits-probe': up({ probe: { id: 7, overdue: false, stale: true }, remountWaitsForProbe: true }, { state: 'failed', repair: 'remounting', outageSince: 0 }),
  'failed/waiting': up({}, { state: 'failed', repair: 'waiting-for-server', outageSince: 0 }),
  'failed/backing-off': up({}, { state: 'failed', repair: 'backing-off', attempts: 1, outageSince: 0 }),
  'recovering/stale-probe': up({ probe: { id: 7, overdue: false, stale: true } }, { state: 'recovering', holdDownUntil: NOW + 2_000, remounts: 1 }),
  'starting/absent-remounting': { ...base, daemon: DAEMON, health: { ...base.health, state: 'recovering', repair: 'remounting' } },
  'healthy/rotation': up({ failedServers: { '10.0.0.10': NOW - 1_000, '10.0.0.12:24007': NOW - 120_000 } }),
  stopped: up({ stopped: true, probe: { id: 7, overdue: false, stale: false } }),
};

const result = (verdict: ProbeResult['verdict'], extra: Partial<ProbeResult> = {}): ProbeResult => ({ verdict, step: 'lookup', detail: verdict, latencyMs: 3, ...extra });
const inputs: Record<string, CoreInput> = {
  start: { kind: 'start' },
  stop: { kind: 'stop' },
  tick: { kind: 'timer', timer: 'tick' },
  deadline: { kind: 'timer', timer: 'probe-deadline' },
  'repair-timer': { kind: 'timer', timer: 'repair' },
  'hang-timer': { kind: 'timer', timer: 'hang' },
  'probe-exit-timer': { kind: 'timer', timer: 'probe-exit' },
  'start:mounted': { kind: 'inspected', purpose: 'start', presence: { kind: 'mounted', device: '0:40', server: '10.0.0.10' } },
  'start:absent': { kind: 'inspected', purpose: 'start', presence: { kind: 'absent' } },
  'start:foreign': { kind: 'inspected', purpose: 'start', presence: { kind: 'foreign', reason: 'another filesystem: ext4' } },
  'probe:mounted': { kind: 'inspected', purpose: 'probe', presence: { kind: 'mounted', device: '0:40' } },
  'probe:absent': { kind: 'inspected', purpose: 'probe', presence: { kind: 'absent' } },
  'probe:foreign': { kind: 'inspected', purpose: 'probe', presence: { kind: 'foreign', reason: 'another filesystem: ext4' } },
  'result:ok': { kind: 'probe-result', id: 7, result: result('ok'), bricks: [], daemonAlive: true, daemonRssBytes: 4_096_000 },
  'result:enotconn': { kind: 'probe-result', id: 7, result: result('hard', { errno: 'ENOTCONN' }), bricks: [], daemonAlive: true, daemonRssBytes: 4_096_000 },
  'result:read-eio': { kind: 'probe-result', id: 7, result: result('bad', { errno: 'EIO', step: 'read' }), bricks: [], daemonAlive: true, daemonRssBytes: 4_096_000 },
  'result:old-id': { kind: 'probe-result', id: 6, result: result('hard', { errno: 'ENOTCONN' }), bricks: [], daemonAlive: true },
  exited: { kind: 'probe-exited', id: 7 },
  'daemon-found': { kind: 'daemon-found', daemon: { ...DAEMON, pid: 43 } },
  'daemon-not-found': { kind: 'daemon-found' },
  'died:ours': { kind: 'daemon-died', daemon: DAEMON, status: 'gone' },
  'died:other': { kind: 'daemon-died', daemon: { ...DAEMON, startTime: 99 }, status: 'gone' },
  'checked:answer': { kind: 'servers-checked', answered: '10.0.0.11:24007' },
  'checked:none': { kind: 'servers-checked' },
  'ended:mounted': { kind: 'remount-ended', result: { kind: 'mounted', server: '10.0.0.11:24007', daemon: { ...DAEMON, pid: 50 } } },
  'ended:failed': { kind: 'remount-ended', result: { kind: 'failed', reason: 'mount exited 32', answered: '10.0.0.11:24007' } },
  'ended:no-server': { kind: 'remount-ended', result: { kind: 'no-server', reason: 'refused' } },
  'ended:foreign': { kind: 'remount-ended', result: { kind: 'foreign', reason: 'another filesystem: ext4' } },
};

/** An effect in a few words, so a row reads like the decision it checks. */
function word(effect: CoreEffect): string {
  switch (effect.type) {
    case 'set-timer':
      return `set:${effect.timer}:${effect.delayMs}`;
    case 'cancel-timer':
      return `cancel:${effect.timer}`;
    case 'inspect-mount':
      return `inspect:${effect.purpose}`;
    case 'start-probe':
      return `probe#${effect.id}@${effect.device}/gen${effect.fileGeneration}`;
    case 'kill-probe':
      return `kill#${effect.id}`;
    case 'watch-daemon':
      return `watch:${effect.daemon.pid}`;
    case 'remount':
      return `remount avoid[${effect.avoid.map((server) => server.host).join(',')}] old:${effect.daemon?.pid ?? '-'}`;
    case 'emit': {
      const { event } = effect;
      if (event.kind === 'transition') return `emit:${event.change.from}->${event.change.to}`;
      if (event.kind === 'state') return `emit:state:${event.state}`;
      if (event.kind === 'probe') return `emit:probe:${event.latencyMs}`;
      if (event.kind === 'daemon-rss') return `emit:rss:${event.bytes ?? '-'}`;
      if (event.kind === 'server') return `emit:server:${event.server ?? '-'}`;
      if (event.kind === 'abort') return `emit:abort:${event.target}:${event.reason}`;
      return `emit:${event.kind}:${event.cause}`;
    }
    case 'read-fuse-waiting':
      return `read-fuse-waiting:${effect.connection}`;
    case 'abort-fuse-connection':
      return `abort-fuse:${effect.connection}`;
    case 'check-daemon-servers':
      return `check-daemon-servers#${effect.probeId}:${effect.daemon.pid}`;
    case 'abort-sockets':
      return `abort-sockets:${effect.daemon.pid}->${effect.ip}`;
    default:
      return effect.type;
  }
}

// [core, input, state after, effects in order]: every decision the core makes beside decide()'s health policy
type Row = [string, string, string, string[]];
const table: Row[] = [
  // start: adopt what is mounted, mount what is not, never touch a foreign filesystem
  ['starting', 'start', 'starting', ['emit:state:starting', 'inspect:start']],
  ['starting', 'start:mounted', 'starting', ['emit:server:10.0.0.10', 'find-daemon', 'set:tick:0']],
  ['starting', 'start:absent', 'recovering', ['set:tick:1000', 'emit:starting->recovering', 'unwatch-daemon', 'remount avoid[] old:-']],
  ['starting', 'start:foreign', 'failed', ['set:tick:1000', 'emit:starting->failed', 'cancel:repair', 'cancel:hang']],
  // the loop: one probe at a time, none while a remount runs; a fresh mount is probed faster
  ['starting', 'tick', 'starting', ['heartbeat', 'set:tick:250', 'inspect:probe']],
  ['healthy/idle', 'tick', 'healthy', ['heartbeat', 'set:tick:1000', 'inspect:probe']],
  ['healthy/probing', 'tick', 'healthy', ['heartbeat', 'set:tick:1000']],
  ['hung/overdue', 'tick', 'hung', ['heartbeat', 'set:tick:1000']],
  ['failed/remounting', 'tick', 'failed', ['heartbeat', 'set:tick:1000']],
  ['recovering/stale-probe', 'tick', 'recovering', ['heartbeat', 'set:tick:250']],
  ['healthy/idle', 'probe:mounted', 'healthy', ['probe#8@0:40/gen0', 'set:probe-deadline:5000']],
  ['starting', 'probe:mounted', 'starting', ['find-daemon', 'probe#1@0:40/gen0', 'set:probe-deadline:5000']],
  ['healthy/probing', 'probe:mounted', 'healthy', []],
  ['failed/remounting', 'probe:absent', 'failed', []],
  ['healthy/idle', 'probe:absent', 'failed', ['emit:healthy->failed', 'emit:failure:not_mounted', 'unwatch-daemon', 'remount avoid[] old:42']],
  ['healthy/idle', 'probe:foreign', 'failed', ['emit:healthy->failed', 'emit:failure:not_mounted', 'cancel:repair', 'cancel:hang']],
  // probe deadline: hung once, the server in use tried last, the child killed
  ['healthy/probing', 'deadline', 'hung', ['kill#7', 'heartbeat', 'emit:probe:5000', 'emit:healthy->hung', 'set:hang:30000']],
  ['hung/overdue', 'deadline', 'hung', []],
  ['recovering/stale-probe', 'deadline', 'recovering', ['kill#7']],
  ['healthy/idle', 'deadline', 'healthy', []],
  // probe results: weighed with the side signals; late, stale and foreign answers ignored
  ['healthy/probing', 'result:ok', 'healthy', ['cancel:probe-deadline', 'heartbeat', 'emit:probe:3', 'emit:rss:4096000']],
  ['healthy/probing', 'result:enotconn', 'failed', ['cancel:probe-deadline', 'heartbeat', 'emit:probe:3', 'emit:rss:4096000', 'emit:healthy->failed', 'emit:failure:enotconn', 'kill#7', 'set:probe-exit:1000']],
  ['healthy/probing', 'result:read-eio', 'healthy', ['cancel:probe-deadline', 'heartbeat', 'emit:probe:3', 'emit:rss:4096000']],
  ['healthy/probing', 'result:old-id', 'healthy', []],
  ['hung/overdue', 'result:ok', 'hung', []],
  ['recovering/stale-probe', 'result:enotconn', 'recovering', ['cancel:probe-deadline']],
  // the probe's child is gone: the slot frees, and a remount waiting for it goes on
  ['healthy/probing', 'exited', 'healthy', []],
  ['failed/waits-probe', 'exited', 'failed', ['cancel:probe-exit', 'unwatch-daemon', 'remount avoid[] old:42']],
  ['failed/waits-probe', 'probe-exit-timer', 'failed', ['cancel:probe-exit', 'unwatch-daemon', 'remount avoid[] old:42']],
  ['healthy/idle', 'probe-exit-timer', 'healthy', []],
  // the FUSE daemon
  ['healthy/idle', 'daemon-found', 'healthy', ['watch:43']],
  ['starting', 'daemon-not-found', 'starting', []],
  ['healthy/idle', 'died:ours', 'failed', ['emit:rss:-', 'emit:healthy->failed', 'emit:failure:daemon_dead', 'unwatch-daemon', 'remount avoid[] old:42']],
  ['healthy/probing', 'died:ours', 'failed', ['emit:rss:-', 'emit:healthy->failed', 'emit:failure:daemon_dead', 'kill#7', 'set:probe-exit:1000']],
  ['healthy/idle', 'died:other', 'healthy', []],
  ['failed/remounting', 'died:ours', 'failed', ['emit:rss:-']],
  ['starting/absent-remounting', 'died:ours', 'recovering', ['emit:rss:-']],
  // waiting for a server, backing off
  ['failed/waiting', 'repair-timer', 'failed', ['heartbeat', 'check-servers']],
  ['failed/backing-off', 'repair-timer', 'failed', ['unwatch-daemon', 'remount avoid[] old:42']],
  ['failed/remounting', 'repair-timer', 'failed', []],
  ['failed/waiting', 'checked:answer', 'failed', ['unwatch-daemon', 'remount avoid[] old:42']],
  ['failed/waiting', 'checked:none', 'failed', ['set:repair:1000']],
  ['failed/backing-off', 'checked:answer', 'failed', []],
  ['hung/overdue', 'hang-timer', 'failed', ['emit:hung->failed', 'emit:failure:hung', 'cancel:hang', 'kill#7', 'set:probe-exit:1000']],
  ['healthy/idle', 'hang-timer', 'healthy', []],
  // the servers that failed a moment ago go last; older failures are forgotten
  ['healthy/rotation', 'died:ours', 'failed', ['emit:rss:-', 'emit:healthy->failed', 'emit:failure:daemon_dead', 'unwatch-daemon', 'remount avoid[10.0.0.10] old:42']],
  // how a remount ended
  ['failed/remounting', 'ended:mounted', 'recovering', ['emit:server:10.0.0.11:24007', 'watch:50', 'emit:remount:other', 'emit:failed->recovering', 'set:tick:0', 'run-post-remount']],
  ['starting/absent-remounting', 'ended:mounted', 'recovering', ['emit:server:10.0.0.11:24007', 'watch:50', 'set:tick:0']],
  ['failed/remounting', 'ended:failed', 'failed', ['set:repair:250']],
  ['failed/remounting', 'ended:no-server', 'failed', ['set:repair:1000']],
  ['failed/remounting', 'ended:foreign', 'failed', ['cancel:repair', 'cancel:hang']],
  // stop: every timer, the watch and the probe; nothing after
  ['healthy/probing', 'stop', 'healthy', ['cancel:tick', 'cancel:probe-deadline', 'cancel:repair', 'cancel:hang', 'cancel:probe-exit', 'unwatch-daemon', 'kill#7']],
  ['stopped', 'tick', 'healthy', []],
  ['stopped', 'died:ours', 'healthy', []],
  ['stopped', 'ended:mounted', 'healthy', []],
];

describe('core: state x input', () => {
  it.each(table)('when %s gets %s then %s with %j', (core, input, state, effects) => {
    const next = step(cores[core]!, inputs[input]!, settings, env);
    expect(next.core.health.state).toBe(state);
    expect(next.effects.map(word)).toEqual(effects);
  });
});

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
};

describe('core: the caller\'s state is never changed', () => {
  // the stepper changes its own copy in place (issue 16, round 3): a frozen input throws on any write to it
  it.each(table)('when frozen %s gets %s then the step works on a copy', (core, input) => {
    const before = structuredClone(cores[core]!);
    const frozen = deepFreeze(structuredClone(cores[core]!));
    const next = step(frozen, inputs[input]!, settings, env);
    expect(frozen).toEqual(before);
    expect(next.core === frozen || !Object.isFrozen(next.core)).toBe(true);
  });
});

describe('core: what the state keeps', () => {
  it('when a probe starts then its slot is taken and the next one gets a new id', () => {
    const next = step(cores['healthy/idle']!, inputs['probe:mounted']!, settings, env).core;
    expect(next.probe).toEqual({ id: 8, overdue: false, stale: false });
    expect(next.nextProbeId).toBe(9);
  });

  it('when a probe outlives its deadline then it stays in the slot, overdue, and the server in use is noted as failed', () => {
    const next = step(cores['healthy/probing']!, inputs.deadline!, settings, env).core;
    expect(next.probe).toEqual({ id: 7, overdue: true, stale: false });
    expect(next.failedServers).toEqual({ '10.0.0.10': NOW });
    expect(next.lastProbe).toMatchObject({ verdict: 'timeout', latencyMs: 5_000 });
    expect(next.cause).toBe('hung');
  });

  it('when the probe file reads back EIO then the next probe writes a fresh file', () => {
    const next = step(cores['healthy/probing']!, inputs['result:read-eio']!, settings, env).core;
    expect(next.fileGeneration).toBe(1);
    const probe = step({ ...next, probe: undefined }, inputs['probe:mounted']!, settings, env);
    expect(probe.effects.map(word)).toContain('probe#8@0:40/gen1');
  });

  it('when ENOTCONN comes then the server in use is tried last and the remount waits for the killed probe', () => {
    const next = step(cores['healthy/probing']!, inputs['result:enotconn']!, settings, env).core;
    expect(next.failedServers).toEqual({ '10.0.0.10': NOW });
    expect(next.remountWaitsForProbe).toBe(true);
    expect(next.probe).toMatchObject({ id: 7, stale: true });
    expect(next.health.repair).toBe('remounting');
  });

  it('when a remount fails through a server that answered then that server is tried last next time', () => {
    const next = step(cores['failed/remounting']!, inputs['ended:failed']!, settings, env).core;
    expect(next.failedServers).toEqual({ '10.0.0.11:24007': NOW });
    expect(next.daemon).toBeUndefined();
    expect(next.health).toMatchObject({ repair: 'backing-off', attempts: 1 });
  });

  it('when the first mount of an absent mount is made then it counts no remount and runs no post-remount command', () => {
    const next = step(cores['starting/absent-remounting']!, inputs['ended:mounted']!, settings, env);
    expect(next.core.mountedOnce).toBe(true);
    expect(next.core.health.remounts).toBe(0);
    expect(next.core.daemon?.pid).toBe(50);
  });

  it('when a mount that was up fails then the cause a later remount is counted under is kept', () => {
    const failed = step(cores['healthy/probing']!, inputs['result:enotconn']!, settings, env).core;
    expect(failed.cause).toBe('enotconn');
    const remounted = step({ ...failed, probe: undefined, remountWaitsForProbe: false }, inputs['ended:mounted']!, settings, env);
    expect(remounted.effects.map(word)).toContain('emit:remount:enotconn');
  });

  it('when stopped then every later input is ignored and the state says so', () => {
    const next = step(cores['healthy/probing']!, inputs.stop!, settings, env).core;
    expect(next.stopped).toBe(true);
    expect(step(next, inputs['died:ours']!, settings, env)).toEqual({ core: next, effects: [] });
  });

  it('when the mount is recovering then probes run at the settle interval, and at the probe interval once healthy', () => {
    expect(probeIntervalOf(cores['recovering/stale-probe']!, settings)).toBe(250);
    expect(probeIntervalOf(cores['healthy/idle']!, settings)).toBe(1_000);
  });

  it('when failures are older than recentFailureMs then they leave the avoid list', () => {
    const { avoid, kept } = avoidListOf({ a: NOW - 10, 'b:24007': NOW - 60_001 }, NOW, 60_000);
    expect(avoid).toEqual([{ host: 'a' }]);
    expect(kept).toEqual({ a: NOW - 10 });
  });

  it('when a status is asked then it shows the last probe, the daemon and the bricks down', () => {
    const next = step(cores['healthy/probing']!, { ...(inputs['result:ok'] as Extract<CoreInput, { kind: 'probe-result' }>), bricks: [{ name: 'v-client-1', connected: false }] }, settings, env).core;
    expect(describeStatus(next, { name: 'data', mountpoint: '/mnt/data', backend: 'glusterfs' })).toMatchObject({ state: 'healthy', server: '10.0.0.10', daemonPid: 42, bricksDown: ['v-client-1'], lastProbe: { verdict: 'ok', latencyMs: 3 } });
  });
});

// issue 17: the FUSE connection of a dead daemon, and the daemon's sockets to a server that vanished
const partitionSettings: CoreSettings = { ...settings, partition: { stallCheckMs: 2_000, abortMinIntervalMs: 30_000 } };
const onDevice = (core: MountCore): MountCore => ({ ...core, device: '0:47' });
const pcores: Record<string, MountCore> = {
  'healthy/idle@47': onDevice(cores['healthy/idle']!),
  'healthy/probing@47': onDevice(cores['healthy/probing']!),
  'healthy/checking@47': onDevice({ ...cores['healthy/probing']!, serverCheck: 7 }),
  'healthy/checking-aborted-10s-ago': onDevice({ ...cores['healthy/probing']!, serverCheck: 7, socketAborts: { '10.0.0.10': NOW - 10_000 } }),
  'healthy/checking-aborted-40s-ago': onDevice({ ...cores['healthy/probing']!, serverCheck: 7, socketAborts: { '10.0.0.10': NOW - 40_000 } }),
  'healthy/checking-answered': onDevice({ ...cores['healthy/idle']!, serverCheck: 7 }),
  'hung/checking': onDevice({ ...cores['hung/overdue']!, probe: undefined, serverCheck: 7 }),
  'healthy/probing/daemon-dead@47': onDevice({ ...cores['healthy/probing']!, daemonDead: true }),
  'failed/remounting/daemon-dead@47': onDevice({ ...cores['failed/remounting']!, daemonDead: true }),
  'failed/waits-probe/daemon-dead@47': onDevice({ ...cores['failed/waits-probe']!, daemonDead: true }),
  'failed/backing-off/daemon-dead@47': onDevice({ ...cores['failed/backing-off']!, daemonDead: true }),
  'failed/backing-off/no-device': { ...cores['failed/backing-off']!, daemonDead: true },
};
const servers = (answers: Record<string, boolean>, probeId = 7): CoreInput => ({ kind: 'daemon-servers-checked', probeId, servers: Object.entries(answers).map(([ip, answered]) => ({ ip, answered })) });
const pinputs: Record<string, CoreInput> = {
  ...inputs,
  stall: { kind: 'timer', timer: 'stall' },
  'checked:.10-silent,.11-answers': servers({ '10.0.0.10': false, '10.0.0.11': true }),
  'checked:all-answer': servers({ '10.0.0.10': true, '10.0.0.11': true }),
  'checked:all-silent': servers({ '10.0.0.10': false, '10.0.0.11': false }),
  'checked:other-probe': servers({ '10.0.0.10': false, '10.0.0.11': true }, 6),
  'result:ok/daemon-dead': { kind: 'probe-result', id: 7, result: result('hard', { errno: 'ENOTCONN' }), bricks: [], daemonAlive: false },
  'fuse-aborted:2': { kind: 'fuse-aborted', connection: '47', waiting: 2 },
  'fuse-aborted:idle': { kind: 'fuse-aborted', connection: '47', waiting: 0 },
};
const ptable: Row[] = [
  // a probe starts: a stall timer besides its deadline; the answer cancels both
  ['healthy/idle@47', 'probe:mounted', 'healthy', ['probe#8@0:40/gen0', 'set:probe-deadline:5000', 'set:stall:2000']],
  ['healthy/probing@47', 'result:ok', 'healthy', ['cancel:probe-deadline', 'cancel:stall', 'heartbeat', 'emit:probe:3', 'emit:rss:4096000']],
  ['healthy/probing@47', 'stop', 'healthy', ['cancel:tick', 'cancel:probe-deadline', 'cancel:repair', 'cancel:hang', 'cancel:probe-exit', 'cancel:stall', 'unwatch-daemon', 'kill#7']],
  // stalled: ask which servers take a TCP connection, once per probe; the deadline asks too when the stall did not
  ['healthy/probing@47', 'stall', 'healthy', ['check-daemon-servers#7:42']],
  ['healthy/checking@47', 'stall', 'healthy', []],
  ['healthy/idle@47', 'stall', 'healthy', []],
  ['healthy/probing/daemon-dead@47', 'stall', 'healthy', []],
  ['healthy/probing@47', 'deadline', 'hung', ['kill#7', 'heartbeat', 'emit:probe:5000', 'check-daemon-servers#7:42', 'emit:healthy->hung', 'set:hang:30000']],
  ['healthy/checking@47', 'deadline', 'hung', ['kill#7', 'heartbeat', 'emit:probe:5000', 'emit:healthy->hung', 'set:hang:30000']],
  // the answer: abort only a silent server while another answers, at most once per 30 s, only while still stalled
  ['healthy/checking@47', 'checked:.10-silent,.11-answers', 'healthy', ['abort-sockets:42->10.0.0.10', 'emit:abort:server-sockets:server_unreachable']],
  ['hung/checking', 'checked:.10-silent,.11-answers', 'hung', ['abort-sockets:42->10.0.0.10', 'emit:abort:server-sockets:server_unreachable']],
  ['healthy/checking@47', 'checked:all-answer', 'healthy', []],
  ['healthy/checking@47', 'checked:all-silent', 'healthy', []],
  ['healthy/checking@47', 'checked:other-probe', 'healthy', []],
  ['healthy/checking-answered', 'checked:.10-silent,.11-answers', 'healthy', []],
  ['healthy/checking-aborted-10s-ago', 'checked:.10-silent,.11-answers', 'healthy', []],
  ['healthy/checking-aborted-40s-ago', 'checked:.10-silent,.11-answers', 'healthy', ['abort-sockets:42->10.0.0.10', 'emit:abort:server-sockets:server_unreachable']],
  // a dead daemon: its FUSE connection is aborted before the remount (the runner writes `abort` only when requests wait)
  ['healthy/idle@47', 'died:ours', 'failed', ['emit:rss:-', 'emit:healthy->failed', 'emit:failure:daemon_dead', 'abort-fuse:47', 'unwatch-daemon', 'remount avoid[] old:42']],
  ['healthy/probing@47', 'result:ok/daemon-dead', 'failed', ['cancel:probe-deadline', 'cancel:stall', 'heartbeat', 'emit:probe:3', 'emit:rss:-', 'emit:healthy->failed', 'emit:failure:enotconn', 'kill#7', 'set:probe-exit:1000']],
  ['failed/waits-probe/daemon-dead@47', 'exited', 'failed', ['cancel:probe-exit', 'abort-fuse:47', 'unwatch-daemon', 'remount avoid[] old:42']],
  ['failed/backing-off/daemon-dead@47', 'repair-timer', 'failed', ['abort-fuse:47', 'unwatch-daemon', 'remount avoid[] old:42']],
  ['failed/backing-off/no-device', 'repair-timer', 'failed', ['unwatch-daemon', 'remount avoid[] old:42']],
  ['healthy/idle@47', 'repair-timer', 'healthy', []],
  ['failed/remounting/daemon-dead@47', 'fuse-aborted:2', 'failed', ['emit:abort:fuse-connection:daemon_dead']],
  ['failed/remounting/daemon-dead@47', 'fuse-aborted:idle', 'failed', []],
  // a healthy daemon is never cut off: no fusectl abort on a remount of a live daemon
  ['healthy/probing@47', 'result:enotconn', 'failed', ['cancel:probe-deadline', 'cancel:stall', 'heartbeat', 'emit:probe:3', 'emit:rss:4096000', 'emit:healthy->failed', 'emit:failure:enotconn', 'kill#7', 'set:probe-exit:1000']],
];

describe('core: connection aborts (issue 17), state x input', () => {
  it.each(ptable)('when %s gets %s then %s with %j', (core, input, state, effects) => {
    const next = step(pcores[core] ?? cores[core]!, pinputs[input]!, partitionSettings, env);
    expect(next.core.health.state).toBe(state);
    expect(next.effects.map(word)).toEqual(effects);
  });

  it('when the partition lever is off then a stall asks nothing and no stall timer is set', () => {
    expect(step(pcores['healthy/probing@47']!, pinputs.stall!, settings, env).effects).toEqual([]);
    expect(step(pcores['healthy/idle@47']!, pinputs['probe:mounted']!, settings, env).effects.map(word)).not.toContain('set:stall:2000');
  });

  it('when a server is aborted then the time is kept and the check slot frees', () => {
    const next = step(pcores['healthy/checking@47']!, pinputs['checked:.10-silent,.11-answers']!, partitionSettings, env).core;
    expect(next.socketAborts).toEqual({ '10.0.0.10': NOW });
    expect(next.serverCheck).toBeUndefined();
  });

  it('when the daemon dies then the core keeps it dead until a new daemon is found or mounted', () => {
    const dead = step(pcores['healthy/idle@47']!, pinputs['died:ours']!, partitionSettings, env).core;
    expect(dead.daemonDead).toBe(true);
    expect(dead.device).toBe('0:47');
    expect(step({ ...dead, health: { ...dead.health, repair: 'remounting' } }, pinputs['ended:mounted']!, partitionSettings, env).core.daemonDead).toBe(false);
  });
});

// issue 17 item 2: fusectl's `waiting`, sampled each tick: a request held past stuckRequestMs while probes pass is a stuck user
const stuckSettings: CoreSettings = { ...settings, stuckRequestMs: 20_000 };
const stuckTable: Row[] = [
  ['healthy/idle@47', 'tick', 'healthy', ['heartbeat', 'set:tick:1000', 'read-fuse-waiting:47', 'inspect:probe']],
  ['healthy/idle', 'tick', 'healthy', ['heartbeat', 'set:tick:1000', 'inspect:probe']],
  ['failed/remounting/daemon-dead@47', 'tick', 'failed', ['heartbeat', 'set:tick:1000']],
  // the sample that finds a request waiting for the threshold turns the mount degraded at once (no `fall` probes)
  ['waiting-20s', 'waiting:1', 'degraded', ['emit:healthy->degraded']],
  ['waiting-19s', 'waiting:1', 'healthy', []],
  ['waiting-20s', 'waiting:0', 'healthy', []],
  ['waiting-20s/degraded', 'waiting:1', 'degraded', []],
  ['waiting-20s/hung', 'waiting:1', 'hung', []],
  ['waiting-20s/recovering', 'waiting:1', 'recovering', []],
  // a good probe while the request is still stuck keeps it degraded (it does not count toward `rise`)
  ['waiting-25s/degraded/probing', 'result:ok', 'degraded', ['cancel:probe-deadline', 'heartbeat', 'emit:probe:3', 'emit:rss:4096000']],
  ['stuck-5s', 'result:ok', 'healthy', ['cancel:probe-deadline', 'heartbeat', 'emit:probe:3', 'emit:rss:4096000']],
  ['stuck-25s', 'result:enotconn', 'failed', ['cancel:probe-deadline', 'heartbeat', 'emit:probe:3', 'emit:rss:4096000', 'emit:healthy->failed', 'emit:failure:enotconn', 'kill#7', 'set:probe-exit:1000']],
];
const waitingFor = (ms: number, health: Partial<MountCore['health']> = {}, probing = false): MountCore => {
  const core = onDevice({ ...cores[probing ? 'healthy/probing' : 'healthy/idle']!, waitingSince: NOW - ms });
  return { ...core, health: { ...core.health, ...health } };
};
const stuckCores: Record<string, MountCore> = {
  'waiting-20s': waitingFor(20_000),
  'waiting-19s': waitingFor(19_000),
  'waiting-20s/degraded': waitingFor(20_000, { state: 'degraded', reason: 'slow' }),
  'waiting-20s/hung': waitingFor(20_000, { state: 'hung', outageSince: 0 }),
  'waiting-20s/recovering': waitingFor(20_000, { state: 'recovering', holdDownUntil: NOW + 2_000 }),
  'waiting-25s/degraded/probing': waitingFor(25_000, { state: 'degraded', reason: 'stuck request', goodCount: 1 }, true),
  'stuck-25s': onDevice({ ...cores['healthy/probing']!, waitingSince: NOW - 25_000, health: { ...cores['healthy/probing']!.health, badCount: 2 } }),
  'stuck-5s': onDevice({ ...cores['healthy/probing']!, waitingSince: NOW - 5_000, health: { ...cores['healthy/probing']!.health, badCount: 2 } }),
};

const stuckInputs: Record<string, CoreInput> = { ...pinputs, 'waiting:1': { kind: 'fuse-waiting', waiting: 1 }, 'waiting:0': { kind: 'fuse-waiting', waiting: 0 } };

describe('core: stuck requests (issue 17), state x input', () => {
  it.each(stuckTable)('when %s gets %s then %s with %j', (core, input, state, effects) => {
    const next = step(stuckCores[core] ?? pcores[core] ?? cores[core]!, stuckInputs[input]!, stuckSettings, env);
    expect(next.core.health.state).toBe(state);
    expect(next.effects.map(word)).toEqual(effects);
  });

  it('when a request has waited 20 s at every sample while probes pass then the mount is degraded at that sample saying how long, under the stuck_request cause', () => {
    const next = step(stuckCores['waiting-20s']!, stuckInputs['waiting:1']!, stuckSettings, env).core;
    expect(next.health.reason).toBe('stuck request: the FUSE connection has held a request for 20 s while probes pass');
    expect(next.cause).toBe('stuck_request');
  });

  it('when a request is stuck from one sample on then the report comes at the sample one threshold later: within the threshold plus one interval', () => {
    let core = pcores['healthy/idle@47']!;
    let degradedAt: number | undefined;
    for (let t = 0; t <= 25_000 && degradedAt === undefined; t += settings.spec.probe.intervalMs) {
      core = step(core, { kind: 'fuse-waiting', waiting: 1 }, stuckSettings, { ...env, now: NOW + t }).core;
      if (core.health.state === 'degraded') degradedAt = t;
    }
    expect(degradedAt).toBe(20_000);
  });

  it('when waiting is seen above 0 then the first sight is kept, and a 0 or an unreadable count clears it', () => {
    const first = step(pcores['healthy/idle@47']!, { kind: 'fuse-waiting', waiting: 2 }, stuckSettings, env).core;
    expect(first.waitingSince).toBe(NOW);
    const later = step(first, { kind: 'fuse-waiting', waiting: 1 }, stuckSettings, { ...env, now: NOW + 1_000 }).core;
    expect(later.waitingSince).toBe(NOW);
    expect(step(later, { kind: 'fuse-waiting', waiting: 0 }, stuckSettings, env).core.waitingSince).toBeUndefined();
    expect(step(later, { kind: 'fuse-waiting', waiting: undefined }, stuckSettings, env).core.waitingSince).toBeUndefined();
  });

  it('when the stuck-request check is off then a long wait changes nothing', () => {
    expect(step(stuckCores['stuck-25s']!, pinputs['result:ok']!, settings, env).core.health.state).toBe('healthy');
    expect(step(stuckCores['waiting-20s']!, stuckInputs['waiting:1']!, settings, env).core.health.state).toBe('healthy');
  });
});
