import { describe, expect, it } from 'vitest';
import type { MountEvent } from '../../../src/supervisor/core-types.js';
import { snapshotReader } from '../../../src/mount/mountinfo.js';
import { createSupervisor } from '../../../src/supervisor/supervisor.js';
import { createGridClock } from '../../../src/supervisor/tick-grid.js';
import { FakeClock } from '../fake-clock.js';
import { errnoResult, FakeWorld, makeSpec, okResult } from './fakes.js';

function setup(specOverrides = {}) {
  const world = new FakeWorld(makeSpec(specOverrides));
  return world;
}

describe('supervisor on a fake clock', () => {
  it('when a healthy mount is there at start then it is adopted without a remount', async () => {
    const world = setup();
    world.mountNow();
    const supervisor = createSupervisor(world.spec, world.deps());
    supervisor.start();
    await world.clock.advance(3_000);
    expect(world.states()).toEqual(['healthy']);
    expect(world.mountCalls).toBe(0);
    expect(supervisor.status()).toMatchObject({ state: 'healthy', server: '10.0.0.10', remounts: 0 });
    supervisor.stop();
  });

  it('when the probe file itself reads back EIO (split-brain) then the next probes write a fresh file and nothing is remounted', async () => {
    const world = setup();
    world.mountNow();
    const supervisor = createSupervisor(world.spec, world.deps());
    supervisor.start();
    await world.clock.advance(1_500);
    // the old file answers EIO for ever; a fresh one works
    world.probes.mode = (target) => ((target.fileGeneration ?? 0) === 0 ? { verdict: 'bad', errno: 'EIO', step: 'read', detail: 'read: EIO', latencyMs: 2 } : okResult(3));
    await world.clock.advance(10_000);
    expect(world.probes.started.at(-1)?.fileGeneration).toBe(1);
    expect(world.mountCalls).toBe(0);
    expect(supervisor.status()).toMatchObject({ state: 'healthy', remounts: 0 });
    supervisor.stop();
  });

  it('when mounts tick on one grid clock then each grid point reads the mount table once for all of them, and every mount is still probed', async () => {
    const clock = new FakeClock();
    const worlds = Array.from({ length: 5 }, (_, index) => {
      const world = setup({ name: `m${index}`, mountpoint: `/mnt/m${index}` });
      world.clock = clock;
      world.mountNow();
      return world;
    });
    let reads = 0;
    // one table for all: each world's entry, read through a counting snapshot reader
    const table = snapshotReader(() => {
      reads += 1;
      return worlds.flatMap((world) => (world.mounted ? [world.mounted] : []));
    });
    const tickClock = createGridClock(clock, table.around);
    const supervisors = worlds.map((world) => createSupervisor(world.spec, { ...world.deps(), readMounts: table.read, tickClock, tickGridMs: 100 }));
    for (const supervisor of supervisors) supervisor.start();
    await clock.advance(500);
    const afterStart = reads;
    const probedBefore = worlds.map((world) => world.probes.started.length);
    await clock.advance(10_000);
    for (const [index, world] of worlds.entries()) expect(world.probes.started.length - probedBefore[index]!).toBe(10);
    expect(reads - afterStart).toBe(10);
    expect(supervisors.map((supervisor) => supervisor.status().state)).toEqual(Array.from({ length: 5 }, () => 'healthy'));
    for (const supervisor of supervisors) supervisor.stop();
    expect(clock.pending()).toBe(0);
  });

  it('when /proc stat can be kept open then each probe result reads the daemon through it, and a new daemon gets its own', async () => {
    const world = setup();
    const pid = world.mountNow();
    const opened: number[] = [];
    let closed = 0;
    let keptReads = 0;
    const readStat = world.proc.readStat;
    world.proc.keepStat = (target) => {
      opened.push(target);
      return { read: () => (keptReads++, readStat(target)), close: () => void closed++ };
    };
    let plainReads = 0;
    world.proc.readStat = (target) => (plainReads++, readStat(target));
    const rss: (number | undefined)[] = [];
    const supervisor = createSupervisor(world.spec, { ...world.deps(), onEvent: (_mount: string, event: MountEvent) => void (event.kind === 'daemon-rss' && rss.push(event.bytes)) });
    supervisor.start();
    await world.clock.advance(1_500);
    const plainAtStart = plainReads;
    await world.clock.advance(4_000);
    expect(plainReads).toBe(plainAtStart); // steady probing reads no /proc file anew
    expect(rss.length).toBeGreaterThanOrEqual(4);
    expect(rss.every((bytes) => bytes === 1_000 * 4096)).toBe(true);
    expect(opened.filter((target) => target === pid)).toHaveLength(2); // the daemon watch's and the probe results'
    expect(keptReads).toBeGreaterThanOrEqual(50 + rss.length);
    world.proc.kill(pid);
    await world.clock.advance(2_000);
    expect(world.mountCalls).toBe(1);
    expect(opened.filter((target) => target !== pid).length).toBeGreaterThanOrEqual(1);
    expect(closed).toBeGreaterThanOrEqual(2);
    supervisor.stop();
  });

  it('when the mount is absent at start then it is mounted once and turns healthy after rise probes', async () => {
    const world = setup();
    const supervisor = createSupervisor(world.spec, world.deps());
    supervisor.start();
    await world.clock.advance(1_000);
    expect(world.mountCalls).toBe(1);
    expect(world.states()).toEqual(['recovering', 'healthy']);
    expect(supervisor.status().remounts).toBe(0);
    supervisor.stop();
  });

  it('when the FUSE daemon dies then the remount starts within the daemon poll, not at the next probe', async () => {
    const world = setup();
    const pid = world.mountNow();
    const supervisor = createSupervisor(world.spec, world.deps());
    supervisor.start();
    await world.clock.advance(1_500);
    const probesBefore = world.probes.started.length;
    world.proc.kill(pid);
    await world.clock.advance(150);
    expect(world.mountCalls).toBe(1);
    expect(world.unmountCalls).toBe(1);
    expect(world.probes.started.length - probesBefore).toBeLessThanOrEqual(1);
    expect(world.events.map((event) => [event.from, event.to])).toContainEqual(['healthy', 'failed']);
    expect(world.events.find((event) => event.to === 'failed')?.reason).toMatch(new RegExp(`FUSE daemon ${pid} died`));
    await world.clock.advance(1_000);
    expect(world.states()).toEqual(['healthy', 'failed', 'recovering', 'healthy']);
    expect(supervisor.status().remounts).toBe(1);
    expect(world.events.at(-1)?.outageMs).toBeGreaterThan(0);
    supervisor.stop();
  });

  it('when the lazy unmount leaves daemons behind then each one serving the mountpoint is killed before mounting', async () => {
    const world = setup();
    world.mountNow();
    const orphan = world.proc.spawnDaemon(world.spec.mountpoint);
    const supervisor = createSupervisor(world.spec, world.deps());
    supervisor.start();
    await world.clock.advance(1_500);
    world.probes.mode = errnoResult('ENOTCONN', 'hard');
    await world.clock.advance(1_000);
    expect(world.killed).toContain(orphan);
    expect(world.proc.daemonsFor(world.spec.mountpoint)).toHaveLength(1);
    supervisor.stop();
  });

  it('when a failed mount attempt left a daemon behind then it is ended once the new mount is made', async () => {
    const world = setup();
    const pid = world.mountNow();
    const deps = world.deps();
    const mount = deps.mounts.mount;
    let stray = 0;
    deps.mounts.mount = async (spec, options) => {
      stray = world.proc.spawnDaemon(world.spec.mountpoint); // the failed attempt's client
      return mount(spec, options);
    };
    const supervisor = createSupervisor(world.spec, deps);
    supervisor.start();
    await world.clock.advance(1_500);
    world.proc.kill(pid);
    await world.clock.advance(500);
    expect(world.killed).toContain(stray);
    expect(world.killedImmediately).toEqual([stray]); // SIGKILL: on SIGTERM a GlusterFS client unmounts the path on its way out
    expect(world.proc.daemonsFor(world.spec.mountpoint)).toEqual([supervisor.status().daemonPid]);
    supervisor.stop();
  });

  it('when a remount starts while a probe runs then the probe is killed and the mount waits for it to exit', async () => {
    const world = setup();
    const pid = world.mountNow();
    const supervisor = createSupervisor(world.spec, world.deps());
    supervisor.start();
    await world.clock.advance(1_500);
    world.probes.mode = 'hang';
    await world.clock.advance(1_000); // a probe is now in flight
    expect(world.probes.inFlight).toBe(1);
    world.proc.kill(pid);
    await world.clock.advance(150);
    expect(world.mountCalls).toBe(0); // the killed probe has not exited yet
    world.probes.mode = okResult(3);
    world.probes.release();
    await world.clock.advance(50);
    expect(world.mountCalls).toBe(1);
    supervisor.stop();
  });

  it('when the killed probe never exits then the remount goes on after the wait', async () => {
    const world = setup();
    const pid = world.mountNow();
    const supervisor = createSupervisor(world.spec, world.deps());
    supervisor.start();
    await world.clock.advance(1_500);
    world.probes.mode = 'hang';
    await world.clock.advance(1_000);
    world.proc.kill(pid);
    await world.clock.advance(1_200);
    expect(world.mountCalls).toBe(1);
    supervisor.stop();
  });

  it('when ENOTCONN comes then the servers are checked once, the server in use is tried last, and the mount goes through what that check found', async () => {
    const world = setup();
    world.mountNow('10.0.0.10');
    const supervisor = createSupervisor(world.spec, world.deps());
    supervisor.start();
    await world.clock.advance(1_500);
    world.probes.mode = errnoResult('ENOTCONN', 'hard');
    await world.clock.advance(1_000);
    expect(world.avoidSeen[0]).toEqual(['10.0.0.10']);
    expect(world.mountCalls).toBe(1);
    expect(world.serverChecks).toBe(1);
    expect(world.resolutionsSeen).toEqual(['10.0.0.11']);
    supervisor.stop();
  });

  it('when no server answers then nothing is remounted, one cheap check runs per interval, and a remount follows the first answer', async () => {
    const world = setup();
    world.mountNow();
    const supervisor = createSupervisor(world.spec, world.deps());
    supervisor.start();
    await world.clock.advance(1_500);
    world.serversUp = false;
    world.probes.mode = errnoResult('ENOTCONN', 'hard');
    await world.clock.advance(30_000);
    expect(world.mountCalls).toBe(0);
    expect(world.unmountCalls).toBe(0); // the dead mount stays: users get ENOTCONN, not the local folder
    expect(world.serverChecks).toBeGreaterThanOrEqual(28);
    expect(world.serverChecks).toBeLessThanOrEqual(31);
    world.serversUp = true;
    world.probes.mode = okResult(3);
    await world.clock.advance(1_000);
    expect(world.mountCalls).toBe(1);
    await world.clock.advance(600);
    expect(supervisor.status().state).toBe('healthy');
    supervisor.stop();
  });

  it('when remounts keep failing while a server answers then the gaps between attempts grow to the cap and no further', async () => {
    const world = setup();
    world.mountNow();
    const supervisor = createSupervisor(world.spec, world.deps());
    supervisor.start();
    await world.clock.advance(1_500);
    world.mountFails = true;
    world.probes.mode = errnoResult('ENOTCONN', 'hard');
    const times: number[] = [];
    let lastCalls = 0;
    for (let step = 0; step < 400; step += 1) {
      await world.clock.advance(500);
      if (world.mountCalls !== lastCalls) {
        lastCalls = world.mountCalls;
        times.push(world.clock.now());
      }
    }
    const gaps = times.slice(1).map((time, index) => time - times[index]!);
    expect(gaps.length).toBeGreaterThan(6);
    for (let index = 1; index < gaps.length; index += 1) expect(gaps[index]!).toBeGreaterThanOrEqual(gaps[index - 1]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(30_500);
    expect(gaps.at(-1)).toBeGreaterThanOrEqual(30_000);
    supervisor.stop();
  });

  it('when a probe outlives its deadline then the mount is hung, not remounted, and no second probe starts until the first exits', async () => {
    const world = setup();
    world.mountNow();
    const supervisor = createSupervisor(world.spec, world.deps());
    supervisor.start();
    await world.clock.advance(1_500);
    world.probes.mode = 'hang';
    const startedBefore = world.probes.started.length;
    const progressBefore = world.progress;
    await world.clock.advance(6_000);
    expect(supervisor.status().state).toBe('hung');
    await world.clock.advance(20_000);
    expect(world.probes.started.length - startedBefore).toBe(1);
    expect(world.probes.maxInFlight).toBe(1);
    expect(world.mountCalls).toBe(0);
    expect(world.progress - progressBefore).toBeGreaterThanOrEqual(20); // the loop keeps running: the watchdog stays fed
    world.probes.mode = okResult(3);
    world.probes.release();
    await world.clock.advance(2_500);
    expect(world.states()).toEqual(['healthy', 'hung', 'healthy']);
    supervisor.stop();
  });

  it('when the on-hang policy says remount after 10 s then a mount hung that long is remounted once', async () => {
    const world = setup({ onHang: { remountAfterMs: 10_000 } });
    world.mountNow();
    const supervisor = createSupervisor(world.spec, world.deps());
    supervisor.start();
    await world.clock.advance(1_500);
    world.probes.mode = 'hang';
    world.probes.exitOnKill = true;
    await world.clock.advance(14_000);
    expect(world.mountCalls).toBe(0);
    await world.clock.advance(2_000);
    expect(world.mountCalls).toBe(1);
    expect(world.events.find((event) => event.from === 'hung')?.reason).toMatch(/on-hang policy/);
    supervisor.stop();
  });

  it('when probes are slow fall times in a row then the mount is degraded, and healthy after rise fast ones', async () => {
    const world = setup();
    world.mountNow();
    const supervisor = createSupervisor(world.spec, world.deps());
    supervisor.start();
    await world.clock.advance(1_500);
    world.probes.mode = okResult(2_500);
    await world.clock.advance(2_000);
    expect(supervisor.status().state).toBe('healthy');
    await world.clock.advance(1_000);
    expect(supervisor.status().state).toBe('degraded');
    world.probes.mode = okResult(3);
    await world.clock.advance(2_000);
    expect(world.states()).toEqual(['healthy', 'degraded', 'healthy']);
    expect(world.mountCalls).toBe(0);
    supervisor.stop();
  });

  it('when a brick is down in the client log then the mount is degraded with the brick named, without a remount', async () => {
    const world = setup();
    world.mountNow();
    const deps = world.deps();
    let down = [{ name: 'rep_vol1-client-1', host: '10.0.0.12', connected: false }];
    deps.openBrickSource = () => ({ poll: () => down });
    const supervisor = createSupervisor(world.spec, deps);
    supervisor.start();
    await world.clock.advance(3_500);
    expect(supervisor.status()).toMatchObject({ state: 'degraded', bricksDown: ['rep_vol1-client-1'] });
    expect(world.events.at(-1)?.reason).toMatch(/brick rep_vol1-client-1 \(10\.0\.0\.12\) disconnected/);
    down = [];
    await world.clock.advance(2_000);
    expect(supervisor.status().state).toBe('healthy');
    expect(world.mountCalls).toBe(0);
    supervisor.stop();
  });

  it('when another filesystem is mounted at the mountpoint then it is reported failed and never unmounted', async () => {
    const world = setup();
    world.mounted = { mountId: 1, parentId: 0, device: '8:1', root: '/', mountpoint: '/mnt/data', mountOptions: 'rw', fstype: 'ext4', source: '/dev/sda1', superOptions: '' };
    const supervisor = createSupervisor(world.spec, world.deps());
    supervisor.start();
    await world.clock.advance(5_000);
    expect(supervisor.status().state).toBe('failed');
    expect(world.unmountCalls + world.mountCalls).toBe(0);
    supervisor.stop();
  });

  it('when transitions happen then their sequence numbers increase by one', async () => {
    const world = setup();
    const pid = world.mountNow();
    const supervisor = createSupervisor(world.spec, world.deps());
    supervisor.start();
    await world.clock.advance(1_500);
    world.proc.kill(pid);
    await world.clock.advance(2_000);
    expect(world.events.map((event) => event.seq)).toEqual(world.events.map((_, index) => index + 1));
    supervisor.stop();
  });

  it('when stopped then no timer is left and nothing runs any more', async () => {
    const world = setup();
    world.mountNow();
    const supervisor = createSupervisor(world.spec, world.deps());
    supervisor.start();
    await world.clock.advance(1_500);
    supervisor.stop();
    const started = world.probes.started.length;
    await world.clock.advance(10_000);
    expect(world.probes.started.length).toBe(started);
    expect(world.clock.pending()).toBe(0);
  });
});
