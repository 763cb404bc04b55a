import { describe, expect, it } from 'vitest';
import { checkGlusterOptions, glusterfsBackend, glusterLogFile } from '../../../src/backends/glusterfs.js';
import { DEFAULTS } from '../../../src/defaults.js';
import type { MountInfoEntry } from '../../../src/mount/mountinfo.js';
import { makeSpec } from './spec-fixture.js';

const PING = `xlator-option=*-client-*.ping-timeout=${DEFAULTS.glusterfs.pingTimeoutS}`;

function entry(fstype: string, source: string, mountpoint = '/data'): MountInfoEntry {
  return { mountId: 1, parentId: 0, device: '0:50', root: '/', mountpoint, mountOptions: 'rw', fstype, source, superOptions: 'rw' };
}

describe('glusterfs mount command', () => {
  it('when backups exist then they follow as backup-volfile-servers with the ping timeout', () => {
    const command = glusterfsBackend.buildMountCommand(makeSpec(), { chosen: { host: '10.0.0.10', port: 24007 }, backups: [{ host: '10.0.0.11', port: 24007 }, { host: '10.0.0.12', port: 24007 }] }, {});
    expect(command).toEqual({ file: 'mount', args: ['-t', 'glusterfs', '10.0.0.10:/rep_vol1', '/data', '-o', `backup-volfile-servers=10.0.0.11:10.0.0.12,${PING}`] });
  });
  it('when there are no backups then no backup option is passed', () => {
    const command = glusterfsBackend.buildMountCommand(makeSpec(), { chosen: { host: '10.0.0.10' }, backups: [] }, {});
    expect(command.args).toEqual(['-t', 'glusterfs', '10.0.0.10:/rep_vol1', '/data', '-o', PING]);
  });
  it('when ping-timeout is given then it replaces the default and is not passed on as an option', () => {
    const command = glusterfsBackend.buildMountCommand(makeSpec({ options: ['acl', 'ping-timeout=4'] }), { chosen: { host: 'h' }, backups: [] }, {});
    expect(command.args.at(-1)).toBe('xlator-option=*-client-*.ping-timeout=4,acl');
  });
  it('when ping-timeout=off then no xlator-option is set and the user may pass one', () => {
    const spec = makeSpec({ options: ['ping-timeout=off', 'xlator-option=*replicate*.data-self-heal=off'] });
    expect(checkGlusterOptions(spec.options)).toEqual([]);
    expect(glusterfsBackend.buildMountCommand(spec, { chosen: { host: 'h' }, backups: [] }, {}).args.at(-1)).toBe('xlator-option=*replicate*.data-self-heal=off');
  });
  it('when a subfolder is asked then it follows the volume in the source', () => {
    expect(glusterfsBackend.buildMountCommand(makeSpec({ subdir: '/a/b' }), { chosen: { host: 'h' }, backups: [] }, {}).args[2]).toBe('h:/rep_vol1/a/b');
  });
  it('when the chosen server is IPv6 then the source has it bare and backups carry brackets (mount.glusterfs parsing)', () => {
    const command = glusterfsBackend.buildMountCommand(makeSpec(), { chosen: { host: 'fe80::1' }, backups: [{ host: 'fe80::2' }, { host: '10.0.0.3' }] }, {});
    expect(command.args[2]).toBe('fe80::1:/rep_vol1');
    expect(command.args.at(-1)).toContain('backup-volfile-servers=[fe80::2]:10.0.0.3,');
  });
  it('when the chosen server uses another port then server-port is set and backups on other ports are left out', () => {
    const command = glusterfsBackend.buildMountCommand(makeSpec(), { chosen: { host: 'a', port: 24010 }, backups: [{ host: 'b', port: 24007 }, { host: 'c', port: 24010 }] }, {});
    expect(command.args.at(-1)).toBe(`backup-volfile-servers=c,server-port=24010,${PING}`);
  });
});

