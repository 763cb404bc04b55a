import { describe, expect, it } from 'vitest';
import { findLizardInstall, lizardMasterArgs, renderLizardExports, renderLizardMasterConfig } from '../../../src/lab/lizardfs.js';

describe('findLizardInstall', () => {
  it('when HA_MOUNT_LIZARDFS_PREFIX is not set then the tests skip with the reason (not packaged for Debian 12)', () => {
    const lookup = findLizardInstall({}, () => true);
    expect(lookup).toMatchObject({ ok: false, reason: expect.stringMatching(/^no LizardFS installation given: LizardFS is not packaged for Debian 12; set HA_MOUNT_LIZARDFS_PREFIX/) });
  });
  it('when the prefix holds the three programs then their paths and the bin folder for PATH are returned', () => {
    expect(findLizardInstall({ HA_MOUNT_LIZARDFS_PREFIX: '/opt/lizardfs/' }, () => true)).toEqual({
      ok: true,
      install: { prefix: '/opt/lizardfs', mfsmaster: '/opt/lizardfs/sbin/mfsmaster', mfschunkserver: '/opt/lizardfs/sbin/mfschunkserver', mfsmount: '/opt/lizardfs/bin/mfsmount', binDir: '/opt/lizardfs/bin' },
    });
  });
  it('when a program is missing or the prefix is relative or holds a colon then it says which', () => {
    expect(findLizardInstall({ HA_MOUNT_LIZARDFS_PREFIX: '/opt/l' }, (path) => !path.endsWith('mfschunkserver'))).toMatchObject({ ok: false, reason: expect.stringContaining('/opt/l/sbin/mfschunkserver missing or not executable') });
    expect(findLizardInstall({ HA_MOUNT_LIZARDFS_PREFIX: 'opt/l' }, () => true)).toMatchObject({ ok: false, reason: expect.stringContaining('expected an absolute path') });
    expect(findLizardInstall({ HA_MOUNT_LIZARDFS_PREFIX: '/a:/b' }, () => true)).toMatchObject({ ok: false });
  });
});

describe('LizardFS daemons as the lab runs them', () => {
  it('when the shadow is promoted then mfsmaster runs as keepalived notify scripts run it, in the foreground', () => {
    expect(lizardMasterArgs('/etc/m.cfg', 'master', true)).toEqual(['-d', '-c', '/etc/m.cfg', '-o', 'ha-cluster-managed', '-o', 'initial-personality=master', '-o', 'auto-recovery', 'restart']);
    expect(lizardMasterArgs('/etc/m.cfg', 'shadow')).toEqual(['-d', '-c', '/etc/m.cfg', '-o', 'ha-cluster-managed', '-o', 'initial-personality=shadow']);
  });
  it('when a master config is rendered then it is ha-cluster-managed and follows the master at the VIP on 9419', () => {
    const text = renderLizardMasterConfig('lab', '/d/master', '/etc/lab', '10.0.0.20');
    expect(text).toContain('PERSONALITY = ha-cluster-managed\n');
    expect(text).toContain('MASTER_HOST = 10.0.0.20\nMASTER_PORT = 9419\n');
    expect(text).toContain('DATA_PATH = /d/master\n');
  });
  it('when the exports are rendered then MooseFS\'s admin option is left out', () => {
    expect(renderLizardExports()).not.toContain('admin');
    expect(renderLizardExports()).toContain('* / rw,alldirs,maproot=0\n');
  });
});
