// The core mount path on real servers: the BUILT ha-mount and mount.ha (run `npm run build`
// first; `npm run test:lab` does) mount GlusterFS and MooseFS from the lab client's network
// namespace. Each test names the failure it reproduces and removes its own mounts.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, type RunResult } from '../../src/exec/run.js';
import { glusterOf, glusterServer, mooseOf, waitUntil } from '../../src/lab/lab-access.js';
import { installSignalCleanup, startLab } from '../../src/lab/lab.js';
import type { Lab, LabHost } from '../../src/lab/lab-types.js';
import { addMountHelperLink, expectWritable, HA_MOUNT, mountAt, MOUNT_HA, runInClient } from './support/lab-helpers.js';

let lab: Lab;
let removeSignalCleanup: () => void = () => undefined;
let removeLauncher: () => void = () => undefined;
const mounted = new Set<string>();

const gluster = (): ReturnType<typeof glusterOf> => glusterOf(lab);
const moose = (): ReturnType<typeof mooseOf> => mooseOf(lab);
const server = (index: 0 | 1): LabHost => glusterServer(lab, index);

/** A fresh mountpoint below the lab folder, remembered for cleanup. */
function newMountpoint(name: string): string {
  const path = `${lab.dir}/mnt/core-${name}`;
  mkdirSync(path, { recursive: true });
  mounted.add(path);
  return path;
}

/** Runs the built CLI in the client's network namespace (its mounts are visible here). */
function runHaMount(args: string[], timeoutMs = 60_000): Promise<RunResult> {
  return runInClient(lab, process.execPath, [HA_MOUNT, ...args], timeoutMs);
}

/** The VIP is held and glusterd answers behind it (after a crash test put things back). */
async function waitForGlusterVip(): Promise<void> {
  await waitUntil('GlusterFS VIP held by a live server', async () => (await lab.vipHolder('gluster')) !== undefined, 30_000);
  await waitUntil(
    'glusterd answers on the VIP',
    async () => (await runInClient(lab, process.execPath, ['-e', `require('net').connect(24007, '${gluster().vip}').on('connect', () => process.exit(0)).on('error', () => process.exit(1))`], 5_000)).exitCode === 0,
    30_000,
  );
}

beforeAll(async () => {
  if (!existsSync(HA_MOUNT) || !existsSync(MOUNT_HA)) throw new Error(`${HA_MOUNT} is missing: run "npm run build" first (npm run test:lab does)`);
  lab = await startLab({ gluster: true, moosefs: true, onProgress: (message) => console.log(`[lab] ${message}`) });
  removeSignalCleanup = installSignalCleanup(lab);
});

afterEach(async () => {
  for (const path of mounted) {
    if (mountAt(path) !== undefined) await runCommand({ file: 'umount', args: ['-l', path] }, { timeoutMs: 10_000 });
  }
  mounted.clear();
});

afterAll(async () => {
  removeLauncher();
  removeSignalCleanup();
  await lab?.stop();
});

