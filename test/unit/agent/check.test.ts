import { describe, expect, it } from 'vitest';
import { buildCheckReport, NagiosCode, runCheck, type CheckDeps } from '../../../src/probes/check.js';
import type { ProbeResult } from '../../../src/probes/probe-types.js';
import { errnoResult, fakeBackend, FakeProc, okResult } from '../supervisor/fakes.js';

const thresholds = { warningMs: 2_000, criticalMs: 5_000 };
const probeFinding = (result: ProbeResult, downBricks: { name: string; connected: boolean }[] = []) => ({ kind: 'probe' as const, result, backend: 'glusterfs', source: 'vip:/rep_vol1', daemonPid: 77, downBricks });

describe('buildCheckReport: Nagios exit codes and perfdata', () => {
  it.each([
    ['a fast answer', probeFinding(okResult(12)), NagiosCode.OK, /^HA-MOUNT OK - \/mnt\/data .* answers in 12 ms \| latency=12ms;2000;5000;0$/],
    ['a slow answer', probeFinding(okResult(2_400)), NagiosCode.WARNING, /^HA-MOUNT WARNING - .*slow, 2400 ms \| latency=2400ms;2000;5000;0$/],
    ['a brick down', probeFinding(okResult(5), [{ name: 'v-client-1', connected: false }]), NagiosCode.WARNING, /brick v-client-1 disconnected/],
    ['ENOSPC', probeFinding({ ...errnoResult('ENOSPC', 'soft'), step: 'write' }), NagiosCode.WARNING, /ENOSPC/],
    ['ENOTCONN', probeFinding(errnoResult('ENOTCONN', 'hard')), NagiosCode.CRITICAL, /^HA-MOUNT CRITICAL - .*ENOTCONN/],
    ['EIO', probeFinding(errnoResult('EIO', 'bad')), NagiosCode.CRITICAL, /EIO/],
    ['a hung mount', { kind: 'timeout' as const, timeoutMs: 5_000, backend: 'moosefs' }, NagiosCode.CRITICAL, /hung: no answer within 5000 ms \| latency=5000ms/],
    ['no mount', { kind: 'not-mounted' as const }, NagiosCode.CRITICAL, /^HA-MOUNT CRITICAL - \/mnt\/data is not mounted$/],
    [
      'another filesystem',
      { kind: 'unknown-fs' as const, entry: { mountId: 1, parentId: 0, device: '8:1', root: '/', mountpoint: '/mnt/data', mountOptions: 'rw', fstype: 'ext4', source: '/dev/sda1', superOptions: '' } },
      NagiosCode.UNKNOWN,
      /^HA-MOUNT UNKNOWN - .*ext4/,
    ],
  ])('when the check finds %s then it exits %i', (_what, finding, code, line) => {
    const report = buildCheckReport('/mnt/data', finding, thresholds);
    expect(report.code).toBe(code);
    expect(report.line).toMatch(line);
  });
});

describe('runCheck', () => {
  const entry = { mountId: 1, parentId: 0, device: '0:40', root: '/', mountpoint: '/mnt/data', mountOptions: 'rw', fstype: 'fuse.glusterfs', source: 'vip:/rep_vol1', superOptions: '' };
  const deps = (probe: CheckDeps['probe']): CheckDeps => {
    const proc = new FakeProc();
    proc.spawnDaemon('/mnt/data');
    return { readMounts: () => [entry], backends: [fakeBackend], proc, probe, host: 'client1', setTimeout: (callback, ms) => setTimeout(callback, ms), clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout) };
  };

  it('when the probe never answers then the check is CRITICAL at its deadline and the probe is killed', async () => {
    let killed = false;
    const hanging: CheckDeps['probe'] = () => ({ result: new Promise(() => undefined), exited: new Promise(() => undefined), kill: () => (killed = true) });
    const report = await runCheck('/mnt/data', { write: false, warningMs: 10, criticalMs: 30 }, deps(hanging));
    expect(report.code).toBe(NagiosCode.CRITICAL);
    expect(killed).toBe(true);
  });

  it('when the probe answers then the daemon pid and the probe device come from mountinfo and /proc', async () => {
    let device = '';
    const answering: CheckDeps['probe'] = (target) => {
      device = target.device;
      return { result: Promise.resolve(okResult(4)), exited: Promise.resolve(), kill: () => undefined };
    };
    const report = await runCheck('/mnt/data', { write: true, ...thresholds }, deps(answering));
    expect(report.code).toBe(NagiosCode.OK);
    expect(report.line).toMatch(/daemon 5000/);
    expect(device).toBe('0:40');
  });
});
