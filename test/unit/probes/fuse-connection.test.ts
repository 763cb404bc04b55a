import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { abortWaitingConnection, connectionOfDevice, ensureFusectl, fuseConnectionId, isFusectlMounted, readWaiting } from '../../../src/probes/fuse-connection.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A fake fusectl folder as the kernel lays it out: one folder per connection, `waiting` and `abort` in it. */
function fusectl(connections: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'fusectl-'));
  for (const [id, waiting] of Object.entries(connections)) {
    mkdirSync(join(dir, id));
    writeFileSync(join(dir, id, 'waiting'), waiting);
    writeFileSync(join(dir, id, 'abort'), '');
  }
  return dir;
}

describe('fuse connection ids', () => {
  it('when a FUSE mount is on device 0:47 then its connection is 47, and a disk device has none', () => {
    expect(fuseConnectionId({ device: '0:47', fstype: 'fuse.glusterfs' })).toBe('47');
    expect(fuseConnectionId({ device: '0:47', fstype: 'fuse' })).toBe('47');
    expect(fuseConnectionId({ device: '0:47', fstype: 'tmpfs' })).toBeUndefined();
    expect(connectionOfDevice('8:1')).toBeUndefined();
    expect(connectionOfDevice('0:x')).toBeUndefined();
  });
});

describe('readWaiting', () => {
  it('when the kernel lists 3 waiting requests then 3 is read; a missing or garbled count is undefined', () => {
    const root = fusectl({ '47': '3\n', '48': 'lots\n' });
    expect(readWaiting('47', root)).toBe(3);
    expect(readWaiting('48', root)).toBeUndefined();
    expect(readWaiting('49', root)).toBeUndefined();
  });
});

describe('abortWaitingConnection', () => {
  it('when the connection holds requests then 1 is written to its abort file', () => {
    const root = fusectl({ '47': '2\n' });
    expect(abortWaitingConnection('47', root)).toEqual({ kind: 'aborted', waiting: 2 });
    expect(readFileSync(join(root, '47', 'abort'), 'utf8')).toBe('1');
  });

  it('when the connection holds no request then nothing is written', () => {
    const root = fusectl({ '47': '0\n' });
    expect(abortWaitingConnection('47', root)).toEqual({ kind: 'idle' });
    expect(readFileSync(join(root, '47', 'abort'), 'utf8')).toBe('');
  });

  it('when the connection is gone then it is absent, and a missing fusectl is a failure that says so', () => {
    const root = fusectl({});
    expect(abortWaitingConnection('47', root)).toEqual({ kind: 'absent' });
    expect(abortWaitingConnection('47', join(root, 'nothing'))).toMatchObject({ kind: 'failed', error: expect.stringContaining('fusectl not mounted') as unknown });
  });

  it('when the id is not a number then no path is built from it', () => {
    const root = fusectl({ '47': '1\n' });
    expect(abortWaitingConnection('../47', root)).toMatchObject({ kind: 'failed' });
    expect(readFileSync(join(root, '47', 'abort'), 'utf8')).toBe('');
  });
});

describe('ensureFusectl', () => {
  const mounts = [{ fstype: 'fusectl', mountpoint: '/x/connections' }];
  it('when fusectl is mounted then nothing runs', async () => {
    const ran: string[][] = [];
    expect(isFusectlMounted(mounts, '/x/connections')).toBe(true);
    expect(await ensureFusectl(mounts, async (command) => (ran.push(command.args), { exitCode: 0, stderr: '' }), '/x/connections')).toBe('was-mounted');
    expect(ran).toEqual([]);
  });

  it('when it is not mounted then mount -t fusectl runs with an argument array, and a failure says what failed', async () => {
    const root = fusectl({});
    const ran: string[][] = [];
    expect(await ensureFusectl([], async (command) => (ran.push([command.file, ...command.args]), { exitCode: 0, stderr: '' }), root)).toBe('mounted');
    expect(ran).toEqual([['mount', '-t', 'fusectl', 'none', root]]);
    expect(await ensureFusectl([], async () => ({ exitCode: 32, stderr: 'permission denied\n' }), root)).toEqual({ failed: `mount -t fusectl none ${root}: permission denied` });
    expect(await ensureFusectl([], async () => ({ exitCode: 0, stderr: '' }), join(root, 'nothing'))).toBe('unavailable');
  });
});
