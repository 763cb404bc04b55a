import { describe, expect, it } from 'vitest';
import { parseErrnoText } from '../../../src/lab/client-io.js';
import { describeFailure, waitFor } from '../../../src/lab/lab-error.js';

describe('parseErrnoText', () => {
  it('when a coreutils message carries an strerror text then its errno name comes out', () => {
    expect(parseErrnoText("stat: cannot statx '/m': Transport endpoint is not connected")).toBe('ENOTCONN');
    expect(parseErrnoText("dd: failed to open '/m/x': No space left on device")).toBe('ENOSPC');
    expect(parseErrnoText("dd: fsync failed for '/m/x': Read-only file system")).toBe('EROFS');
    expect(parseErrnoText('something else')).toBeUndefined();
  });
});

describe('lab errors', () => {
  it('when a command fails then the message carries its status and last output lines', () => {
    const text = describeFailure({ exitCode: 1, signal: undefined, stdout: '', stderr: 'a\nb\nc\nd', timedOut: false, durationMs: 5 });
    expect(text).toBe('exit 1: b | c | d');
  });

  it('when a wait runs out then the error names what did not come up and where to look', async () => {
    await expect(waitFor('glusterd on gfs1', () => false, { timeoutMs: 30, intervalMs: 10, hint: 'see gfs1/log' })).rejects.toThrow(/glusterd on gfs1: not ready after .* s; see gfs1\/log/);
  });

  it('when the wait is aborted then it stops at once as interrupted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(waitFor('x', () => false, { timeoutMs: 10_000, signal: controller.signal })).rejects.toMatchObject({ code: 'ha-mount.lab.interrupted' });
  });
});
