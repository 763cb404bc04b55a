import { describe, expect, it } from 'vitest';
import { glusterClientLogName, selectGlusterClientLogs, selectMountsUnder } from '../../../src/lab/cleanup.js';

const line = (id: number, mountpoint: string, type = 'fuse.glusterfs'): string => `${id} 1 0:50 / ${mountpoint} rw,relatime shared:1 - ${type} src rw`;

describe('selectMountsUnder', () => {
  it('when mounts sit below the run folder then they come out deepest first, and nothing else does', () => {
    const mountinfo = [
      line(1, '/'),
      line(2, '/tmp/ha-mount-lab-hm1'),
      line(3, '/tmp/ha-mount-lab-hm1/ns', 'ext4'),
      line(4, '/tmp/ha-mount-lab-hm1/ns/gfs1-mnt', 'nsfs'),
      line(5, '/tmp/ha-mount-lab-hm1/mnt/g'),
      line(6, '/tmp/ha-mount-lab-hm12/mnt/g'),
      line(7, '/tmp/other'),
    ].join('\n');
    expect(selectMountsUnder(mountinfo, '/tmp/ha-mount-lab-hm1')).toEqual([
      '/tmp/ha-mount-lab-hm1/ns/gfs1-mnt',
      '/tmp/ha-mount-lab-hm1/mnt/g',
      '/tmp/ha-mount-lab-hm1/ns',
      '/tmp/ha-mount-lab-hm1',
    ]);
  });

  it('when a mountpoint holds a space then the kernel escape is undone', () => {
    expect(selectMountsUnder(line(1, '/tmp/ha-mount-lab-hm1/a\\040b'), '/tmp/ha-mount-lab-hm1')).toEqual(['/tmp/ha-mount-lab-hm1/a b']);
  });
});

describe('GlusterFS client logs', () => {
  it('when a mountpoint is named then its log name follows the client rule', () => {
    expect(glusterClientLogName('/tmp/ha-mount-lab-hm1/mnt/g')).toBe('tmp-ha-mount-lab-hm1-mnt-g.log');
  });

  it('when logs are selected then only those of mountpoints under the run folder are', () => {
    const names = ['tmp-ha-mount-lab-hm1-mnt-g.log', 'tmp-ha-mount-lab-hm12-mnt-g.log', 'glusterd.log', 'tmp-ha-mount-lab-hm1-mnt-g.log.1', 'mnt-data.log'];
    expect(selectGlusterClientLogs(names, '/tmp/ha-mount-lab-hm1')).toEqual(['tmp-ha-mount-lab-hm1-mnt-g.log']);
  });
});
