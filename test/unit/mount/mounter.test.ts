import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountSpec, unmountMountpoint, findOwnMount } from '../../../src/mount/mounter.js';
import { glusterfsBackend } from '../../../src/backends/glusterfs.js';
import { parseMountInfo } from '../../../src/mount/mountinfo.js';
import { fakeNetwork } from '../resolve/fake-network.js';
import { makeSpec } from '../backends/spec-fixture.js';
import { fakeMachine, glusterScript } from './fake-machine.js';

const HOSTS = { vip: ['10.0.0.10'], gfs1: ['10.0.0.11'], gfs2: ['10.0.0.12'] };
const spec = makeSpec({ servers: [{ host: 'vip' }, { host: 'gfs1' }, { host: 'gfs2' }] });

afterEach(() => {
  vi.useRealTimers();
});

describe('mountSpec', () => {
  it('when the VIP answers then it mounts through it with the others as backups and verifies mountinfo', async () => {
    const network = fakeNetwork(HOSTS, { '10.0.0.10': 'open', '10.0.0.11': 'open', '10.0.0.12': 'open' });
    const machine = fakeMachine({ network, script: glusterScript() });
    const outcome = await mountSpec(spec, machine.deps);
    expect(outcome).toMatchObject({ server: { host: '10.0.0.10', port: 24007 }, serverName: 'vip', backups: [{ host: '10.0.0.11' }, { host: '10.0.0.12' }] });
    expect(machine.commands.map((command) => command.args.slice(0, 4))).toEqual([['-t', 'glusterfs', '10.0.0.10:/rep_vol1', '/data']]);
    expect(machine.mounts).toHaveLength(1);
  });
  it('when the chosen server fails to mount then the next reachable one is tried', async () => {
    const network = fakeNetwork(HOSTS, { '10.0.0.10': 'open', '10.0.0.11': 'open', '10.0.0.12': 'open' });
    const machine = fakeMachine({ network, script: glusterScript({ '10.0.0.10': { stderr: 'Mount failed. Check the log file for more details.' } }) });
    const outcome = await mountSpec(spec, machine.deps);
    expect(outcome.server.host).toBe('10.0.0.11');
    expect(outcome.backups.map((backup) => backup.host)).toEqual(['10.0.0.10', '10.0.0.12']);
    expect(outcome.failedAttempts).toEqual(['through vip (10.0.0.10:24007): Mount failed. Check the log file for more details. (exit 1)']);
  });
  it('when no server is reachable then it fails with exit 32 listing each server and why, and runs nothing', async () => {
    const network = fakeNetwork({ ...HOSTS, gfs2: 'nxdomain' }, { '10.0.0.10': 'refused', '10.0.0.11': 'unreachable' });
    const machine = fakeMachine({ network, script: glusterScript() });
    const error = await mountSpec(spec, machine.deps).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ exitCode: 32, code: 'ha-mount.mount.failed' });
    expect((error as Error).message).toContain('no server is reachable');
    expect((error as Error).message).toContain('vip:24007 (10.0.0.10): refused');
    expect((error as Error).message).toContain('gfs1:24007 (10.0.0.11): no route to host');
    expect((error as Error).message).toContain('gfs2:24007: no such host');
    expect(machine.commands).toEqual([]);
  });
  it('when every server is a black hole then it fails within the resolution deadline', async () => {
    vi.useFakeTimers();
    const network = fakeNetwork(HOSTS, {});
    const machine = fakeMachine({ network, script: glusterScript() });
    const pending = mountSpec(spec, machine.deps).catch((caught: unknown) => caught);
    await vi.advanceTimersByTimeAsync(1_500);
    const error = await pending;
    expect(error).toMatchObject({ exitCode: 32 });
    expect((error as Error).message).toContain('vip:24007 (10.0.0.10): timeout after 1.5 s');
  });
  it('when every reachable server fails to mount then the error lists each attempt', async () => {
    const network = fakeNetwork(HOSTS, { '10.0.0.10': 'open', '10.0.0.11': 'refused', '10.0.0.12': 'open' });
    const machine = fakeMachine({ network, script: glusterScript({ '10.0.0.10': { stderr: 'boom' }, '10.0.0.12': { timedOut: true, exitCode: undefined } }) });
    const error = (await mountSpec(spec, machine.deps).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toContain('no server gave a working mount');
    expect(error.message).toContain('through vip (10.0.0.10:24007): boom (exit 1)');
    expect(error.message).toContain('through gfs2 (10.0.0.12:24007): no result within 30 s (killed)');
    expect(error.message).toContain('gfs1:24007 (10.0.0.11): refused');
  });
  it('when the command succeeds but no mount appears then it counts as a failure', async () => {
    const network = fakeNetwork({ vip: ['10.0.0.10'] }, { '10.0.0.10': 'open' });
    const machine = fakeMachine({ network, script: () => ({}) });
    const error = (await mountSpec(makeSpec({ servers: [{ host: 'vip' }] }), machine.deps).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(/returned 0 but no glusterfs mount of rep_vol1 appeared on \/data/);
  });
  it('when not root then it is a permission error (exit 1) before any network work', async () => {
    const network = fakeNetwork(HOSTS, { '10.0.0.10': 'open' });
    const machine = fakeMachine({ network, root: false });
    await expect(mountSpec(spec, machine.deps)).rejects.toMatchObject({ exitCode: 1, code: 'ha-mount.permission.root' });
    expect(network.connects).toEqual([]);
  });
  it('when the mountpoint does not exist or is a file then it is a usage error naming it', async () => {
    const network = fakeNetwork(HOSTS, {});
    await expect(mountSpec(makeSpec({ mountpoint: '/nope' }), fakeMachine({ network }).deps)).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('mountpoint /nope does not exist: create it with "mkdir -p /nope"') });
    await expect(mountSpec(makeSpec({ mountpoint: '/etc/passwd' }), fakeMachine({ network, files: ['/etc/passwd'] }).deps)).rejects.toMatchObject({ message: expect.stringMatching(/^mountpoint \/etc\/passwd is not a directory/) });
    expect(network.connects).toEqual([]);
  });
  it('when the same volume is already mounted there then it says so (exit 32)', async () => {
    const network = fakeNetwork(HOSTS, {});
    const machine = fakeMachine({ network, mounts: [{ mountpoint: '/data', fstype: 'fuse.glusterfs', source: '10.0.0.11:/rep_vol1' }] });
    await expect(mountSpec(spec, machine.deps)).rejects.toMatchObject({ exitCode: 32, code: 'ha-mount.mount.already-mounted', message: expect.stringContaining('rep_vol1 is already mounted on /data') });
  });
  it('when something else is mounted there then it refuses and names it', async () => {
    const network = fakeNetwork(HOSTS, {});
    const machine = fakeMachine({ network, mounts: [{ mountpoint: '/data', fstype: 'ext4', source: '/dev/sdb1' }] });
    await expect(mountSpec(spec, machine.deps)).rejects.toMatchObject({ code: 'ha-mount.mount.busy', message: expect.stringContaining('ext4 from /dev/sdb1') });
  });
  it('when avoid names the VIP then the mount goes through the next server', async () => {
    const network = fakeNetwork(HOSTS, { '10.0.0.10': 'open', '10.0.0.11': 'open', '10.0.0.12': 'open' });
    const machine = fakeMachine({ network, script: glusterScript() });
    const outcome = await mountSpec(spec, machine.deps, { avoid: [{ host: 'vip' }] });
    expect(outcome.server.host).toBe('10.0.0.11');
    expect(outcome.backups.map((backup) => backup.host)).toEqual(['10.0.0.12', '10.0.0.10']);
  });
  it('when dry-run then the command is returned, nothing runs, and root is not needed', async () => {
    const network = fakeNetwork(HOSTS, { '10.0.0.10': 'open' });
    const machine = fakeMachine({ network, root: false, script: glusterScript() });
    const outcome = await mountSpec(spec, machine.deps, { dryRun: true });
    expect(outcome.dryRun).toBe(true);
    expect(outcome.command.args.slice(0, 4)).toEqual(['-t', 'glusterfs', '10.0.0.10:/rep_vol1', '/data']);
    expect(machine.commands).toEqual([]);
  });
  it('when MooseFS is asked but LizardFS\'s mfsmount is installed then it refuses before contacting any server', async () => {
    const network = fakeNetwork({ mfsvip: ['10.0.0.20'] }, { '10.0.0.20': 'open' });
    const machine = fakeMachine({ network, script: (command) => (command.args[0] === '--version' ? { result: { stdout: 'LizardFS version 3.12.0' } } : {}) });
    const moose = makeSpec({ backend: 'moosefs', volume: '', servers: [{ host: 'mfsvip' }], mountpoint: '/mfs' });
    await expect(mountSpec(moose, machine.deps)).rejects.toMatchObject({ exitCode: 32, code: 'ha-mount.backend.wrong-client' });
    expect(network.connects).toEqual([]);
  });
  it('when the first MooseFS master fails then the next master is tried', async () => {
    const network = fakeNetwork({ mfsA: ['10.0.0.20'], mfsB: ['10.0.0.21'] }, { '10.0.0.20': 'open', '10.0.0.21': 'open' });
    const machine = fakeMachine({
      network,
      script: (command) => {
        if (command.args[0] === '--version') return { result: { stdout: 'MFS version 3.0.117-1 ; build: 1341' } };
        if (command.file === 'mfsmount' && command.args[2] === '10.0.0.20') return { result: { exitCode: 1, stderr: "can't connect to mfsmaster" } };
        if (command.file === 'mfsmount') return { mounts: { mountpoint: '/mfs', fstype: 'fuse', source: `mfs#${command.args[2]}:9421` } };
        return {};
      },
    });
    const outcome = await mountSpec(makeSpec({ backend: 'moosefs', volume: '', servers: [{ host: 'mfsA' }, { host: 'mfsB' }], mountpoint: '/mfs' }), machine.deps);
    expect(outcome.command).toEqual({ file: 'mfsmount', args: ['/mfs', '-H', '10.0.0.21', '-P', '9421'] });
  });
  it('when a timed-out attempt left a mount behind then it is lazily unmounted before the next server', async () => {
    const network = fakeNetwork(HOSTS, { '10.0.0.10': 'open', '10.0.0.11': 'open' });
    let first = true;
    const machine = fakeMachine({
      network,
      script: (command) => {
        if (command.file === 'umount') return { unmounts: command.args.at(-1) ?? '' };
        const source = command.args[2] ?? '';
        const mounted = { mountpoint: '/data', fstype: 'fuse.glusterfs', source };
        if (first) {
          first = false;
          return { mounts: mounted, result: { timedOut: true, exitCode: undefined, signal: 'SIGKILL' } };
        }
        return { mounts: mounted };
      },
    });
    const outcome = await mountSpec(makeSpec({ servers: [{ host: 'vip' }, { host: 'gfs1' }] }), machine.deps);
    expect(machine.commands.map((command) => command.file)).toEqual(['mount', 'umount', 'mount']);
    expect(machine.commands[1]?.args).toEqual(['-l', '/data']);
    expect(outcome.server.host).toBe('10.0.0.11');
  });
});