describe('ha-mount mounts real volumes', () => {
  it('when rep_vol1 is mounted by config name then it goes through the VIP with both servers as backups, and is writable', async () => {
    const dir = newMountpoint('config');
    const config = `${lab.dir}/core-config.yaml`;
    writeFileSync(config, `mounts:\n  - name: rep_vol1\n    volume: ${gluster().volume}\n    servers: [${gluster().vip}, ${server(0).ip}, ${server(1).ip}]\n    mountpoint: ${dir}\n`);
    const result = await runHaMount(['-c', config, 'rep_vol1', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const outcome = JSON.parse(result.stdout) as { server: string; backups: string[]; command: string[] };
    expect(outcome.server).toBe(`${gluster().vip}:24007`);
    expect(outcome.backups).toEqual([`${server(0).ip}:24007`, `${server(1).ip}:24007`]);
    expect(mountAt(dir)).toMatchObject({ fstype: 'fuse.glusterfs', source: `${gluster().vip}:/${gluster().volume}` });
    await expectWritable(lab, dir, 'core');
    const unmount = await runHaMount(['umount', dir]);
    expect(unmount.exitCode, unmount.stderr).toBe(0);
    expect(mountAt(dir)).toBeUndefined();
  });

  it('when the servers come with -s and the volume by name (issue 13: "rep_vol1 is not a source spec") then GlusterFS and MooseFS mount through the first server and are writable', async () => {
    const gfs = newMountpoint('bare-volume');
    const byName = await runHaMount(['mount', '-t', 'glusterfs', '-s', gluster().vip, '-s', server(1).ip, gluster().volume, gfs, '--json']);
    expect(byName.exitCode, byName.stderr).toBe(0);
    expect(JSON.parse(byName.stdout)).toMatchObject({ server: `${gluster().vip}:24007`, backups: [`${server(1).ip}:24007`] });
    expect(mountAt(gfs)).toMatchObject({ fstype: 'fuse.glusterfs', source: `${gluster().vip}:/${gluster().volume}` });
    await expectWritable(lab, gfs, 'core');
    const mfs = newMountpoint('bare-path');
    const byPath = await runHaMount(['mount', '-t', 'moosefs', '-s', moose().vip, '-s', moose().standby.ip, '/', mfs]);
    expect(byPath.exitCode, byPath.stderr).toBe(0);
    expect(mountAt(mfs)).toMatchObject({ fstype: 'fuse', source: `mfs#${moose().vip}:9421` });
    await expectWritable(lab, mfs, 'core');
  });

  it('when `mount --watch` is given -s servers and the volume by name then it mounts, remounts after the FUSE client is killed, and leaves the mount on SIGTERM', async () => {
    const dir = newMountpoint('watch-bare');
    const command = lab.clientCommand({ file: process.execPath, args: [HA_MOUNT, 'mount', '--watch', '-s', gluster().vip, '-s', server(1).ip, gluster().volume, dir] });
    const watcher = spawn(command.file, command.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    watcher.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    watcher.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => watcher.once('exit', (code) => resolve(code)));
    try {
      // the watch adopts the fresh mount: starting -> healthy, before the fault
      await waitUntil('the watch reports the mount healthy', () => /-> healthy/.test(output), 30_000);
      const before = output.length;
      const killed = await lab.faults.killClientDaemon(dir);
      expect(killed).toBeGreaterThan(0);
      await waitUntil('the watch remounted', () => /healthy -> failed[\s\S]*recovering -> healthy/.test(output.slice(before)), 30_000);
      expect(mountAt(dir)?.fstype).toBe('fuse.glusterfs');
      await expectWritable(lab, dir, 'core');
    } finally {
      watcher.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(mountAt(dir)?.fstype).toBe('fuse.glusterfs');
  });

  it('when the VIP holder has crashed (peers see RST) then the mount goes through the backup server', async () => {
    const direct = newMountpoint('crash-direct');
    const viaVip = newMountpoint('crash-vip');
    await lab.faults.crashHost(server(0));
    try {
      // the crashed first server is refused at once and gfs2 serves; gfs1 stays a backup for later
      const first = await runHaMount([`${server(0).ip},${server(1).ip}:/${gluster().volume}`, direct, '--json']);
      expect(first.exitCode, first.stderr).toBe(0);
      const outcome = JSON.parse(first.stdout) as { server: string; backups: string[]; verdicts: Array<{ address?: string; reachable: boolean; reason: string }> };
      expect(outcome.server).toBe(`${server(1).ip}:24007`);
      expect(outcome.backups).toEqual([`${server(0).ip}:24007`]);
      expect(outcome.verdicts.find((verdict) => verdict.address === server(0).ip)).toMatchObject({ reachable: false, reason: expect.stringMatching(/refused|timeout/) });
      await expectWritable(lab, direct, 'core');
      // through the VIP: it is either still on the dead host (refused, so gfs2 serves) or already moved to gfs2
      const second = await runHaMount([`${gluster().vip},${server(0).ip},${server(1).ip}:/${gluster().volume}`, viaVip, '--json']);
      expect(second.exitCode, second.stderr).toBe(0);
      expect([`${server(1).ip}:24007`, `${gluster().vip}:24007`]).toContain((JSON.parse(second.stdout) as { server: string }).server);
      await expectWritable(lab, viaVip, 'core');
    } finally {
      await lab.faults.restartHost(server(0));
      await waitForGlusterVip();
    }
  });

  it('when MooseFS is mounted through its VIP then mountinfo shows mfs#VIP:9421 and it is writable', async () => {
    const dir = newMountpoint('moose');
    const result = await runHaMount(['-t', 'moosefs', `${moose().vip},${moose().standby.ip}:/`, dir]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`through ${moose().vip}:9421`);
    expect(mountAt(dir)).toMatchObject({ fstype: 'fuse', source: `mfs#${moose().vip}:9421` });
    await expectWritable(lab, dir, 'core');
    expect((await runHaMount(['umount', dir])).exitCode).toBe(0);
  });

  it('when LizardFS is asked but only MooseFS\'s mfsmount is installed then it refuses (exit 32) instead of a mount that hangs', async () => {
    const dir = newMountpoint('lizard');
    const result = await runHaMount(['-t', 'lizardfs', `${moose().vip}:/`, dir]);
    expect(result.exitCode).toBe(32);
    expect(result.stderr).toMatch(/installed mfsmount is MooseFS's mfsmount/);
    expect(mountAt(dir)).toBeUndefined();
  });

  it('when every server is unreachable then it exits 32 within the resolution deadline, listing each server and why', async () => {
    const dir = newMountpoint('unreachable');
    const [a, b, c] = lab.subnet.replace(/\.0\/24$/, '').split('.');
    const silent = `${a}.${b}.${c}.250`; // no host there: ARP gets no answer
    const closed = moose().chunkservers[0]?.ip ?? ''; // a host without glusterd: RST
    const started = Date.now();
    const result = await runHaMount([`${silent},${closed},nosuchhost.invalid:/${gluster().volume}`, dir]);
    const elapsedMs = Date.now() - started;
    expect(result.exitCode).toBe(32);
    expect(result.stderr).toContain('no server is reachable');
    expect(result.stderr).toMatch(new RegExp(`${silent.replaceAll('.', '\\.')}:24007: (timeout after 1\\.5 s|no route to host)`));
    expect(result.stderr).toContain(`${closed}:24007: refused`);
    // the client namespace has no DNS server: a name outside /etc/hosts fails as "no such host" or a lookup failure
    expect(result.stderr).toMatch(/nosuchhost\.invalid:24007: (no such host|DNS lookup failed)/);
    expect(elapsedMs).toBeLessThan(8_000);
    expect(mountAt(dir)).toBeUndefined();
  });
});

describe('mount.ha called by the real mount(8)', () => {
  beforeAll(() => {
    // exactly one thing is added, and only when absent: a link mount(8) finds as the `ha` helper
    removeLauncher = addMountHelperLink('/sbin/mount.ha');
  });

  it('when `mount -a -T FSTAB` meets an `ha` line then mount.ha mounts the GlusterFS volume with the helper options taken out', async () => {
    const dir = newMountpoint('fstab');
    const fstab = `${lab.dir}/core-fstab`;
    writeFileSync(fstab, `# ha-mount lab test\n${gluster().vip}:/${gluster().volume} ${dir} ha servers=${server(0).ip}:${server(1).ip},ping-timeout=5,probe-interval=2s,_netdev,nofail 0 0\n`);
    const result = await runInClient(lab, 'mount', ['-a', '-T', fstab, '-v']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(mountAt(dir)).toMatchObject({ fstype: 'fuse.glusterfs', source: `${gluster().vip}:/${gluster().volume}` });
    const daemons = await runCommand({ file: 'pgrep', args: ['-af', `glusterfs.*${dir}$`] }, { timeoutMs: 5_000 });
    expect(daemons.stdout).toContain('--xlator-option=*-client-*.ping-timeout=5');
    expect(daemons.stdout).toContain(`--volfile-server=${server(1).ip}`);
    expect(daemons.stdout).not.toContain('probe-interval');
    await expectWritable(lab, dir, 'core');
  });

  it('when `mount -t ha` is run with -f then it prints the command and mounts nothing; without -f it mounts', async () => {
    const dir = newMountpoint('type-ha');
    const source = `${gluster().vip}:/${gluster().volume}`;
    const fake = await runInClient(lab, 'mount', ['-f', '-v', '-t', 'ha', source, dir, '-o', `servers=${server(1).ip}`]);
    expect(fake.exitCode, fake.stderr).toBe(0);
    expect(fake.stdout).toContain(`mount -t glusterfs ${source} ${dir} -o 'backup-volfile-servers=${server(1).ip},xlator-option=*-client-*.ping-timeout=10`);
    expect(mountAt(dir)).toBeUndefined();
    const real = await runInClient(lab, 'mount', ['-t', 'ha', source, dir, '-o', `servers=${server(1).ip}`]);
    expect(real.exitCode, real.stderr).toBe(0);
    expect(mountAt(dir)?.fstype).toBe('fuse.glusterfs');
  });

  it('when an fstab `ha` line names the volume alone with servers= (issue 13) then mount(8) and mount.ha mount it through the first server', async () => {
    const dir = newMountpoint('fstab-bare');
    const fstab = `${lab.dir}/core-fstab-bare`;
    writeFileSync(fstab, `${gluster().volume} ${dir} ha servers=${gluster().vip}:${server(1).ip},_netdev 0 0\n`);
    const result = await runInClient(lab, 'mount', ['-a', '-T', fstab]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(mountAt(dir)).toMatchObject({ fstype: 'fuse.glusterfs', source: `${gluster().vip}:/${gluster().volume}` });
    await expectWritable(lab, dir, 'core');
  });

  it('when mount(8) gets an `ha` line whose servers are all unreachable then its exit status is mount.ha\'s 32', async () => {
    const dir = newMountpoint('type-ha-fail');
    const closed = moose().chunkservers[0]?.ip ?? '';
    const result = await runInClient(lab, 'mount', ['-t', 'ha', `${closed}:/${gluster().volume}`, dir]);
    expect(result.exitCode).toBe(32);
    expect(result.stderr).toContain(`${closed}:24007: refused`);
  });
});
