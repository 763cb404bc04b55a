import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSupervisorDeps } from '../../../src/agent/supervisor-deps.js';
import { DEFAULTS } from '../../../src/defaults.js';
import { createSilentLogger } from '../../../src/log/logger.js';
import type { MountInfoLabels } from '../../../src/metrics/mount-info.js';
import type { MountSpec } from '../../../src/types.js';

let listener: Server | undefined;
afterEach(async () => {
  await new Promise<void>((done) => (listener ? listener.close(() => done()) : done()));
  listener = undefined;
});

/** A loopback port that takes connections, and one that refuses them (taken, then closed). */
async function openPort(): Promise<number> {
  listener = createServer((socket) => socket.destroy());
  await new Promise<void>((done) => listener?.listen(0, '127.0.0.1', () => done()));
  const address = listener.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', () => done()));
  const address = probe.address();
  await new Promise<void>((done) => probe.close(() => done()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

function specWith(port: number): MountSpec {
  return {
    name: 'data',
    backend: 'glusterfs',
    servers: [{ host: '127.0.0.1', port }],
    volume: 'rep_vol1',
    subdir: '',
    mountpoint: '/mnt/data',
    options: [],
    probe: { intervalMs: DEFAULTS.probe.intervalMs, timeoutMs: DEFAULTS.probe.timeoutMs, fall: 3, rise: 2, slowMs: 2_000, write: true },
    onHang: {},
  };
}

function recordingMountInfo(): { described: Array<[string, MountInfoLabels]>; reachable: Array<[string, boolean]>; describeMount(mount: string, labels: MountInfoLabels): void; setServersReachable(mount: string, answered: boolean): void } {
  const described: Array<[string, MountInfoLabels]> = [];
  const reachable: Array<[string, boolean]> = [];
  return {
    described,
    reachable,
    describeMount: (mount, labels) => described.push([mount, labels]),
    setServersReachable: (mount, answered) => reachable.push([mount, answered]),
  };
}

describe('createSupervisorDeps and the fleet series', () => {
  it('when the deps of a mount are made then the mount is described once with its volume and servers', async () => {
    const mountInfo = recordingMountInfo();
    const port = await closedPort();
    createSupervisorDeps(specWith(port), { logger: createSilentLogger(), host: 'client1', hooks: { mountInfo }, onTransition: () => undefined });
    expect(mountInfo.described).toEqual([['data', { backend: 'glusterfs', volume: 'rep_vol1', servers: `127.0.0.1:${port}` }]]);
  });

  it('when a reachability check finds no server then 0 is recorded, and 1 when a server takes the connection', async () => {
    const mountInfo = recordingMountInfo();
    const refused = specWith(await closedPort());
    const deps = createSupervisorDeps(refused, { logger: createSilentLogger(), host: 'client1', hooks: { mountInfo }, onTransition: () => undefined });
    expect((await deps.resolveServers(refused, [])).reachable).toEqual([]);
    const answering = specWith(await openPort());
    expect((await deps.resolveServers(answering, [])).reachable.map((candidate) => candidate.port)).toEqual([answering.servers[0]?.port]);
    expect(mountInfo.reachable).toEqual([
      ['data', false],
      ['data', true],
    ]);
  });
});
