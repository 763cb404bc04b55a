import { describe, expect, it } from 'vitest';
import { lizardfsBackend } from '../../../src/backends/lizardfs.js';
import { detectMfsFlavor } from '../../../src/backends/mfs-common.js';
import { readMfsmountEnvironment } from '../../../src/backends/mfsmount-version.js';
import { moosefsBackend } from '../../../src/backends/moosefs.js';
import { getBackend, parseBackendName } from '../../../src/backends/registry.js';
import type { Runner } from '../../../src/exec/run.js';
import type { MountInfoEntry } from '../../../src/mount/mountinfo.js';
import { makeSpec } from './spec-fixture.js';

const MOOSE = { mfsmountVersion: 'MFS version 3.0.117-1 ; build: 1341' };
const LIZARD = { mfsmountVersion: 'LizardFS version 3.12.0' };
const mfsSpec = (overrides = {}) => makeSpec({ name: 'mfs', backend: 'moosefs', volume: '', servers: [{ host: 'mfsvip' }], mountpoint: '/mfs', ...overrides });

describe('detectMfsFlavor', () => {
  it.each([
    ['MFS version 3.0.117-1 ; build: 1341', 'moosefs'],
    ['MFS version: 3.0.117-1 ; build: 1341', 'moosefs'],
    ['LizardFS version 3.12.0', 'lizardfs'],
    ['something else', undefined],
    [undefined, undefined],
  ])('when mfsmount --version says %j then it is %j', (text, flavor) => {
    expect(detectMfsFlavor(text)).toBe(flavor);
  });
});

describe('moosefs mount command', () => {
  it('when MooseFS\'s mfsmount is installed then the command is mfsmount DIR -H -P [-S] [-o]', () => {
    const command = moosefsBackend.buildMountCommand(mfsSpec({ subdir: '/projects', options: ['mfscachemode=AUTO'] }), { chosen: { host: '10.0.0.20', port: 9421 }, backups: [{ host: '10.0.0.21', port: 9421 }] }, MOOSE);
    expect(command).toEqual({ file: 'mfsmount', args: ['/mfs', '-H', '10.0.0.20', '-P', '9421', '-S', '/projects', '-o', 'mfscachemode=AUTO'] });
  });
  it('when mfstimeout is asked (to bound a write stalled by a replayed chunk lock) then it reaches mfsmount unchanged', () => {
    expect(moosefsBackend.checkOptions?.(['mfstimeout=30'])).toEqual([]);
    const command = moosefsBackend.buildMountCommand(mfsSpec({ options: ['mfstimeout=30'] }), { chosen: { host: '10.0.0.20' }, backups: [] }, MOOSE);
    expect(command.args.slice(-2)).toEqual(['-o', 'mfstimeout=30']);
  });
  it('when no subfolder or option is asked then neither -S nor -o is passed', () => {
    expect(moosefsBackend.buildMountCommand(mfsSpec(), { chosen: { host: '10.0.0.20' }, backups: [] }, MOOSE).args).toEqual(['/mfs', '-H', '10.0.0.20', '-P', '9421']);
  });
  it('when LizardFS\'s mfsmount is installed then MooseFS is refused, naming what was found', () => {
    expect(() => moosefsBackend.buildMountCommand(mfsSpec(), { chosen: { host: 'h' }, backups: [] }, LIZARD)).toThrow(/installed mfsmount is LizardFS's mfsmount \("LizardFS version 3.12.0"\)/);
  });
  it('when no mfsmount is installed then the error says which package to install', () => {
    expect(() => moosefsBackend.buildMountCommand(mfsSpec(), { chosen: { host: 'h' }, backups: [] }, {})).toThrow(/no mfsmount is installed; install moosefs-client/);
  });
  it('when a LizardFS-only option or a GlusterFS one is given then it is flagged unknown', () => {
    expect(moosefsBackend.checkOptions?.(['mfsacl', 'ping-timeout=4', 'mfscachemode=AUTO'])).toMatchObject([
      { option: 'mfsacl', unknown: true },
      { option: 'ping-timeout=4', unknown: true },
    ]);
  });
  it('when mfsmaster or mfssubfolder is given as an option then it is refused: the spec sets them', () => {
    expect(moosefsBackend.checkOptions?.(['mfsmaster=x', 'mfssubfolder=/a'])).toMatchObject([{ unknown: false }, { unknown: false }]);
  });
});

describe('lizardfs mount command', () => {
  it('when LizardFS\'s mfsmount is installed then the command uses it with -H/-P', () => {
    expect(lizardfsBackend.buildMountCommand(mfsSpec({ backend: 'lizardfs', options: ['mfsacl'] }), { chosen: { host: '10.0.0.30', port: 9421 }, backups: [] }, LIZARD)).toEqual({
      file: 'mfsmount',
      args: ['/mfs', '-H', '10.0.0.30', '-P', '9421', '-o', 'mfsacl'],
    });
  });
  it('when only MooseFS\'s mfsmount is installed then LizardFS is refused clearly (it would hang)', () => {
    expect(() => lizardfsBackend.buildMountCommand(mfsSpec({ backend: 'lizardfs' }), { chosen: { host: 'h' }, backups: [] }, MOOSE)).toThrow(
      /cannot mount LizardFS: the installed mfsmount is MooseFS's mfsmount .*looks fine but hangs; install lizardfs-client/,
    );
  });
  it('when the refusal is thrown then it is a mount failure (exit 32)', () => {
    try {
      lizardfsBackend.buildMountCommand(mfsSpec({ backend: 'lizardfs' }), { chosen: { host: 'h' }, backups: [] }, {});
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ exitCode: 32, code: 'ha-mount.backend.client-missing' });
    }
  });
  it('when a MooseFS-only option is given then LizardFS flags it unknown', () => {
    expect(lizardfsBackend.checkOptions?.(['mfspreflabels=a'])).toMatchObject([{ unknown: true }]);
  });
});