describe('glusterfs options', () => {
  it.each([
    ['backup-volfile-servers=a:b', /set by ha-mount/],
    ['server-port=24008', /set by ha-mount/],
    ['xlator-option=*-client-*.ping-timeout=4', /keeps only one xlator-option/],
    ['ping-timeout=1', /from 2 to 1800/],
    ['ping-timeout=abc', /ping-timeout=N/],
  ])('when %j is given then it is refused as a known problem', (option, reason) => {
    const [problem] = checkGlusterOptions([option]);
    expect(problem?.reason).toMatch(reason);
    expect(problem?.unknown).toBe(false);
  });
  it('when an option mount.glusterfs does not know is given then it is flagged unknown', () => {
    expect(checkGlusterOptions(['frobnicate', 'acl=1'])).toMatchObject([{ option: 'frobnicate', unknown: true }, { option: 'acl=1', unknown: true }]);
  });
  it('when known options are given then there is no problem', () => {
    expect(checkGlusterOptions(['acl', 'ro', 'log-level=WARNING', 'attribute-timeout=1', 'noatime', 'x-anything', 'ping-timeout=4'])).toEqual([]);
  });
});

describe('glusterfs in mountinfo', () => {
  it('when the entry is fuse.glusterfs with HOST:/VOL then it is recognised and its server read', () => {
    const mounted = entry('fuse.glusterfs', '10.0.0.10:/rep_vol1');
    expect(glusterfsBackend.recognizes(mounted)).toBe(true);
    expect(glusterfsBackend.serverOf(mounted)).toBe('10.0.0.10');
    expect(glusterfsBackend.sameVolume?.(mounted, makeSpec())).toBe(true);
    expect(glusterfsBackend.sameVolume?.(mounted, makeSpec({ volume: 'other' }))).toBe(false);
  });
  it('when the source is HOST:VOL or an IPv6 host then the server is still read', () => {
    expect(glusterfsBackend.serverOf(entry('fuse.glusterfs', 'gfs1:rep_vol1'))).toBe('gfs1');
    expect(glusterfsBackend.serverOf(entry('fuse.glusterfs', 'fe80::1:/rep_vol1'))).toBe('fe80::1');
  });
  it('when the entry is another filesystem then it is not recognised', () => {
    expect(glusterfsBackend.recognizes(entry('fuse', 'mfs#10.0.0.1:9421'))).toBe(false);
    expect(glusterfsBackend.recognizes(entry('ext4', '/dev/sda1'))).toBe(false);
  });
});

describe('glusterfs daemon and unmount', () => {
  const argv = ['/usr/sbin/glusterfs', '--process-name', 'fuse', '--volfile-server=10.0.0.10', '--volfile-server=10.0.0.11', '--volfile-id=/rep_vol1', '/data'];
  it('when argv is the FUSE client of the mountpoint then it is the daemon', () => {
    expect(glusterfsBackend.isDaemonFor(argv, '/data')).toBe(true);
    expect(glusterfsBackend.isDaemonFor(argv, '/data/')).toBe(true);
  });
  it('when argv is for another mountpoint, a brick or glusterd then it is not', () => {
    expect(glusterfsBackend.isDaemonFor(argv, '/other')).toBe(false);
    expect(glusterfsBackend.isDaemonFor(['/usr/sbin/glusterfsd', '-s', 'gfs1', '--volfile-id', 'rep_vol1.gfs1.data-brick', '/data'], '/data')).toBe(false);
    expect(glusterfsBackend.isDaemonFor(['/usr/sbin/glusterd', '-p', '/run/glusterd.pid'], '/data')).toBe(false);
  });
  it('when unmounting then umount runs, with -l when lazy', () => {
    expect(glusterfsBackend.buildUnmountCommand('/data', { lazy: false })).toEqual({ file: 'umount', args: ['/data'] });
    expect(glusterfsBackend.buildUnmountCommand('/data', { lazy: true })).toEqual({ file: 'umount', args: ['-l', '/data'] });
  });
  it('when the log file is asked then it is glusterfs\'s default for the mountpoint unless log-file= says otherwise', () => {
    expect(glusterLogFile('/mnt/data/')).toBe('/var/log/glusterfs/mnt-data.log');
    expect(glusterLogFile('/data', ['log-file=/tmp/x.log'])).toBe('/tmp/x.log');
  });
});
