import { describe, expect, it } from 'vitest';
import type { HelperProbe, ProbeEnd, ProbeHelperPort } from '../../../src/probes/probe-helper.js';
import type { ProbeRequest } from '../../../src/probes/probe-protocol.js';
import { createProbeRunner } from '../../../src/probes/probe-runner.js';

/** A helper that ends each probe with what `answer` says, or never ('hang'); records requests and kills. */
function fakeHelper(answer: (request: ProbeRequest) => ProbeEnd | 'hang'): ProbeHelperPort & { requests: ProbeRequest[]; kills: number } {
  const fake = {
    requests: [] as ProbeRequest[],
    kills: 0,
    run(request: ProbeRequest): HelperProbe {
      fake.requests.push(request);
      let end!: (value: ProbeEnd) => void;
      let exit!: () => void;
      const ended = new Promise<ProbeEnd>((resolve) => (end = resolve));
      const exited = new Promise<void>((resolve) => (exit = resolve));
      const reply = answer(request);
      if (reply !== 'hang') queueMicrotask(() => (end(reply), exit()));
      return { end: ended, exited, kill: () => (fake.kills++, end({ kind: 'killed' }), exit()) };
    },
  };
  return fake;
}

const target = { mountpoint: '/mnt/data', device: '0:40', write: true, host: 'client1' };
const report = (fields: Partial<Extract<ProbeEnd, { kind: 'report' }>['report']>): ProbeEnd => ({ kind: 'report', report: { verdict: 'ok', step: 'read', errno: 0, code: 'written', where: 'file', ...fields } });

