// coreutils error texts (still read by src/mount/path-check.ts) and the errno classes of the probe
import { describe, expect, it } from 'vitest';
import { classifyErrno } from '../../../src/probes/classify.js';
import { parseToolErrors } from '../../../src/probes/errno-text.js';

// stderr lines as coreutils 9.1 printed them on a GlusterFS mount whose client was killed (LC_ALL=C)
const DEAD_CLIENT = {
  stat: "stat: cannot statx '/mnt/data/.ha-mount-lookup-ab12': Transport endpoint is not connected",
  dd: "dd: failed to open '/mnt/data/.ha-mount/client1/probe': Transport endpoint is not connected",
  cat: 'cat: /mnt/data/.ha-mount/client1/probe: Transport endpoint is not connected',
  mkdir: "mkdir: cannot create directory '/mnt/data/x': Transport endpoint is not connected",
};

describe('parseToolErrors', () => {
  it.each(Object.entries(DEAD_CLIENT))('when %s reports a dead client then the errno is ENOTCONN with the path', (_tool, line) => {
    const [error] = parseToolErrors(line);
    expect(error?.errno).toBe('ENOTCONN');
    expect(error?.path).toMatch(/^\/mnt\/data\//);
  });

  it.each([
    ["dd: error writing '/m/p': No space left on device", 'ENOSPC'],
    ["dd: failed to open '/m/p': Read-only file system", 'EROFS'],
    ["dd: fsync failed for '/m/p': Disk quota exceeded", 'EDQUOT'],
    ["stat: cannot statx '/m/x': Stale file handle", 'ESTALE'],
    ["stat: cannot statx '/m/x': Input/output error", 'EIO'],
    ["stat: cannot statx '/m/x': No such device", 'ENODEV'],
    ["stat: cannot statx '/m/x': Host is down", 'EHOSTDOWN'],
    ["stat: cannot statx '/m/x': Something new", 'EUNKNOWN'],
  ])('when the line is %j then the errno is %s', (line, errno) => {
    expect(parseToolErrors(line)[0]?.errno).toBe(errno);
  });

  it('when stderr holds no error line then nothing is parsed', () => {
    expect(parseToolErrors('')).toEqual([]);
    expect(parseToolErrors('0+1 records in')).toEqual([]);
  });
});

describe('classifyErrno', () => {
  it.each([
    ['ENOENT', 'answers'],
    ['ENOSPC', 'soft'],
    ['EROFS', 'soft'],
    ['EDQUOT', 'soft'],
    ['ENOTCONN', 'hard'],
    ['ESTALE', 'hard'],
    ['ENODEV', 'hard'],
    ['EIO', 'bad'],
    ['EHOSTDOWN', 'bad'],
    ['EUNKNOWN', 'bad'],
  ])('when the errno is %s then it reads %s', (errno, expected) => {
    expect(classifyErrno(errno)).toBe(expected);
  });
});

