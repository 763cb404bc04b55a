import { describe, expect, it } from 'vitest';
import { checkMountpoint } from '../../../src/mount/preflight.js';
import { makeSpec } from '../backends/spec-fixture.js';

const directory = { isDirectory: () => true };

describe('checkMountpoint', () => {
  it('when the mountpoint is reached through a symbolic link then it asks for the real path', async () => {
    const deps = { stat: async () => directory, realpath: async () => '/srv/data' };
    await expect(checkMountpoint(makeSpec({ mountpoint: '/data' }), [], deps)).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('resolves to /srv/data') });
  });
  it('when the path is real then it passes', async () => {
    const deps = { stat: async () => directory, realpath: async (path: string) => path };
    await expect(checkMountpoint(makeSpec({ mountpoint: '/data' }), [], deps)).resolves.toBeUndefined();
  });
  it('when a part of the path is not a directory then it says so', async () => {
    const deps = { stat: async () => Promise.reject(Object.assign(new Error('ENOTDIR'), { code: 'ENOTDIR' })) };
    await expect(checkMountpoint(makeSpec({ mountpoint: '/etc/passwd/x' }), [], deps)).rejects.toMatchObject({ code: 'ha-mount.mountpoint.not-directory' });
  });
});