describe('createProbeRunner', () => {
  it('when the probe is asked for then the helper gets the mount, its device, the host folder and a fresh file name and token', async () => {
    const fake = fakeHelper(() => report({}));
    const result = await createProbeRunner(fake)(target).result;
    expect(result).toMatchObject({ verdict: 'ok', step: 'read' });
    expect(fake.requests[0]).toMatchObject({ write: true, mountpoint: '/mnt/data', device: '0:40', host: 'client1', fileName: 'probe-6faba07f33e6' });
    expect(fake.requests[0]?.nonce).toMatch(/^[0-9a-f]{13,}$/);
    expect(fake.requests[0]?.token).toBe(`ha-mount client1 ${process.pid} ${fake.requests[0]?.nonce}\n`);
  });

  it('when probes follow one another then no two share a lookup name or a token', async () => {
    const fake = fakeHelper(() => report({}));
    const run = createProbeRunner(fake);
    for (let index = 0; index < 20; index += 1) await run(target).result;
    expect(new Set(fake.requests.map((request) => request.nonce)).size).toBe(20);
    expect(new Set(fake.requests.map((request) => request.token)).size).toBe(20);
  });

  it('when the probe file went bad before then the next probe uses a file of a new generation', async () => {
    const fake = fakeHelper(() => report({}));
    await createProbeRunner(fake)({ ...target, fileGeneration: 2 }).result;
    expect(fake.requests[0]?.fileName).toBe('probe-6faba07f33e6-2');
  });

  it('when ha-mount check probes then it writes its own file, never racing the agent for the agent\'s', async () => {
    const fake = fakeHelper(() => report({}));
    await createProbeRunner(fake)({ ...target, forCheck: true }).result;
    expect(fake.requests[0]?.fileName).toBe('probe-6faba07f33e6-check');
  });

  it('when the child reports ENOTCONN on the lookup then the probe is hard and names the lookup path', async () => {
    const fake = fakeHelper(() => report({ verdict: 'errno', step: 'lookup', errno: 107, code: 'lookup', where: 'lookup' }));
    const result = await createProbeRunner(fake)(target).result;
    expect(result).toMatchObject({ verdict: 'hard', errno: 'ENOTCONN', step: 'lookup' });
    expect(result.detail).toMatch(/^lookup \/mnt\/data\/.ha-mount-lookup-[0-9a-f]{13,}: ENOTCONN$/);
  });

  it('when the volume is full then the write fails with ENOSPC and the probe is soft', async () => {
    const fake = fakeHelper(() => report({ verdict: 'errno', step: 'write', errno: 28, code: 'write' }));
    expect(await createProbeRunner(fake)(target).result).toMatchObject({ verdict: 'soft', errno: 'ENOSPC', detail: 'write /mnt/data/.ha-mount/client1/probe-6faba07f33e6: ENOSPC' });
  });

  it('when the child finds a FIFO at the host folder then the probe is tampered and names the folder', async () => {
    const fake = fakeHelper(() => report({ verdict: 'tampered', step: 'mkdir', code: 'fifo', where: 'host' }));
    expect(await createProbeRunner(fake)(target).result).toMatchObject({ verdict: 'tampered', detail: 'someone is tampering with the volume: /mnt/data/.ha-mount/client1 is a FIFO; nothing was written' });
  });

  it('when the probe hangs and is killed then it ends as killed and its child is gone', async () => {
    const fake = fakeHelper(() => 'hang');
    const probe = createProbeRunner(fake)(target);
    probe.kill();
    await probe.exited;
    expect(await probe.result).toMatchObject({ verdict: 'bad', detail: 'probe killed' });
    expect(fake.kills).toBe(1);
  });

  it('when the helper cannot run then the probe is bad and says so', async () => {
    const fake = fakeHelper(() => ({ kind: 'failed', message: 'cannot run the probe helper /usr/bin/perl: spawn ENOENT' }));
    expect(await createProbeRunner(fake)(target).result).toMatchObject({ verdict: 'bad', detail: expect.stringMatching(/cannot run the probe: .*ENOENT/) });
  });

  it('when the host name holds a slash then the write probe runs nothing and says why', async () => {
    const fake = fakeHelper(() => report({}));
    const result = await createProbeRunner(fake)({ ...target, host: '../etc' }).result;
    expect(result).toMatchObject({ verdict: 'bad', detail: expect.stringMatching(/one path component/) });
    expect(fake.requests).toHaveLength(0);
  });

  describe('the write cadence', () => {
    /** Runs one probe at `at` ms; the helper answers each request with `answer`. */
    async function probesAt(times: number[], answer: (request: ProbeRequest, index: number) => ProbeEnd, device = () => '0:40'): Promise<boolean[]> {
      let clock = 0;
      const fake = fakeHelper((request) => answer(request, fake.requests.length - 1));
      const run = createProbeRunner(fake, () => clock, 5_000);
      for (const at of times) {
        clock = at;
        await run({ ...target, device: device() }).result;
      }
      return fake.requests.map((request) => request.write);
    }
    const okEnd = (request: ProbeRequest): ProbeEnd => report(request.write ? {} : { step: 'lookup', code: 'answered', where: 'lookup' });

    it('when writes succeed then the first probe writes and then one every 5 s, lookups between', async () => {
      expect(await probesAt([0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 10_000], okEnd)).toEqual([true, false, false, false, false, true, false, true]);
    });

    it('when a write fails then every probe writes until one is ok, so fall and rise count writes', async () => {
      const answer = (request: ProbeRequest, index: number): ProbeEnd => (index >= 1 && index <= 3 ? report({ verdict: 'errno', step: 'write', errno: 28, code: 'write' }) : okEnd(request));
      // the probe at 5 s writes and fails; 6 s and 7 s write (and fail), 8 s writes ok, 9 s looks up
      expect(await probesAt([0, 5_000, 6_000, 7_000, 8_000, 9_000], answer)).toEqual([true, true, true, true, true, false]);
    });

    it('when the mount\'s device changes (a remount) then the next probe writes', async () => {
      let device = '0:40';
      const devices = () => device;
      let clock = 0;
      const fake = fakeHelper(okEnd);
      const run = createProbeRunner(fake, () => clock, 5_000);
      await run({ ...target, device: devices() }).result;
      clock = 1_000;
      device = '0:41';
      await run({ ...target, device: devices() }).result;
      expect(fake.requests.map((request) => request.write)).toEqual([true, true]);
    });

    it('when the mount is configured without the write probe then no probe writes', async () => {
      const fake = fakeHelper(okEnd);
      await createProbeRunner(fake, () => 0, 5_000)({ ...target, write: false }).result;
      expect(fake.requests[0]?.write).toBe(false);
    });
  });
});
