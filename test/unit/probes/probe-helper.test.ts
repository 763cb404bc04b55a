// The real Perl helper on a local folder standing in for a mount.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProbeHelper } from '../../../src/probes/probe-helper.js';
import type { ProbeRequest } from '../../../src/probes/probe-protocol.js';
import { deviceOf } from './device-of.js';

describe('the probe helper', () => {
  let dir: string | undefined;
  let helper: ProbeHelper | undefined;
  afterEach(() => {
    helper?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const request = (mountpoint: string, index: number): ProbeRequest => ({ write: true, mountpoint, device: deviceOf(mountpoint), host: 'h', fileName: `probe-${index}`, token: `token ${index}\n`, nonce: index.toString(16) });
  const helperPid = (running: ProbeHelper): number => (running as unknown as { child?: { pid?: number } }).child?.pid ?? -1;

  it('when 20 mounts ask for a probe in the same turn then one helper runs them all and each gets its own result', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-helper-'));
    helper = new ProbeHelper();
    const probes = Array.from({ length: 20 }, (_, index) => helper!.run(request(dir!, index)));
    const ends = await Promise.all(probes.map((probe) => probe.end));
    await Promise.all(probes.map((probe) => probe.exited));
    expect(ends.map((end) => (end.kind === 'report' ? end.report.verdict : end.kind))).toEqual(Array.from({ length: 20 }, () => 'ok'));
  });

  it('when the helper dies with probes in flight then they end as failed, saying so, and the next probe starts a new helper', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-helper-'));
    helper = new ProbeHelper();
    await helper.run(request(dir, 0)).exited;
    const first = helperPid(helper);
    process.kill(first, 'SIGSTOP'); // it cannot answer the next request
    const lost = helper.run(request(dir, 1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.kill(first, 'SIGKILL');
    expect(await lost.end).toEqual({ kind: 'failed', message: 'the probe helper exited (SIGKILL)' });
    await lost.exited;
    const next = helper.run(request(dir, 2));
    expect(await next.end).toMatchObject({ kind: 'report', report: { verdict: 'ok' } });
    expect(helperPid(helper)).not.toBe(first);
  });

  it('when the interpreter is missing then the probe ends as failed and names it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-helper-'));
    helper = new ProbeHelper('/nonexistent/perl');
    const probe = helper.run(request(dir, 0));
    expect(await probe.end).toMatchObject({ kind: 'failed', message: expect.stringMatching(/\/nonexistent\/perl.*ENOENT/) });
    await probe.exited;
  });
});
