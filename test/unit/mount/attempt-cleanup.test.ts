// A mount command that returns but whose result is judged not working must leave nothing behind:
// every mount that appeared on the mountpoint and every daemon that started serving it are taken
// down before the next server is tried or the command fails (issue 14: a working LizardFS mount
// and its mfsmount were left behind because ha-mount did not recognise fuse.mfs).
import { describe, expect, it } from 'vitest';
import { mountSpec } from '../../../src/mount/mounter.js';
import type { Command } from '../../../src/types.js';
import { fakeNetwork } from '../resolve/fake-network.js';
import { makeSpec } from '../backends/spec-fixture.js';
import { fakeMachine, FakeProcesses, glusterScript, type Script } from './fake-machine.js';

const LIZARD_VERSION = 'LizardFS version 3.13.0-devel';
const MOOSE_VERSION = 'MFS version: 3.0.117-1 ; build: 1341';
const MFS_HOSTS = { vip: ['10.0.0.240'], m1: ['10.0.0.41'], m2: ['10.0.0.42'] };
const ALL_OPEN = { '10.0.0.240': 'open', '10.0.0.41': 'open', '10.0.0.42': 'open' } as const;
const lizard = makeSpec({ name: 'liz', backend: 'lizardfs', volume: '', servers: [{ host: 'vip' }, { host: 'm1' }, { host: 'm2' }], mountpoint: '/mfs' });
const moose = { ...lizard, name: 'moose', backend: 'moosefs' as const };

/** An mfsmount that, through `host`, mounts what `form` says and starts a daemon with `argv`. */
function mfsScript(version: string, byHost: (host: string, command: Command) => ReturnType<Script>): Script {
  return (command) => {
    if (command.file === 'mfsmount' && command.args[0] === '--version') return { result: { stdout: version } };
    if (command.file === 'mfsmount') return byHost(command.args[2] ?? '', command);
    if (command.file === 'umount') return { unmounts: command.args.at(-1) ?? '' };
    return {};
  };
}

const lizardDaemon = (host: string): string[] => ['mfsmount', '/mfs', '-H', host, '-P', '9421'];

