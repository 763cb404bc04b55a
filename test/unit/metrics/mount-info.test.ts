import { describe, expect, it } from 'vitest';
import { describeMountSpec } from '../../../src/metrics/mount-info.js';

describe('describeMountSpec', () => {
  it('when a GlusterFS mount is described then the volume is its volume and the servers keep their order and ports', () => {
    expect(describeMountSpec({ backend: 'glusterfs', volume: 'rep_vol1', servers: [{ host: '10.0.0.10' }, { host: 'gfs2', port: 24008 }] })).toEqual({
      backend: 'glusterfs',
      volume: 'rep_vol1',
      servers: '10.0.0.10,gfs2:24008',
    });
  });

  it('when a MooseFS mount has no volume then the first server (master or VIP) names the filesystem', () => {
    expect(describeMountSpec({ backend: 'moosefs', volume: '', servers: [{ host: 'mfs-vip', port: 9421 }, { host: 'mfsB' }] })).toEqual({
      backend: 'moosefs',
      volume: 'mfs-vip:9421',
      servers: 'mfs-vip:9421,mfsB',
    });
  });
});