describe('unmountMountpoint', () => {
  it('when mounted then umount runs and the mount is gone', async () => {
    const machine = fakeMachine({ network: fakeNetwork({}, {}), mounts: [{ mountpoint: '/data', fstype: 'fuse.glusterfs', source: 'h:/v' }], script: glusterScript() });
    const outcome = await unmountMountpoint('/data', glusterfsBackend, { lazy: true }, machine.deps);
    expect(outcome).toMatchObject({ unmounted: true, command: { file: 'umount', args: ['-l', '/data'] } });
  });
  it('when nothing is mounted then nothing runs', async () => {
    const machine = fakeMachine({ network: fakeNetwork({}, {}) });
    expect(await unmountMountpoint('/data', glusterfsBackend, { lazy: false }, machine.deps)).toMatchObject({ unmounted: false });
    expect(machine.commands).toEqual([]);
  });
  it('when umount says busy then the error suggests --lazy (exit 32)', async () => {
    const machine = fakeMachine({
      network: fakeNetwork({}, {}),
      mounts: [{ mountpoint: '/data', fstype: 'fuse.glusterfs', source: 'h:/v' }],
      script: () => ({ result: { exitCode: 32, stderr: 'umount: /data: target is busy.' } }),
    });
    await expect(unmountMountpoint('/data', glusterfsBackend, { lazy: false }, machine.deps)).rejects.toMatchObject({ exitCode: 32, message: expect.stringContaining('--lazy') });
  });
});

