// MooseFS and LizardFS mounts in mountinfo, one line per form. Where each form comes from:
// - `fuse mfs#HOST:9421` (`mfs\043HOST:9421` in mountinfo): Debian 12's MooseFS 3.0.117 mfsmount on this machine's lab (the binary does
//   not import fuse_version, so make_fsname takes its `-ofsname=mfs#` branch; test/lab/mount.test.ts
//   asserts it); LizardFS <= 3.12 too (its build never defines LIZARDFS_HAVE_FUSE_VERSION).
// - `fuse.mfs HOST:9421`: LizardFS 3.13 (make_fsname in src/mount/fuse/main.cc: libfuse >= 2.7 gives
//   `-osubtype=mfs,fsname=HOST:PORT`), as issue 14 saw it; MooseFS's own 3.x/4.x builds alike. The
//   line below is the kernel's, from a real mfsmount run with those options (mount-cleanup.test.ts).
// - `/SUB` after the port: a subfolder without a leading "/" (both), or any subfolder on MooseFS 4.
// - `mfsmeta`: the meta filesystem (`-o mfsmeta`), subtype `mfsmeta` or prefix `mfsmeta#`.
import { describe, expect, it } from 'vitest';
import { lizardfsBackend } from '../../../src/backends/lizardfs.js';
import { explainMfsFailure } from '../../../src/backends/mfs-common.js';
import { explainMfsMismatch, parseMfsMountSource } from '../../../src/backends/mfs-source.js';
import { moosefsBackend } from '../../../src/backends/moosefs.js';
import { glusterfsBackend } from '../../../src/backends/glusterfs.js';
import { parseMountInfo } from '../../../src/mount/mountinfo.js';
import { inspectMountPresence } from '../../../src/probes/mount-presence.js';
import { makeSpec } from './spec-fixture.js';

const LINES = {
  // both copied from this machine's /proc/self/mountinfo during test/lab/mount-cleanup.test.ts, lab address
  // and path replaced (the kernel writes "#" as \043); the second is Debian's mfsmount given LizardFS
  // 3.13's subtype and fsname options. The others are written from make_fsname (MooseFS 4 subfolder, meta).
  debianMoose: '63 27 0:57 / /mnt/mfs rw,nosuid,nodev,relatime - fuse mfs\\04310.231.0.240:9421 rw,user_id=0,group_id=0,allow_other',
  lizard313: '62 27 0:40 / /mnt/mfs rw,nosuid,nodev,relatime - fuse.mfs 10.231.0.240:9421 rw,user_id=0,group_id=0,allow_other',
  moose4Sub: '513 29 0:62 / /mnt/sub rw,relatime shared:287 - fuse.mfs mfsmaster:9421/projects/a rw,user_id=0,group_id=0,allow_other',
  metaSubtype: '514 29 0:63 / /mnt/meta rw,relatime shared:288 - fuse.mfsmeta 10.231.0.240:9421 rw,user_id=0,group_id=0,allow_other',
  metaPrefix: '515 29 0:64 / /mnt/meta rw,relatime shared:289 - fuse mfsmeta#10.231.0.240:9421 rw,user_id=0,group_id=0,allow_other',
  gluster: '516 29 0:65 / /mnt/gv rw,relatime shared:290 - fuse.glusterfs 10.231.0.10:/rep_vol1 rw,user_id=0,group_id=0,default_permissions,allow_other,max_read=131072',
  sshfs: '517 29 0:66 / /mnt/ssh rw,relatime shared:291 - fuse.sshfs user@10.231.0.9:/ rw,user_id=0,group_id=0',
};
const entry = (line: string) => parseMountInfo(`${line}\n`)[0]!;

describe('parseMfsMountSource', () => {
  it('when the line is Debian MooseFS 3.0 (fuse, mfs#HOST:PORT) then it is an MFS data mount of that host', () => {
    expect(parseMfsMountSource(entry(LINES.debianMoose))).toEqual({ form: 'fsname-prefix', meta: false, host: '10.231.0.240', port: 9421 });
  });
  it('when the line is LizardFS 3.13 (fuse.mfs, HOST:PORT) then it is an MFS data mount of that host', () => {
    expect(parseMfsMountSource(entry(LINES.lizard313))).toEqual({ form: 'subtype', meta: false, host: '10.231.0.240', port: 9421 });
  });
  it('when the source carries a subfolder then it is read without its slashes', () => {
    expect(parseMfsMountSource(entry(LINES.moose4Sub))).toEqual({ form: 'subtype', meta: false, host: 'mfsmaster', port: 9421, subfolder: 'projects/a' });
    expect(parseMfsMountSource({ fstype: 'fuse', source: 'mfs#h:9421/x/' })?.subfolder).toBe('x');
  });
  it('when the line is a meta mount in either form then it is flagged meta', () => {
    expect(parseMfsMountSource(entry(LINES.metaSubtype))?.meta).toBe(true);
    expect(parseMfsMountSource(entry(LINES.metaPrefix))?.meta).toBe(true);
  });
  it('when the host is an IPv6 address in brackets then the brackets go', () => {
    expect(parseMfsMountSource({ fstype: 'fuse.mfs', source: '[fd00::1]:9421' })?.host).toBe('fd00::1');
  });
  it('when the line is GlusterFS, sshfs, a plain fuse source or a source without a port then it is not MFS', () => {
    expect(parseMfsMountSource(entry(LINES.gluster))).toBeUndefined();
    expect(parseMfsMountSource(entry(LINES.sshfs))).toBeUndefined();
    expect(parseMfsMountSource({ fstype: 'fuse', source: '10.0.0.1:9421' })).toBeUndefined();
    expect(parseMfsMountSource({ fstype: 'fuse.mfs', source: 'mfsmaster' })).toBeUndefined();
    expect(parseMfsMountSource({ fstype: 'fuse', source: 'sshfs#x:22' })).toBeUndefined();
  });
});

