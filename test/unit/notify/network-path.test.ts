// issue 15 item 4: a hook script, password or CA file on a network mount is refused from mountinfo, never stat()ed
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMountInfo } from '../../../src/mount/mountinfo.js';
import { describeNetworkPath } from '../../../src/notify/script-security.js';

const folder = mkdtempSync(join(tmpdir(), 'ha-mount-netpath-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const role = { what: 'the script', risk: 'change what ha-mount runs as root' };

// a mountinfo that says a GlusterFS volume is mounted at <folder>/gv: the folder itself is never created,
// so any lstat() of it would say ENOENT instead of the refusal below
const entries = parseMountInfo(
  [
    '22 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
    `50 22 0:43 / ${folder}/gv rw,relatime - fuse.glusterfs 10.0.0.10:/rep_vol1 rw,user_id=0,group_id=0`,
  ].join('\n'),
);

describe('describeNetworkPath', () => {
  it('when the file is below a FUSE mount then it is refused, naming the mount, without touching it', () => {
    expect(describeNetworkPath(`${folder}/gv/hooks/notify.sh`, role, entries)).toMatch(/the script .*\/gv\/hooks\/notify\.sh is on a fuse\.glusterfs mount .*put it on a local filesystem/);
  });

  it('when the file is on the local disk then there is nothing to say', () => {
    expect(describeNetworkPath(`${folder}/notify.sh`, role, entries)).toBeUndefined();
  });
});