describe('findOwnMount', () => {
  const text = '22 1 8:1 / / rw - ext4 /dev/sda1 rw\n100 22 0:50 / /data rw - fuse.glusterfs 10.0.0.10:/rep_vol1 rw\n';
  it('when the mountpoint holds this volume then it is found', () => {
    expect(findOwnMount(makeSpec(), parseMountInfo(text))?.source).toBe('10.0.0.10:/rep_vol1');
  });
  it('when the mountpoint holds another volume or backend then it is not', () => {
    expect(findOwnMount(makeSpec({ volume: 'other' }), parseMountInfo(text))).toBeUndefined();
    expect(findOwnMount(makeSpec({ backend: 'moosefs', volume: '' }), parseMountInfo(text))).toBeUndefined();
  });
});

describe('dry runs with the wrong client', () => {
  it('when LizardFS is dry-run with MooseFS\'s mfsmount installed then the command is shown with a warning', async () => {
    const network = fakeNetwork({ liz: ['10.0.0.40'] }, { '10.0.0.40': 'open' });
    const machine = fakeMachine({ network, script: (command) => (command.args[0] === '--version' ? { result: { stdout: 'MFS version 3.0.117-1 ; build: 1341' } } : {}) });
    const lizard = makeSpec({ backend: 'lizardfs', volume: '', servers: [{ host: 'liz' }], mountpoint: '/mfs', options: ['mfsacl'] });
    const outcome = await mountSpec(lizard, machine.deps, { dryRun: true });
    expect(outcome.command).toEqual({ file: 'mfsmount', args: ['/mfs', '-H', '10.0.0.40', '-P', '9421', '-o', 'mfsacl'] });
    expect(outcome.warnings?.[0]).toMatch(/cannot mount LizardFS/);
    await expect(mountSpec(lizard, machine.deps)).rejects.toMatchObject({ exitCode: 32 });
  });
});