describe('MFS backends on each form', () => {
  it('when either form is listed then both MFS backends recognise it and GlusterFS does not', () => {
    for (const line of [LINES.debianMoose, LINES.lizard313, LINES.moose4Sub]) {
      expect(moosefsBackend.recognizes(entry(line))).toBe(true);
      expect(lizardfsBackend.recognizes(entry(line))).toBe(true);
      expect(glusterfsBackend.recognizes(entry(line))).toBe(false);
    }
    expect(lizardfsBackend.serverOf(entry(LINES.lizard313))).toBe('10.231.0.240');
  });
  it('when the agent looks at a LizardFS 3.13 mount then it is mounted, not "another filesystem" (issue 14)', () => {
    expect(inspectMountPresence(parseMountInfo(`${LINES.lizard313}\n`), '/mnt/mfs', lizardfsBackend)).toMatchObject({ kind: 'mounted' });
    expect(inspectMountPresence(parseMountInfo(`${LINES.gluster}\n`), '/mnt/gv', lizardfsBackend)).toMatchObject({ kind: 'foreign' });
  });
  it('when the mount is the meta filesystem or another subfolder then it is not the spec\'s volume, and the reason says so', () => {
    const spec = makeSpec({ backend: 'lizardfs', volume: '', subdir: '' });
    expect(lizardfsBackend.sameVolume?.(entry(LINES.lizard313), spec)).toBe(true);
    expect(lizardfsBackend.sameVolume?.(entry(LINES.metaSubtype), spec)).toBe(false);
    expect(lizardfsBackend.explainMismatch?.(entry(LINES.metaPrefix), spec)).toMatch(/^it is the meta filesystem .* drop the mfsmeta option$/);
    expect(moosefsBackend.sameVolume?.(entry(LINES.moose4Sub), makeSpec({ backend: 'moosefs', subdir: '/projects/a' }))).toBe(true);
    expect(moosefsBackend.explainMismatch?.(entry(LINES.moose4Sub), makeSpec({ backend: 'moosefs', subdir: '' }))).toBe('it is subfolder /projects/a, not the root');
  });
  it('when the source carries no subfolder then a subfolder spec still matches (the source only sometimes says)', () => {
    expect(explainMfsMismatch({ form: 'fsname-prefix', meta: false, host: 'h', port: 9421 }, '/projects')).toBeUndefined();
  });
});

describe('which project a daemon is', () => {
  const title = ['mfsmount (mounted on: /mnt/mfs)'];
  const lizardArgv = ['/opt/lizardfs/bin/mfsmount', '/mnt/mfs', '-H', '10.231.0.240', '-P', '9421'];
  it('when the daemon renamed itself "mfsmount (mounted on: DIR)" then it is MooseFS\'s, never LizardFS\'s', () => {
    expect(moosefsBackend.isDaemonFor(title, '/mnt/mfs')).toBe(true);
    expect(lizardfsBackend.isDaemonFor(title, '/mnt/mfs')).toBe(false);
  });
  it('when the daemon keeps its argv (LizardFS, or MooseFS in its first moments) then both accept it', () => {
    expect(lizardfsBackend.isDaemonFor(lizardArgv, '/mnt/mfs')).toBe(true);
    expect(moosefsBackend.isDaemonFor(lizardArgv, '/mnt/mfs')).toBe(true);
  });
  it('when the daemon is mfsmount3 (LizardFS\'s libfuse3 build) then only LizardFS accepts it', () => {
    const argv = ['mfsmount3', '/mnt/mfs', '-H', 'h'];
    expect(lizardfsBackend.isDaemonFor(argv, '/mnt/mfs')).toBe(true);
    expect(moosefsBackend.isDaemonFor(argv, '/mnt/mfs')).toBe(false);
  });
});

describe('explainMfsFailure', () => {
  it('when mfsmount says it cannot initialise the master connection then the hint names a shadow master', () => {
    expect(explainMfsFailure("mfsmount: Can't initialize connection with master server")).toMatchObject({ refusesClients: true, hint: expect.stringMatching(/shadow master .* until it is promoted/) });
  });
  it('when the failure is something else then there is no hint', () => {
    expect(explainMfsFailure("can't connect to mfsmaster (\"10.0.0.1\":\"9421\")")).toBeUndefined();
  });
});