describe('mfs mountinfo and daemon', () => {
  const mounted: MountInfoEntry = { mountId: 1, parentId: 0, device: '0:60', root: '/', mountpoint: '/mfs', mountOptions: 'rw', fstype: 'fuse', source: 'mfs#10.0.0.20:9421', superOptions: 'rw' };
  it('when the source is mfs#HOST:PORT then both MFS backends recognise it and read the host', () => {
    expect(moosefsBackend.recognizes(mounted)).toBe(true);
    expect(lizardfsBackend.recognizes(mounted)).toBe(true);
    expect(moosefsBackend.serverOf(mounted)).toBe('10.0.0.20');
  });
  it('when the entry is glusterfs or another fuse filesystem then it is not MFS', () => {
    expect(moosefsBackend.recognizes({ ...mounted, fstype: 'fuse.glusterfs', source: 'h:/v' })).toBe(false);
    expect(moosefsBackend.recognizes({ ...mounted, source: 'sshfs#x' })).toBe(false);
  });
  it('when argv is mfsmount with the mountpoint as an argument then it is the daemon', () => {
    expect(moosefsBackend.isDaemonFor(['mfsmount', '/mfs', '-H', '10.0.0.20', '-P', '9421'], '/mfs')).toBe(true);
    expect(moosefsBackend.isDaemonFor(['/usr/bin/mfsmount', '10.0.0.20:9421:/', '/mfs/'], '/mfs')).toBe(true);
  });
  it('when the daemon has rewritten its title to "mfsmount (mounted on: DIR)" then it is the daemon for DIR only', () => {
    const title = ['mfsmount (mounted on: /mfs)', '', '', ''];
    expect(moosefsBackend.isDaemonFor(title, '/mfs')).toBe(true);
    expect(moosefsBackend.isDaemonFor(title, '/mfs/')).toBe(true);
    expect(moosefsBackend.isDaemonFor(title, '/mf')).toBe(false);
    expect(moosefsBackend.isDaemonFor(['mfsmount (mounted on: /mfs/sub)'], '/mfs')).toBe(false);
  });
  it('when the path only appears as a value of -S then it is not the daemon for it', () => {
    expect(moosefsBackend.isDaemonFor(['mfsmount', '/other', '-S', '/mfs'], '/mfs')).toBe(false);
    expect(moosefsBackend.isDaemonFor(['mfsmaster', '/mfs'], '/mfs')).toBe(false);
  });
});

describe('readMfsmountEnvironment', () => {
  const runnerWith = (result: Partial<Awaited<ReturnType<Runner>>>): Runner => async () => ({ exitCode: 0, signal: undefined, stdout: '', stderr: '', timedOut: false, durationMs: 1, ...result });
  it('when MooseFS prints its version on stdout and fusermount on stderr then the MFS line is kept', async () => {
    const env = await readMfsmountEnvironment(runnerWith({ stdout: 'MFS version: 3.0.117-1 ; build: 1341', stderr: 'fusermount3 version: 3.14.0\nusing FUSE kernel interface version 7.31' }));
    expect(env).toEqual({ mfsmountVersion: 'MFS version: 3.0.117-1 ; build: 1341' });
  });
  it('when mfsmount cannot be started then there is no version', async () => {
    expect(await readMfsmountEnvironment(runnerWith({ exitCode: undefined, spawnError: 'spawn mfsmount ENOENT' }))).toEqual({});
  });
});

describe('registry', () => {
  it('when a backend is named then it is returned', () => {
    expect(getBackend('lizardfs').name).toBe('lizardfs');
  });
  it('when an unknown backend is named then the usage error lists the known ones', () => {
    expect(() => parseBackendName('nfs')).toThrow('unknown backend "nfs": expected one of glusterfs, moosefs, lizardfs');
  });
});
