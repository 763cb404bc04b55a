import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, type Stats } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertFoldersTrusted, findContainingMount, isNetworkMount, locatePath, openLocalFile, readLocalText, type WalkFs } from '../../../src/mount/local-path.js';
import { parseMountInfo } from '../../../src/mount/mountinfo.js';

const ENTRIES = parseMountInfo(
  ['22 1 8:1 / / rw - ext4 /dev/sda1 rw', '30 22 0:30 / /var/log rw - ext4 /dev/sda2 rw', '100 22 0:50 / /mnt/shared rw - fuse.glusterfs gfs1:/rep_vol1 rw', '101 22 0:51 / /nfs rw - nfs4 srv:/x rw'].join('\n'),
);

const dirStats = { isSymbolicLink: () => false, isDirectory: () => true, isFile: () => false } as Stats;
const fileStats = { isSymbolicLink: () => false, isDirectory: () => false, isFile: () => true } as Stats;
const linkStats = { isSymbolicLink: () => true, isDirectory: () => false, isFile: () => false } as Stats;

/** A tree of folders, files and symlinks; records every lstat, as each one would touch the path. */
function fakeTree(tree: Record<string, 'dir' | 'file' | string>): WalkFs & { touched: string[] } {
  const touched: string[] = [];
  return {
    touched,
    lstat: (path) => {
      touched.push(path);
      const node = tree[path];
      if (node === undefined) return undefined;
      return node === 'dir' ? dirStats : node === 'file' ? fileStats : linkStats;
    },
    readlink: (path) => tree[path] ?? '',
  };
}

describe('locatePath', () => {
  it('when the path is below a FUSE mount then it is reported and nothing at or below the mount is touched', () => {
    const fs = fakeTree({ '/': 'dir', '/mnt': 'dir' });
    const place = locatePath('/mnt/shared/logs/client.log', ENTRIES, fs);
    expect(place).toMatchObject({ kind: 'network', path: '/mnt/shared', mount: { fstype: 'fuse.glusterfs' } });
    expect(fs.touched.filter((path) => path.startsWith('/mnt/shared'))).toEqual([]);
  });
  it('when a symlink on the way points into an NFS mount then it is reported before the link is followed', () => {
    const fs = fakeTree({ '/': 'dir', '/var': 'dir', '/var/log': 'dir', '/var/log/glusterfs': '/nfs/logs' });
    const place = locatePath('/var/log/glusterfs/mnt.log', ENTRIES, fs);
    expect(place).toMatchObject({ kind: 'network', path: '/nfs', mount: { fstype: 'nfs4' } });
    expect(fs.touched.filter((path) => path.startsWith('/nfs'))).toEqual([]);
  });
  it('when the path is local then its real path and the folders looked up in are given', () => {
    const fs = fakeTree({ '/': 'dir', '/var': 'dir', '/var/log': 'dir', '/var/log/gl': 'dir', '/var/log/glusterfs': 'gl', '/var/log/gl/mnt.log': 'file' });
    const place = locatePath('/var/log/glusterfs/../glusterfs/mnt.log', ENTRIES, fs);
    expect(place).toMatchObject({ kind: 'local', path: '/var/log/gl/mnt.log' });
    expect(place.kind === 'local' && place.folders.map((folder) => folder.path)).toEqual(['/', '/var', '/var/log', '/var/log/gl', '/var/log/gl']);
  });
  it('when symlinks loop then it stops with ELOOP', () => {
    const fs = fakeTree({ '/': 'dir', '/a': '/b', '/b': '/a' });
    expect(() => locatePath('/a/x', ENTRIES, fs)).toThrow(/ELOOP/);
  });
});

describe('mount classification', () => {
  it('when a mount is FUSE or a network filesystem then it is one to stay out of', () => {
    expect(['fuse.glusterfs', 'fuse', 'fuseblk', 'nfs', 'nfs4', 'cifs', 'ceph'].every((fstype) => isNetworkMount({ fstype }))).toBe(true);
    expect(['ext4', 'xfs', 'tmpfs', 'proc'].some((fstype) => isNetworkMount({ fstype }))).toBe(false);
  });
  it('when mounts nest then the deepest one holds the path', () => {
    expect(findContainingMount(ENTRIES, '/var/log/x')?.mountpoint).toBe('/var/log');
    expect(findContainingMount(ENTRIES, '/var/logs')?.mountpoint).toBe('/');
  });
});

describe('opening local files', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('when the file is a FIFO without a writer then it is refused at once, not opened (an open would block)', () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-local-'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    expect(() => openLocalFile('the log', join(dir!, 'fifo'))).toThrow(/is a FIFO, not a regular file/);
  });
  it('when the file is reached through a symlink to a regular local file then it is read', () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-local-'));
    writeFileSync(join(dir, 'real.yaml'), 'mounts: []\n');
    symlinkSync(join(dir, 'real.yaml'), join(dir, 'link.yaml'));
    expect(readLocalText('the config', join(dir, 'link.yaml'))).toBe('mounts: []\n');
  });
  it('when a folder on the way is writable by everyone then a trusted read is refused, naming the folder', () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-local-'));
    mkdirSync(join(dir, 'open'));
    chmodSync(join(dir, 'open'), 0o777);
    writeFileSync(join(dir, 'open', 'x.log'), '');
    expect(() => openLocalFile('the log', join(dir!, 'open', 'x.log'), { trustedFolders: true })).toThrow(new RegExp(`folder ${dir}/open is writable by group or others \\(mode 777\\)`));
  });
  it('when a world-writable folder is sticky (like /tmp) then it is trusted', () => {
    const sticky = { uid: 0, mode: 0o41777 } as Stats;
    expect(() => assertFoldersTrusted('the log', '/tmp/x', [{ path: '/tmp', stats: sticky }], 0)).not.toThrow();
    expect(() => assertFoldersTrusted('the log', '/srv/x', [{ path: '/srv', stats: { uid: 1000, mode: 0o40755 } as Stats }], 0)).toThrow(/owned by uid 1000, not root/);
  });
});
