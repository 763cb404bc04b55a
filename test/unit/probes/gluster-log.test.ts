import { appendFileSync, closeSync, constants, mkdtempSync, openSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { parseMountInfo } from '../../../src/mount/mountinfo.js';
import { readOwnMountInfo } from '../../../src/mount/local-path.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BrickTracker, describeDownBricks, glusterLogPath, GlusterLogReader } from '../../../src/probes/gluster-log.js';

// Lines as glusterfs 10.3's FUSE client wrote them (timestamps shortened, credentials left out).
const START = '[2026-11-21 05:16:30.988003 +0000] I [MSGID: 100030] [glusterfsd.c:2767:main] 0-/usr/sbin/glusterfs: Started running version [{arg=/usr/sbin/glusterfs}, {version=10.3}]';
const GRAPH = [
  '  1: volume rep_vol1-client-0',
  '  2:     type protocol/client',
  '  4:     option remote-host 10.0.0.11',
  '  5:     option remote-subvolume /bricks/b1',
  ' 17: end-volume',
  '[2026-11-21 05:16:31.001509 +0000] I [socket.c:833:__socket_shutdown] 0-rep_vol1-client-0: intentional socket shutdown(12)',
  ' 19: volume rep_vol1-client-1',
  ' 22:     option remote-host 10.0.0.12',
  ' 23:     option remote-subvolume /bricks/b1',
  ' 35: end-volume',
  ' 37: volume rep_vol1-replicate-0',
  ' 39:     option afr-pending-xattr rep_vol1-client-0,rep_vol1-client-1',
];
const connected = (n: number) => `[2026-11-21 05:16:31.003209 +0000] I [MSGID: 114046] [client-handshake.c:856:client_setvolume_cbk] 0-rep_vol1-client-${n}: Connected, attached to remote volume [{conn-name=rep_vol1-client-${n}}, {remote_subvol=/bricks/b1}]`;
const disconnected = (n: number) => `[2026-11-21 05:16:33.285042 +0000] I [MSGID: 114018] [client.c:2244:client_rpc_notify] 0-rep_vol1-client-${n}: disconnected from client, process will keep trying to connect glusterd until brick's port is available [{conn-name=rep_vol1-client-${n}}]`;
const pingTimeout = (n: number) => `[2026-11-21 05:17:33.000000 +0000] C [rpc-clnt-ping.c:152:rpc_clnt_ping_timer_expired] 0-rep_vol1-client-${n}: server 10.0.0.12:49152 has not responded in the last 10 seconds, disconnecting.`;

describe('BrickTracker', () => {
  it('when both bricks connected then none is down, and the graph names their hosts', () => {
    const tracker = new BrickTracker();
    tracker.feed([START, ...GRAPH, connected(0), connected(1)].join('\n'));
    expect(tracker.downBricks()).toEqual([]);
    expect(tracker.all()).toContainEqual({ name: 'rep_vol1-client-1', host: '10.0.0.12', path: '/bricks/b1', connected: true });
  });

  it('when a brick disconnects then it is down and described with its host', () => {
    const tracker = new BrickTracker();
    tracker.feed([START, ...GRAPH, connected(0), connected(1), disconnected(1)].join('\n'));
    expect(describeDownBricks(tracker.downBricks())).toBe('brick rep_vol1-client-1 (10.0.0.12:/bricks/b1) disconnected');
  });

  it('when the ping timeout expires then the brick is down, and up again after it reconnects', () => {
    const tracker = new BrickTracker();
    tracker.feed([START, ...GRAPH, connected(0), connected(1), pingTimeout(1)].join('\n'));
    expect(tracker.downBricks().map((brick) => brick.name)).toEqual(['rep_vol1-client-1']);
    tracker.feedLine(connected(1));
    expect(tracker.downBricks()).toEqual([]);
  });

  it('when a new client process starts then the old process state is forgotten', () => {
    const tracker = new BrickTracker();
    tracker.feed([START, ...GRAPH, connected(0), disconnected(1), START, ...GRAPH, connected(0), connected(1)].join('\n'));
    expect(tracker.downBricks()).toEqual([]);
  });
});

describe('GlusterLogReader', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('when lines are appended then only the new bytes are read, partial lines included later', () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-glog-'));
    const path = join(dir, 'mnt-data.log');
    writeFileSync(path, [START, ...GRAPH, connected(0), connected(1)].join('\n') + '\n');
    const reader = new GlusterLogReader(path);
    expect(reader.poll()).toEqual([]);
    const line = disconnected(1);
    appendFileSync(path, line.slice(0, 40));
    expect(reader.poll()).toEqual([]);
    appendFileSync(path, line.slice(40) + '\n');
    expect(reader.poll().map((brick) => brick.name)).toEqual(['rep_vol1-client-1']);
  });

  it('when the log is truncated then reading starts over', () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-glog-'));
    const path = join(dir, 'mnt-data.log');
    writeFileSync(path, [START, ...GRAPH, connected(0), disconnected(1)].join('\n') + '\n');
    const reader = new GlusterLogReader(path);
    expect(reader.poll()).toHaveLength(1);
    writeFileSync(path, [START, connected(1)].join('\n') + '\n');
    expect(reader.poll()).toEqual([]);
  });

  it('when the log did not grow then a poll walks no path and reads no mountinfo, until the re-open time', () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-glog-'));
    const path = join(dir, 'mnt-data.log');
    writeFileSync(path, [START, ...GRAPH, connected(0), disconnected(1)].join('\n') + '\n');
    let now = 0;
    let mountReads = 0;
    const reader = new GlusterLogReader(path, { now: () => now, reopenMs: 10_000, readMounts: () => (mountReads++, readOwnMountInfo()) });
    for (let poll = 0; poll < 5; poll += 1, now += 1_000) expect(reader.poll().map((brick) => brick.name)).toEqual(['rep_vol1-client-1']);
    expect(mountReads).toBe(1);
    appendFileSync(path, connected(1) + '\n');
    expect(reader.poll()).toEqual([]); // growth is read through the kept fd
    expect(mountReads).toBe(1);
    now = 10_000;
    reader.poll();
    expect(mountReads).toBe(2);
    reader.close();
  });

  it('when the log is rotated (renamed, a new file written) then the new file is read after the re-open time', () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-glog-'));
    const path = join(dir, 'mnt-data.log');
    writeFileSync(path, [START, ...GRAPH, connected(0), connected(1)].join('\n') + '\n');
    let now = 0;
    const reader = new GlusterLogReader(path, { now: () => now, reopenMs: 10_000 });
    expect(reader.poll()).toEqual([]);
    renameSync(path, `${path}.1`);
    writeFileSync(path, [START, ...GRAPH, connected(0), disconnected(1)].join('\n') + '\n');
    now = 9_999;
    expect(reader.poll()).toEqual([]);
    now = 10_000;
    expect(reader.poll().map((brick) => brick.name)).toEqual(['rep_vol1-client-1']);
    reader.close();
  });

  it('when the log is removed and written anew then the next poll reads the new file', () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-glog-'));
    const path = join(dir, 'mnt-data.log');
    writeFileSync(path, [START, ...GRAPH, connected(0), connected(1)].join('\n') + '\n');
    const reader = new GlusterLogReader(path, { now: () => 0 });
    expect(reader.poll()).toEqual([]);
    unlinkSync(path);
    writeFileSync(path, [START, ...GRAPH, disconnected(0), connected(1)].join('\n') + '\n');
    expect(reader.poll().map((brick) => brick.name)).toEqual(['rep_vol1-client-0']);
    reader.close();
  });

  it('when the log does not exist then no brick is down', () => {
    expect(new GlusterLogReader('/nonexistent/ha-mount.log').poll()).toEqual([]);
  });

  it('when the log path is a FIFO then poll returns at once, reads nothing, and says why once', () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-glog-'));
    const path = join(dir, 'fifo.log');
    execFileSync('mkfifo', [path]);
    // a writer holds the FIFO open with a disconnect line in it (the old reader opened it and blocked, or read it)
    const writer = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
    try {
      writeFileSync(writer, [START, ...GRAPH, disconnected(1)].join('\n') + '\n');
      const warnings: string[] = [];
      const reader = new GlusterLogReader(path, { warn: (message) => warnings.push(message) });
      expect(reader.poll()).toEqual([]);
      expect(reader.poll()).toEqual([]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/is a FIFO, not a regular file/);
    } finally {
      closeSync(writer);
    }
  });

  it('when the log lies below a FUSE mount (per mountinfo) then it is not read and that is said once', () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-glog-'));
    const path = join(dir, 'mnt-data.log');
    writeFileSync(path, [START, ...GRAPH, connected(0), disconnected(1)].join('\n') + '\n');
    const mounts = parseMountInfo(`22 1 8:1 / / rw - ext4 /dev/sda1 rw\n100 22 0:50 / ${dir} rw - fuse.glusterfs gfs1:/rep_vol1 rw\n`);
    const warnings: string[] = [];
    const reader = new GlusterLogReader(path, { warn: (message) => warnings.push(message), readMounts: () => mounts });
    expect(reader.poll()).toEqual([]);
    expect(reader.poll()).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining(`is on a fuse.glusterfs mount (${dir})`)]);
  });

  it('when the log path is a symlink to a FIFO then it is refused too', () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-glog-'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    symlinkSync(join(dir, 'fifo'), join(dir, 'mnt-data.log'));
    const writer = openSync(join(dir, 'fifo'), constants.O_RDWR | constants.O_NONBLOCK); // so that the old reader's open could not block this test
    try {
      const warnings: string[] = [];
      expect(new GlusterLogReader(join(dir, 'mnt-data.log'), { warn: (message) => warnings.push(message) }).poll()).toEqual([]);
      expect(warnings[0]).toMatch(/FIFO/);
    } finally {
      closeSync(writer);
    }
  });
});

describe('glusterLogPath', () => {
  it('when no log-file option is given then the path follows the mountpoint as measured', () => {
    expect(glusterLogPath('/tmp/h4exp/mnt', [])).toBe('/var/log/glusterfs/tmp-h4exp-mnt.log');
    expect(glusterLogPath('/mnt/data', ['ro'])).toBe('/var/log/glusterfs/mnt-data.log');
  });
  it('when log-file is given then that file is read', () => {
    expect(glusterLogPath('/mnt/data', ['log-file=/var/log/x.log'])).toBe('/var/log/x.log');
  });
});