describe('recognising what an mfsmount made', () => {
  it('when LizardFS 3.13 mounts as fuse.mfs HOST:PORT then the mount is accepted and nothing is taken down', async () => {
    const proc = new FakeProcesses();
    const machine = fakeMachine({
      network: fakeNetwork(MFS_HOSTS, ALL_OPEN),
      proc,
      script: mfsScript(LIZARD_VERSION, (host) => ({ mounts: { mountpoint: '/mfs', fstype: 'fuse.mfs', source: `${host}:9421` }, spawns: lizardDaemon(host) })),
    });
    const outcome = await mountSpec(lizard, machine.deps);
    expect(outcome.server.host).toBe('10.0.0.240');
    expect(machine.commands.map((command) => command.file)).toEqual(['mfsmount', 'mfsmount']);
    expect(machine.mounts).toHaveLength(1);
    expect(proc.signals).toEqual([]);
  });
  it('when LizardFS is asked but a MooseFS-titled daemon serves what appeared then it is judged wrong, taken down, and the next master is tried', async () => {
    const proc = new FakeProcesses();
    const machine = fakeMachine({
      network: fakeNetwork(MFS_HOSTS, ALL_OPEN),
      proc,
      script: mfsScript(LIZARD_VERSION, (host) => ({
        mounts: { mountpoint: '/mfs', fstype: 'fuse', source: `mfs#${host}:9421` },
        spawns: host === '10.0.0.240' ? ['mfsmount (mounted on: /mfs)'] : lizardDaemon(host),
      })),
    });
    const outcome = await mountSpec(lizard, machine.deps);
    expect(outcome.server.host).toBe('10.0.0.41');
    expect(outcome.failedAttempts?.[0]).toMatch(/is served by pid 1000 \(mfsmount \(mounted on: \/mfs\)\), which is not a lizardfs client \(cleaned up: unmounted fuse mfs#10\.0\.0\.240:9421; killed its daemon, pid 1000\)/);
    expect(proc.signals).toEqual([{ pid: 1000, signal: 'SIGKILL' }]);
    expect(machine.mounts.map((mount) => mount.source)).toEqual(['mfs#10.0.0.41:9421']);
  });
});

describe('a mount already there, told apart by its daemon', () => {
  const existing = { mountpoint: '/mfs', fstype: 'fuse', source: 'mfs#10.0.0.240:9421' };
  it('when a MooseFS-titled daemon serves the mount on a LizardFS spec\'s mountpoint then it is another filesystem (busy), not "already mounted"', async () => {
    const proc = new FakeProcesses();
    proc.spawn(['mfsmount (mounted on: /mfs)']);
    const machine = fakeMachine({ network: fakeNetwork(MFS_HOSTS, ALL_OPEN), proc, mounts: [existing], script: mfsScript(LIZARD_VERSION, () => ({})) });
    await expect(mountSpec(lizard, machine.deps)).rejects.toMatchObject({ code: 'ha-mount.mount.busy', message: expect.stringContaining('served by pid 1000 (mfsmount (mounted on: /mfs)), which is not a lizardfs client') });
  });
  it('when LizardFS\'s own daemon serves it then it is already mounted', async () => {
    const proc = new FakeProcesses();
    proc.spawn(lizardDaemon('10.0.0.240'));
    const machine = fakeMachine({ network: fakeNetwork(MFS_HOSTS, ALL_OPEN), proc, mounts: [existing], script: mfsScript(LIZARD_VERSION, () => ({})) });
    await expect(mountSpec(lizard, machine.deps)).rejects.toMatchObject({ code: 'ha-mount.mount.already-mounted' });
  });
});

describe('clean-up after a judged failure, for every backend', () => {
  it('when the meta filesystem appears instead of the volume then every attempt is unmounted and its daemon killed, and the error says why', async () => {
    const proc = new FakeProcesses();
    const machine = fakeMachine({
      network: fakeNetwork(MFS_HOSTS, ALL_OPEN),
      proc,
      script: mfsScript(MOOSE_VERSION, (host) => ({ mounts: { mountpoint: '/mfs', fstype: 'fuse', source: `mfsmeta#${host}:9421` }, spawns: ['mfsmount (mounted on: /mfs)'] })),
    });
    const error = (await mountSpec({ ...moose, options: ['mfsmeta'] }, machine.deps).catch((caught: unknown) => caught)) as Error & { exitCode: number };
    expect(error.exitCode).toBe(32);
    expect(error.message).toContain('what appeared on /mfs is fuse mfsmeta#10.0.0.240:9421: it is the meta filesystem');
    expect(error.message.match(/cleaned up: unmounted fuse mfsmeta#/g)).toHaveLength(3);
    expect(machine.mounts).toEqual([]);
    expect(proc.processes.size).toBe(0);
    expect(machine.commands.filter((command) => command.file === 'umount').map((command) => command.args)).toEqual([['-l', '/mfs'], ['-l', '/mfs'], ['-l', '/mfs']]);
  });
  it('when GlusterFS returns 0 but another filesystem appears then it is unmounted before the next server is tried', async () => {
    const proc = new FakeProcesses();
    const network = fakeNetwork({ vip: ['10.0.0.10'], gfs1: ['10.0.0.11'] }, { '10.0.0.10': 'open', '10.0.0.11': 'open' });
    const gluster = glusterScript();
    const machine = fakeMachine({
      network,
      proc,
      script: (command) => {
        if (command.file === 'mount' && command.args[2]?.startsWith('10.0.0.10:')) return { mounts: { mountpoint: '/data', fstype: 'fuse.sshfs', source: 'x@y:/' } };
        if (command.file === 'mount') return { ...gluster(command), spawns: ['/usr/sbin/glusterfs', '--process-name', 'fuse', '--volfile-server=10.0.0.11', '--volfile-id=rep_vol1', '/data'] };
        return gluster(command);
      },
    });
    const outcome = await mountSpec(makeSpec({ servers: [{ host: 'vip' }, { host: 'gfs1' }] }), machine.deps);
    expect(outcome.server.host).toBe('10.0.0.11');
    expect(outcome.failedAttempts?.[0]).toContain('what appeared on /data is fuse.sshfs x@y:/: it is not a glusterfs mount (cleaned up: unmounted fuse.sshfs x@y:/)');
    expect(machine.mounts.map((mount) => mount.fstype)).toEqual(['fuse.glusterfs']);
  });
  it('when a timed-out attempt left a daemon but no mount then the daemon is killed', async () => {
    const proc = new FakeProcesses();
    const machine = fakeMachine({
      network: fakeNetwork({ vip: ['10.0.0.240'] }, { '10.0.0.240': 'open' }),
      proc,
      script: mfsScript(LIZARD_VERSION, (host) => ({ result: { timedOut: true, exitCode: undefined, signal: 'SIGKILL' }, spawns: lizardDaemon(host) })),
    });
    const error = (await mountSpec({ ...lizard, servers: [{ host: 'vip' }] }, machine.deps).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toContain('no result within 30 s (killed) (cleaned up: killed its daemon, pid 1000)');
    expect(proc.processes.size).toBe(0);
  });
  it('when a daemon already served the mountpoint before the attempt then it is not touched', async () => {
    const proc = new FakeProcesses();
    const lingering = proc.spawn(lizardDaemon('10.0.0.9'));
    const machine = fakeMachine({
      network: fakeNetwork({ vip: ['10.0.0.240'] }, { '10.0.0.240': 'open' }),
      proc,
      script: mfsScript(LIZARD_VERSION, () => ({ result: { exitCode: 1, stderr: 'error in fuse_mount' } })),
    });
    await expect(mountSpec({ ...lizard, servers: [{ host: 'vip' }] }, machine.deps)).rejects.toMatchObject({ exitCode: 32 });
    expect(proc.exists(lingering)).toBe(true);
    expect(proc.signals).toEqual([]);
  });
  it('when the left mount cannot be taken down then it stops at once (32) naming what is left and what to do', async () => {
    const proc = new FakeProcesses();
    const machine = fakeMachine({
      network: fakeNetwork(MFS_HOSTS, ALL_OPEN),
      proc,
      script: (command) => {
        if (command.file === 'umount') return { result: { exitCode: 32, stderr: 'umount: /mfs: not mounted.' } };
        return mfsScript(MOOSE_VERSION, (host) => ({ mounts: { mountpoint: '/mfs', fstype: 'fuse', source: `mfsmeta#${host}:9421` } }))(command);
      },
    });
    const error = (await mountSpec(moose, machine.deps).catch((caught: unknown) => caught)) as Error & { code: string };
    expect(error.code).toBe('ha-mount.mount.cleanup-failed');
    expect(error.message).toContain('left a fuse mount of mfsmeta#10.0.0.240:9421 behind');
    expect(error.message).toContain('run "umount -l /mfs"');
    expect(machine.commands.filter((command) => command.file === 'mfsmount' && command.args[0] === '/mfs')).toHaveLength(1);
  });
});

describe('master/shadow walk', () => {
  const shadowRefusal = { result: { exitCode: 1, stderr: "Can't initialize connection with master server" } };
  it('when the VIP still points at a shadow then the error hint names it and the next master (the promoted one) serves', async () => {
    const proc = new FakeProcesses();
    const machine = fakeMachine({
      network: fakeNetwork(MFS_HOSTS, ALL_OPEN),
      proc,
      script: mfsScript(LIZARD_VERSION, (host) => (host === '10.0.0.42' ? { mounts: { mountpoint: '/mfs', fstype: 'fuse.mfs', source: `${host}:9421` }, spawns: lizardDaemon(host) } : shadowRefusal)),
    });
    const outcome = await mountSpec(lizard, machine.deps);
    expect(machine.commands.filter((command) => command.args[1] === '-H').map((command) => command.args[2])).toEqual(['10.0.0.240', '10.0.0.41', '10.0.0.42']);
    expect(outcome.server.host).toBe('10.0.0.42');
    expect(outcome.failedAttempts?.[1]).toBe("through m1 (10.0.0.41:9421): Can't initialize connection with master server (exit 1): the server answered but refused a client session: a LizardFS shadow master does this until it is promoted; mount through the VIP or the active master");
  });
  it('when only a shadow answers then the mount fails (32) saying only shadow masters answered, naming it', async () => {
    const machine = fakeMachine({
      network: fakeNetwork(MFS_HOSTS, { '10.0.0.240': 'refused', '10.0.0.41': 'open', '10.0.0.42': 'refused' }),
      proc: new FakeProcesses(),
      script: mfsScript(LIZARD_VERSION, () => shadowRefusal),
    });
    const error = (await mountSpec(lizard, machine.deps).catch((caught: unknown) => caught)) as Error & { exitCode: number };
    expect(error.exitCode).toBe(32);
    expect(error.message).toMatch(/^mount liz on \/mfs failed: only shadow masters answered:\n {2}through m1 \(10\.0\.0\.41:9421\): Can't initialize connection/);
    expect(error.message).toContain('vip:9421 (10.0.0.240): refused');
    expect(error.message).toContain('check that a master is active (promoted) and that the VIP points at it');
  });
  it('when a shadow refuses and another master fails otherwise then the headline stays "no server gave a working mount"', async () => {
    const machine = fakeMachine({
      network: fakeNetwork(MFS_HOSTS, { '10.0.0.240': 'refused', '10.0.0.41': 'open', '10.0.0.42': 'open' }),
      proc: new FakeProcesses(),
      script: mfsScript(LIZARD_VERSION, (host) => (host === '10.0.0.41' ? shadowRefusal : { result: { exitCode: 1, stderr: 'error in fuse_mount' } })),
    });
    const error = (await mountSpec(lizard, machine.deps).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(/^mount liz on \/mfs failed: no server gave a working mount:/);
    expect(error.message).toContain('through m2 (10.0.0.42:9421): error in fuse_mount (exit 1)');
  });
});
