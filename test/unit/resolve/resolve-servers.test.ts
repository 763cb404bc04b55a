import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatVerdict, resolveServers } from '../../../src/resolve/resolve-servers.js';
import { buildServerChoice } from '../../../src/resolve/server-choice.js';
import { fakeNetwork } from './fake-network.js';

const OPTIONS = { defaultPort: 24007 };

afterEach(() => {
  vi.useRealTimers();
});

describe('resolveServers', () => {
  it('when the first server answers then it is chosen and the others are backups in list order', async () => {
    const net = fakeNetwork({ vip: ['10.0.0.10'], gfs1: ['10.0.0.11'], gfs2: ['10.0.0.12'] }, { '10.0.0.10': 'open', '10.0.0.11': 'open', '10.0.0.12': 'open' });
    const resolution = await resolveServers([{ host: 'vip' }, { host: 'gfs1' }, { host: 'gfs2' }], net, OPTIONS);
    const first = resolution.reachable[0];
    expect(first?.address).toBe('10.0.0.10');
    expect(buildServerChoice(resolution.candidates, first!)).toEqual({
      chosen: { host: '10.0.0.10', port: 24007 },
      backups: [{ host: '10.0.0.11', port: 24007 }, { host: '10.0.0.12', port: 24007 }],
    });
  });
  it('when the first server is down then the first reachable one in list order is chosen, not the fastest', async () => {
    const net = fakeNetwork({ vip: ['10.0.0.10'], gfs1: ['10.0.0.11'], gfs2: ['10.0.0.12'] }, { '10.0.0.10': 'refused', '10.0.0.11': { delayMs: 30 }, '10.0.0.12': 'open' });
    const resolution = await resolveServers([{ host: 'vip' }, { host: 'gfs1' }, { host: 'gfs2' }], net, OPTIONS);
    expect(resolution.reachable.map((candidate) => candidate.address)[0]).toBe('10.0.0.11');
    const choice = buildServerChoice(resolution.candidates, resolution.reachable[0]!);
    expect(choice.backups.map((backup) => backup.host)).toEqual(['10.0.0.10', '10.0.0.12']);
  });
  it('when a name has several addresses then each is a candidate, tried in the resolver\'s order', async () => {
    const net = fakeNetwork({ cluster: ['10.0.0.11', '10.0.0.12'] }, { '10.0.0.11': 'refused', '10.0.0.12': 'open' });
    const resolution = await resolveServers([{ host: 'cluster' }], net, OPTIONS);
    expect(resolution.candidates.map((candidate) => [candidate.address, candidate.reachable])).toEqual([['10.0.0.11', false], ['10.0.0.12', true]]);
    expect(net.connects.sort()).toEqual(['10.0.0.11:24007', '10.0.0.12:24007']);
  });
  it('when the chosen server appears twice then it is connected once and never its own backup', async () => {
    const net = fakeNetwork({ vip: ['10.0.0.10'], gfs2: ['10.0.0.12'] }, { '10.0.0.10': 'open', '10.0.0.12': 'open' });
    const resolution = await resolveServers([{ host: 'vip' }, { host: 'gfs2' }, { host: 'vip' }, { host: '10.0.0.10' }], net, OPTIONS);
    const choice = buildServerChoice(resolution.candidates, resolution.reachable[0]!);
    expect(choice).toEqual({ chosen: { host: '10.0.0.10', port: 24007 }, backups: [{ host: '10.0.0.12', port: 24007 }] });
    expect(net.connects.filter((target) => target === '10.0.0.10:24007')).toHaveLength(1);
  });
  it('when two names point at one address then the address is listed once and is not a backup of itself', async () => {
    const net = fakeNetwork({ vip: ['10.0.0.11'], gfs1: ['10.0.0.11'], gfs2: ['10.0.0.12'] }, { '10.0.0.11': 'open', '10.0.0.12': 'refused' });
    const resolution = await resolveServers([{ host: 'vip' }, { host: 'gfs1' }, { host: 'gfs2' }], net, OPTIONS);
    expect(resolution.candidates.map((candidate) => candidate.address)).toEqual(['10.0.0.11', '10.0.0.12']);
    expect(buildServerChoice(resolution.candidates, resolution.reachable[0]!).backups).toEqual([{ host: '10.0.0.12', port: 24007 }]);
  });
  it('when the same host is given with two ports then both are distinct candidates', async () => {
    const net = fakeNetwork({}, { '10.0.0.10': 'open' });
    const resolution = await resolveServers([{ host: '10.0.0.10' }, { host: '10.0.0.10', port: 24008 }], net, OPTIONS);
    const choice = buildServerChoice(resolution.candidates, resolution.reachable[0]!);
    expect(choice).toEqual({ chosen: { host: '10.0.0.10', port: 24007 }, backups: [{ host: '10.0.0.10', port: 24008 }] });
  });
  it('when a server is in the avoid list then it is tried last even though it answers', async () => {
    const net = fakeNetwork({ vip: ['10.0.0.10'], gfs2: ['10.0.0.12'] }, { '10.0.0.10': 'open', '10.0.0.12': 'open' });
    const resolution = await resolveServers([{ host: 'vip' }, { host: 'gfs2' }], net, { ...OPTIONS, avoid: [{ host: 'vip' }] });
    expect(resolution.reachable.map((candidate) => candidate.address)).toEqual(['10.0.0.12', '10.0.0.10']);
    expect(buildServerChoice(resolution.candidates, resolution.reachable[0]!).backups).toEqual([{ host: '10.0.0.10', port: 24007 }]);
  });
  it('when the avoid list names an address then the server behind it is tried last', async () => {
    const net = fakeNetwork({ vip: ['10.0.0.10'], gfs2: ['10.0.0.12'] }, { '10.0.0.10': 'open', '10.0.0.12': 'open' });
    const resolution = await resolveServers([{ host: 'vip' }, { host: 'gfs2' }], net, { ...OPTIONS, avoid: [{ host: '10.0.0.10', port: 24007 }] });
    expect(resolution.reachable[0]?.address).toBe('10.0.0.12');
  });
  it('when only avoided servers answer then one of them is still used', async () => {
    const net = fakeNetwork({ vip: ['10.0.0.10'], gfs2: ['10.0.0.12'] }, { '10.0.0.10': 'open', '10.0.0.12': 'refused' });
    const resolution = await resolveServers([{ host: 'vip' }, { host: 'gfs2' }], net, { ...OPTIONS, avoid: [{ host: 'vip' }] });
    expect(resolution.reachable.map((candidate) => candidate.address)).toEqual(['10.0.0.10']);
  });
  it('when no server answers then every server has a verdict saying why', async () => {
    const net = fakeNetwork({ vip: ['10.0.0.10'], gfs2: ['10.0.0.12'], ghost: 'nxdomain' }, { '10.0.0.10': 'refused', '10.0.0.12': 'unreachable' });
    const resolution = await resolveServers([{ host: 'vip' }, { host: 'gfs2' }, { host: 'ghost' }], net, OPTIONS);
    expect(resolution.reachable).toEqual([]);
    expect(resolution.verdicts.map(formatVerdict)).toEqual([
      'vip:24007 (10.0.0.10): refused (nothing listens on that port)',
      'gfs2:24007 (10.0.0.12): no route to host',
      'ghost:24007: no such host',
    ]);
  });
  it('when the client speaks IPv4 only then IPv6 addresses are not candidates', async () => {
    const net = fakeNetwork({ dual: ['fe80::1', '10.0.0.10'], six: ['fe80::2'] }, { '10.0.0.10': 'open', 'fe80::1': 'open', 'fe80::2': 'open' });
    const resolution = await resolveServers([{ host: 'six' }, { host: 'dual' }], net, { defaultPort: 9421, ipv4Only: true });
    expect(resolution.candidates.map((candidate) => candidate.address)).toEqual(['10.0.0.10']);
    expect(resolution.verdicts[0]?.reason).toMatch(/no IPv4 address/);
  });
  it('when the preferred server answers then it returns without waiting for a black hole, and rest() waits for it', async () => {
    vi.useFakeTimers();
    const net = fakeNetwork({ vip: ['10.0.0.10'], gfs2: ['10.0.0.12'] }, { '10.0.0.10': 'open', '10.0.0.12': 'never' });
    const resolution = await resolveServers([{ host: 'vip' }, { host: 'gfs2' }], net, OPTIONS);
    expect(resolution.complete).toBe(false);
    expect(resolution.reachable.map((candidate) => candidate.address)).toEqual(['10.0.0.10']);
    expect(buildServerChoice(resolution.candidates, resolution.reachable[0]!).backups).toEqual([{ host: '10.0.0.12', port: 24007 }]);
    const rest = resolution.rest();
    await vi.advanceTimersByTimeAsync(1_500);
    const full = await rest;
    expect(full.complete).toBe(true);
    expect(full.verdicts.map(formatVerdict)).toContain('gfs2:24007 (10.0.0.12): timeout after 1.5 s');
  });
  it('when a preferred server is a black hole then resolution waits for its connect timeout before choosing a later one', async () => {
    vi.useFakeTimers();
    const net = fakeNetwork({ vip: ['10.0.0.10'], gfs2: ['10.0.0.12'] }, { '10.0.0.10': 'never', '10.0.0.12': 'open' });
    let done = false;
    const pending = resolveServers([{ host: 'vip' }, { host: 'gfs2' }], net, OPTIONS).then((resolution) => {
      done = true;
      return resolution;
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(600);
    const resolution = await pending;
    expect(resolution.reachable[0]?.address).toBe('10.0.0.12');
    expect(resolution.verdicts[0]?.reason).toBe('timeout after 1.5 s');
  });
  it('when every server is a black hole and DNS hangs then the whole resolution ends at the total deadline', async () => {
    vi.useFakeTimers();
    const net = fakeNetwork({ vip: ['10.0.0.10'], slowdns: 'never' }, { '10.0.0.10': 'never' });
    let finishedAt: number | undefined;
    const started = Date.now();
    const pending = resolveServers([{ host: 'vip' }, { host: 'slowdns' }], { ...net }, { defaultPort: 24007, connectTimeoutMs: 60_000, dnsTimeoutMs: 60_000, totalTimeoutMs: 4_000 }).then((resolution) => {
      finishedAt = Date.now() - started;
      return resolution;
    });
    await vi.advanceTimersByTimeAsync(3_999);
    expect(finishedAt).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    const resolution = await pending;
    expect(finishedAt).toBe(4_000);
    expect(resolution.complete).toBe(true);
    expect(resolution.reachable).toEqual([]);
    expect(resolution.verdicts.map(formatVerdict)).toEqual([
      'vip:24007 (10.0.0.10): no answer within the 4 s resolution deadline',
      'slowdns:24007: DNS gave no answer within the 4 s resolution deadline',
    ]);
  });
  it('when the default limits apply and every server is a black hole then it ends within 4 s of fake time', async () => {
    vi.useFakeTimers();
    const net = fakeNetwork({ a: 'never', b: ['10.0.0.2'] }, {});
    const pending = resolveServers([{ host: 'a' }, { host: 'b' }, { host: '10.0.0.3' }], net, OPTIONS);
    await vi.advanceTimersByTimeAsync(4_000);
    const resolution = await pending;
    expect(resolution.verdicts.map((verdict) => verdict.reason)).toEqual(['DNS timeout after 2 s', 'timeout after 1.5 s', 'timeout after 1.5 s']);
  });
  it('when a server is an IP literal then DNS is not asked', async () => {
    const net = fakeNetwork({}, { '10.0.0.10': 'open' });
    const lookup = vi.spyOn(net, 'lookup');
    await resolveServers([{ host: '10.0.0.10' }], net, OPTIONS);
    expect(lookup).not.toHaveBeenCalled();
  });
});
