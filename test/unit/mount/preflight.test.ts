import { describe, expect, it } from 'vitest';
import { checkMountpoint } from '../../../src/mount/preflight.js';
import { parseMountInfo } from '../../../src/mount/mountinfo.js';
import type { DirectoryCheck } from '../../../src/mount/path-check.js';
import { makeSpec } from '../backends/spec-fixture.js';

const answer = (check: DirectoryCheck) => ({ checkDirectory: async () => check });
const HUNG_ABOVE = parseMountInfo('22 1 8:1 / / rw - ext4 /dev/sda1 rw\n100 22 0:50 / /mnt/shared rw - fuse.glusterfs gfs1:/rep_vol1 rw\n');

describe('checkMountpoint', () => {
  it('when the mountpoint is reached through a symbolic link then it asks for the real path', async () => {
    await expect(checkMountpoint(makeSpec({ mountpoint: '/data' }), [], answer({ ok: true, real: '/srv/data' }))).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('resolves to /srv/data') });
  });
  it('when the path is real then it passes', async () => {
    await expect(checkMountpoint(makeSpec({ mountpoint: '/data' }), [], answer({ ok: true, real: '/data' }))).resolves.toBeUndefined();
  });
  it('when a part of the path is not a directory then it says so', async () => {
    await expect(checkMountpoint(makeSpec({ mountpoint: '/etc/passwd/x' }), [], answer({ ok: false, code: 'ENOTDIR', detail: 'Not a directory' }))).rejects.toMatchObject({ code: 'ha-mount.mountpoint.not-directory', exitCode: 1 });
  });
  it('when the check of a mountpoint below a FUSE mount gets no answer then it fails with exit 2 naming the hung mount', async () => {
    const failure = checkMountpoint(makeSpec({ mountpoint: '/mnt/shared/sub' }), HUNG_ABOVE, answer({ ok: false, code: 'ETIMEDOUT', detail: 'no answer within 5 s (the check was killed)' }));
    await expect(failure).rejects.toMatchObject({ code: 'ha-mount.mountpoint.hung', exitCode: 2, message: expect.stringContaining('fuse.glusterfs mount on /mnt/shared above it is probably hung') });
  });
  it('when something is already mounted there then the mountpoint is never checked', async () => {
    let checked = 0;
    const deps = { checkDirectory: async (): Promise<DirectoryCheck> => ((checked += 1), { ok: true, real: '/mnt/shared' }) };
    await expect(checkMountpoint(makeSpec({ mountpoint: '/mnt/shared' }), HUNG_ABOVE, deps)).rejects.toMatchObject({ exitCode: 32 });
    expect(checked).toBe(0);
  });
});
