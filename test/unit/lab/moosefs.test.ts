import { describe, expect, it } from 'vitest';
import { hasChunkserverRegistered, mfsmountCommand, readMfsUser, renderExports, renderMooseConfig } from '../../../src/lab/moosefs.js';

describe('MooseFS config text', () => {
  it('when a config is rendered then every entry is a KEY = value line', () => {
    const text = renderMooseConfig('lab', { DATA_PATH: '/tmp/x/master', MASTER_HOST: '10.213.57.20', MASTER_RECONNECTION_DELAY: 1 });
    expect(text).toBe('# lab\nDATA_PATH = /tmp/x/master\nMASTER_HOST = 10.213.57.20\nMASTER_RECONNECTION_DELAY = 1\n');
  });

  it('when exports are rendered then every lab client may mount the whole tree read-write as root', () => {
    expect(renderExports()).toMatch(/^\* \/ rw,alldirs,admin,maproot=0:0$/m);
  });

  it('when the mount command is built then it is an argument array for mfsmount', () => {
    expect(mfsmountCommand('/tmp/m', '10.213.57.20')).toEqual({ file: 'mfsmount', args: ['/tmp/m', '-H', '10.213.57.20'] });
  });
});

describe('readMfsUser', () => {
  it('when /etc/passwd has the mfs user then its ids are read', () => {
    expect(readMfsUser('root:x:0:0::/root:/bin/bash\nmfs:x:420:421::/var/lib/mfs:/usr/sbin/nologin\n')).toEqual({ uid: 420, gid: 421 });
  });

  it('when the mfs user is missing then the error says which package creates it', () => {
    expect(() => readMfsUser('root:x:0:0::/root:/bin/bash\n')).toThrow(/moosefs/);
  });
});

describe('hasChunkserverRegistered', () => {
  const log = [
    'mfsmaster-hm0ff3-mfsB[9645]: chunkserver register begin (packet version: 6) - ip: 10.213.222.31 / port: 9422, usedspace: 1 (0.00 GiB), totalspace: 2 (0.00 GiB)',
    'mfsmaster-hm0ff3-mfsB[9645]: chunkserver register end (packet version: 6) - ip: 10.213.222.32 / port: 9422',
  ].join('\n');

  it('when the master logged the end of a registration then that chunkserver counts, and one only begun does not', () => {
    expect(hasChunkserverRegistered(log, '10.213.222.32')).toBe(true);
    expect(hasChunkserverRegistered(log, '10.213.222.31')).toBe(false);
    expect(hasChunkserverRegistered(log, '10.213.222.3')).toBe(false);
  });
});
