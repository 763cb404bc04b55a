import { describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent.js';
import { loadAllMounts, type MountSource } from '../../../src/agent/mount-sources.js';
import type { AgentStatus } from '../../../src/agent/status-file.js';
import { watchMount } from '../../../src/agent/watch-mount.js';
import { createSilentLogger } from '../../../src/log/logger.js';
import type { MountSpec } from '../../../src/types.js';
import { FakeWorld, makeSpec } from '../supervisor/fakes.js';

const source = (name: string, specs: () => MountSpec[]): MountSource => ({ name, load: async () => specs() });

function createAgent(specs: () => MountSpec[]) {
  const worlds = new Map<string, FakeWorld>();
  const writes: AgentStatus[] = [];
  const agent = new Agent({
    sources: [source('cfg', specs)],
    stateDir: '/nonexistent',
    logger: createSilentLogger(),
    host: 'client1',
    statusIntervalMs: 3_600_000,
    writeStatus: (_dir, status) => writes.push(status),
    createDeps: (spec, onTransition) => {
      const world = worlds.get(spec.name) ?? new FakeWorld(spec);
      worlds.set(spec.name, world);
      world.mountNow();
      return { ...world.deps(), onTransition };
    },
  });
  return { agent, worlds, writes };
}

describe('Agent', () => {
  it('when started then every mount gets a supervisor and a status is written, and each transition writes again', async () => {
    const { agent, worlds, writes } = createAgent(() => [makeSpec({ name: 'a', mountpoint: '/mnt/a' }), makeSpec({ name: 'b', mountpoint: '/mnt/b' })]);
    await agent.start();
    expect(writes.at(-1)?.mounts.map((mount) => mount.name)).toEqual(['a', 'b']);
    await worlds.get('a')!.clock.advance(1_000);
    expect(writes.at(-1)?.mounts.find((mount) => mount.name === 'a')?.state).toBe('healthy');
    agent.stop();
  });

  it('when mounts are applied again then unchanged ones are not touched, changed ones restarted, removed ones stopped', async () => {
    let specs = [makeSpec({ name: 'a', mountpoint: '/mnt/a' }), makeSpec({ name: 'b', mountpoint: '/mnt/b' })];
    const { agent } = createAgent(() => specs);
    await agent.start();
    const before = agent.supervisor('a');
    specs = [makeSpec({ name: 'a', mountpoint: '/mnt/a' }), makeSpec({ name: 'c', mountpoint: '/mnt/c', onHang: { remountAfterMs: 5_000 } })];
    const changes = agent.reload(specs);
    expect(changes).toEqual({ added: ['c'], removed: ['b'], changed: [], unchanged: ['a'] });
    expect(agent.supervisor('a')).toBe(before);
    agent.stop();
  });

  it('when stopped then nothing is unmounted', async () => {
    const { agent, worlds } = createAgent(() => [makeSpec({ name: 'a', mountpoint: '/mnt/a' })]);
    await agent.start();
    agent.stop();
    expect(worlds.get('a')!.unmountCalls).toBe(0);
    expect(worlds.get('a')!.mounted).toBeDefined();
  });
});

describe('loadAllMounts', () => {
  it('when the config file and fstab declare the same mountpoint then the config file wins', async () => {
    const specs = await loadAllMounts(
      [source('cfg', () => [makeSpec({ name: 'cfg-data' })]), source('fstab', () => [makeSpec({ name: 'fstab-data' }), makeSpec({ name: 'other', mountpoint: '/mnt/other' })])],
      createSilentLogger(),
    );
    expect(specs.map((spec) => spec.name)).toEqual(['cfg-data', 'other']);
  });
});

describe('watchMount', () => {
  it('when the watch is aborted then the supervisor stops and the mount stays', async () => {
    const world = new FakeWorld(makeSpec());
    world.mountNow();
    const controller = new AbortController();
    const watching = watchMount(world.spec, {
      logger: createSilentLogger(),
      signal: controller.signal,
      createDeps: (_spec, onTransition) => ({ ...world.deps(), onTransition }),
    });
    await world.clock.advance(1_000);
    controller.abort();
    await watching;
    expect(world.clock.pending()).toBe(0);
    expect(world.unmountCalls).toBe(0);
  });
});

describe('hooks', () => {
  it('when the metrics of src/metrics subscribe to a supervisor\'s events then its state and probes show', async () => {
    const { createMetrics } = await import('../../../src/metrics/metrics.js');
    const { subscribeMetrics } = await import('../../../src/metrics/mount-events.js');
    const { createSupervisor } = await import('../../../src/supervisor/supervisor.js');
    const metrics = createMetrics({ processMetrics: false });
    const world = new FakeWorld(makeSpec());
    world.mountNow();
    const supervisor = createSupervisor(world.spec, { ...world.deps(), onEvent: subscribeMetrics(metrics) });
    supervisor.start();
    await world.clock.advance(1_000);
    supervisor.stop();
    const text = await metrics.render();
    expect(text).toMatch(/ha_mount_state\{mount="data",state="healthy"\} 1/);
    expect(text).toMatch(/ha_mount_probe_latency_seconds_count\{mount="data"\} [1-9]/);
    expect(text).toMatch(/ha_mount_server\{mount="data",server="10\.0\.0\.10"\} 1/);
  });
});
