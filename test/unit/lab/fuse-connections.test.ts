import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fuseConnectionId, fuseConnectionsAt, selectStuckConnections } from '../../../src/lab/fuse-connections.js';

// three mounts as /proc/self/mountinfo lists them: GlusterFS and MooseFS (FUSE), and ext4
const MOUNTINFO = [
  '36 25 0:47 / /tmp/lab/bench/moosefs-plain rw,relatime shared:1 - fuse mfs#10.0.0.20:9421 rw,user_id=0,group_id=0',
  '37 25 0:52 / /tmp/lab/bench/glusterfs-ha-mount rw,relatime shared:2 - fuse.glusterfs 10.0.0.10:/rep_vol1 rw,user_id=0',
  '38 37 0:53 / /tmp/lab/bench/glusterfs-ha-mount rw,relatime shared:3 - fuse.glusterfs 10.0.0.11:/rep_vol1 rw,user_id=0',
  '39 25 8:1 / /srv rw,relatime shared:4 - ext4 /dev/sda1 rw',
].join('\n');

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A fake fusectl folder: one subfolder per connection with its `waiting` count. */
function fusectl(connections: Record<string, number>): string {
  dir = mkdtempSync(join(tmpdir(), 'fusectl-'));
  for (const [id, waiting] of Object.entries(connections)) {
    mkdirSync(join(dir, id));
    writeFileSync(join(dir, id, 'waiting'), `${waiting}\n`);
  }
  return dir;
}

describe('FUSE connection ids', () => {
  it('when a mount is FUSE then its connection id is the minor of its anonymous device, and other mounts have none', () => {
    expect(fuseConnectionId({ device: '0:47', fstype: 'fuse' })).toBe('47');
    expect(fuseConnectionId({ device: '0:52', fstype: 'fuse.glusterfs' })).toBe('52');
    expect(fuseConnectionId({ device: '8:1', fstype: 'ext4' })).toBeUndefined();
    expect(fuseConnectionId({ device: '8:1', fstype: 'fuse' })).toBeUndefined();
    expect(fuseConnectionId({ device: '0:47', fstype: 'fusectl' })).toBeUndefined();
  });

  it('when two mounts are stacked on one mountpoint then both connections are listed', () => {
    expect(fuseConnectionsAt('/tmp/lab/bench/glusterfs-ha-mount', MOUNTINFO)).toEqual(['52', '53']);
    expect(fuseConnectionsAt('/srv', MOUNTINFO)).toEqual([]);
    expect(fuseConnectionsAt('/nowhere', MOUNTINFO)).toEqual([]);
  });
});

describe('stuck connections', () => {
  it('when a connection is gone, idle or still mounted then it is left alone; only an unmounted one with a request waiting is chosen', () => {
    const folder = fusectl({ '47': 1, '60': 1, '61': 0 });
    // 47 is mounted (a reused id), 60 waits and is not mounted, 61 is idle, 62 is gone
    expect(selectStuckConnections(['47', '60', '61', '62'], folder, MOUNTINFO)).toEqual(['60']);
  });
});
