import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeBackoff } from '../../../src/supervisor/backoff.js';
import { killDaemon } from '../../../src/supervisor/kill-daemon.js';
import { describeFirstAnswer } from '../../../src/resolve/first-answer.js';
import { resolveServers } from '../../../src/resolve/resolve-servers.js';
import { fakeNetwork } from '../resolve/fake-network.js';
import { parseServerText } from '../../../src/supervisor/supervisor.js';
import { buildScopeUnitName, wrapInScope } from '../../../src/supervisor/systemd-scope.js';
import { weighProbe } from '../../../src/supervisor/weigh-probe.js';
import { findDaemon } from '../../../src/probes/daemon.js';
import { fakeBackend, FakeClock, FakeProc, okResult } from './fakes.js';

const settings = { baseMs: 250, capMs: 30_000, jitter: 0.2 };

describe('computeBackoff', () => {
  it('when drawn for any attempt and any random value then the delay stays within the jitter band and under the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 0.999_999, noNaN: true }), (attempt, random) => {
        const raw = Math.min(settings.capMs, settings.baseMs * 2 ** (attempt - 1));
        const delay = computeBackoff(attempt, random, settings);
        expect(delay).toBeLessThanOrEqual(settings.capMs);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(raw * (1 - settings.jitter)));
        expect(delay).toBeLessThanOrEqual(Math.ceil(raw * (1 + settings.jitter)));
      }),
    );
  });

  it('when the random draw is at its ends then the delay is at the band ends', () => {
    expect(computeBackoff(1, 0, settings)).toBe(200);
    expect(computeBackoff(1, 0.999_999, settings)).toBe(300);
    expect(computeBackoff(3, 0.5, settings)).toBe(1_000);
  });
});

describe('describeFirstAnswer', () => {
  it('when the preferred server refuses and a backup answers then the answer names the backup with its port', async () => {
    const network = fakeNetwork({ vip: ['10.0.0.10'], a: ['10.0.0.11'] }, { '10.0.0.10': 'refused', '10.0.0.11': 'refused', '10.0.0.12': 'open' });
    const result = describeFirstAnswer(await resolveServers([{ host: 'vip' }, { host: 'a' }, { host: '10.0.0.12', port: 24008 }], network, { defaultPort: 24007 }));
    expect(result.answered).toBe('10.0.0.12:24008');
  });

  it('when the server that answers was avoided then it is still the answer (a server that failed a moment ago may be the only one back)', async () => {
    const network = fakeNetwork({}, { '10.0.0.10': 'open', '10.0.0.11': 'refused' });
    const result = describeFirstAnswer(await resolveServers([{ host: '10.0.0.10' }, { host: '10.0.0.11' }], network, { defaultPort: 24007, avoid: [{ host: '10.0.0.10' }] }));
    expect(result.answered).toBe('10.0.0.10:24007');
  });

  it('when every server refuses then the reason names each one', async () => {
    const network = fakeNetwork({}, { '10.0.0.1': 'refused', '10.0.0.2': 'refused' });
    const result = describeFirstAnswer(await resolveServers([{ host: '10.0.0.1' }, { host: '10.0.0.2' }], network, { defaultPort: 24007 }));
    expect(result.answered).toBeUndefined();
    expect(result.reason).toMatch(/10\.0\.0\.1:24007: refused/);
    expect(result.reason).toMatch(/10\.0\.0\.2:24007: refused/);
  });
});

describe('killDaemon', () => {
  it('when the daemon ignores SIGTERM then it gets SIGKILL after the wait', async () => {
    const proc = new FakeProc();
    const clock = new FakeClock();
    const pid = proc.spawnDaemon('/mnt/data');
    const signals: string[] = [];
    const done = killDaemon(findDaemon('/mnt/data', fakeBackend, proc)!, '/mnt/data', {
      proc,
      backend: fakeBackend,
      clock,
      waitMs: 1_000,
      signal: (target, signal) => {
        signals.push(signal);
        if (signal === 'SIGKILL') proc.kill(target);
      },
    });
    await clock.advance(3_000);
    expect(await done).toBe('killed');
    expect(signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(proc.exists(pid)).toBe(false);
  });

  it('when asked to end a stray client at once then it gets SIGKILL and no SIGTERM (no unmount on its way out)', async () => {
    const proc = new FakeProc();
    const clock = new FakeClock();
    proc.spawnDaemon('/mnt/data');
    const signals: string[] = [];
    const done = killDaemon(findDaemon('/mnt/data', fakeBackend, proc)!, '/mnt/data', { proc, backend: fakeBackend, clock, signal: (target, signal) => { signals.push(signal); proc.kill(target); } }, { immediate: true });
    await clock.advance(100);
    expect(await done).toBe('killed');
    expect(signals).toEqual(['SIGKILL']);
  });

  it('when the pid now belongs to another process then it is never signalled', async () => {
    const proc = new FakeProc();
    const clock = new FakeClock();
    const pid = proc.spawnDaemon('/mnt/data');
    const daemon = findDaemon('/mnt/data', fakeBackend, proc)!;
    proc.processes.set(pid, { argv: ['/usr/bin/vim'], stat: { state: 'S', startTime: 12_345, rssPages: 1 } });
    const signals: string[] = [];
    expect(await killDaemon(daemon, '/mnt/data', { proc, backend: fakeBackend, clock, signal: (_p, s) => signals.push(s) })).toBe('not-running');
    expect(signals).toEqual([]);
  });
});

describe('wrapInScope', () => {
  const mount = { file: 'mount', args: ['-t', 'glusterfs', 'vip:/v', '/mnt/data'] };
  it('when run under systemd then the mount runs in its own transient scope', () => {
    expect(wrapInScope(mount, 'ha-mount-data-1-1', { INVOCATION_ID: 'abc' })).toEqual({
      file: 'systemd-run',
      args: ['--scope', '--quiet', '--collect', '--unit=ha-mount-data-1-1', '--', 'mount', '-t', 'glusterfs', 'vip:/v', '/mnt/data'],
    });
  });
  it('when not run under systemd then the command is unchanged', () => {
    expect(wrapInScope(mount, 'x', {})).toBe(mount);
  });
  it('when the mount name has odd characters then the unit name is still valid', () => {
    expect(buildScopeUnitName('my data/1', 77)).toMatch(/^ha-mount-my_data_1-77-\d+$/);
  });
});

describe('weighProbe', () => {
  it('when a good probe is slower than the threshold then it is soft "slow"', () => {
    expect(weighProbe(okResult(2_500), [], 2_000, true)).toMatchObject({ signal: { verdict: 'soft', reason: 'slow: probe took 2.5 s' }, cause: 'slow' });
  });
  it('when a good probe sees a brick down then it is soft and names the brick', () => {
    expect(weighProbe(okResult(3), [{ name: 'v-client-1', connected: false }], 2_000, true)).toMatchObject({ signal: { verdict: 'soft', reason: 'brick v-client-1 disconnected' }, cause: 'brick_down' });
  });
  it('when the probe folder was off the device then it counts as bad, not ok', () => {
    expect(weighProbe({ verdict: 'unsafe', step: 'lookup', detail: 'x', latencyMs: 1 }, [], 2_000, true).signal.verdict).toBe('bad');
  });
});

describe('parseServerText', () => {
  it.each([
    ['10.0.0.1:24007', { host: '10.0.0.1', port: 24007 }],
    ['[fd00::1]:9421', { host: 'fd00::1', port: 9421 }],
    ['data-node-02', { host: 'data-node-02' }],
  ])('when the text is %s then it parses', (text, expected) => {
    expect(parseServerText(text)).toEqual(expected);
  });
});
