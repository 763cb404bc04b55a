import { describe, expect, it } from 'vitest';
import { classifyErrno } from '../../../src/probes/classify.js';
import { parseToolErrors } from '../../../src/probes/errno-text.js';
import { buildProbePaths, buildStatCommand, decideAfterStat, parseStatOutput, resultFromToolFailure } from '../../../src/probes/probe-plan.js';

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

describe('the stat step', () => {
  const target = { mountpoint: '/mnt/data', device: '0:40', write: true, host: 'client1' };
  const paths = buildProbePaths(target, 'ab12');
  const statLine = (path: string, device = '0:40') => `${device}\t${path}\n`;
  const enoent = (path: string) => `stat: cannot statx '${path}': No such file or directory\n`;

  it('when the probe file went bad then a later generation writes a fresh file beside it', () => {
    expect(buildProbePaths({ ...target, fileGeneration: 2 }, 'ab12').file).toBe('/mnt/data/.ha-mount/client1/probe-6faba07f33e6-2');
  });
  it('when two mounts of one volume share a host then their probe files differ (they would read back each other\'s token)', () => {
    const other = buildProbePaths({ ...target, mountpoint: '/mnt/data2' }, 'ab12');
    expect(paths.file).toBe('/mnt/data/.ha-mount/client1/probe-6faba07f33e6');
    expect(other.file.split('/').pop()).not.toBe(paths.file.split('/').pop());
  });
  it('when the write probe is on then one stat asks for the mountpoint, both folders and the random name', () => {
    expect(buildStatCommand(paths, true).args.slice(-4)).toEqual(['/mnt/data', '/mnt/data/.ha-mount', '/mnt/data/.ha-mount/client1', '/mnt/data/.ha-mount-lookup-ab12']);
    expect(buildStatCommand(paths, false).args.slice(-1)).toEqual(['/mnt/data/.ha-mount-lookup-ab12']);
  });

  it('when everything is on the mount and the random name is missing then the probe writes', () => {
    const stdout = statLine(paths.mountpoint) + statLine(paths.folder) + statLine(paths.hostFolder);
    expect(decideAfterStat(parseStatOutput(stdout, enoent(paths.lookup)), paths, target, false)).toEqual({ next: 'write' });
  });

  it('when the probe folders are missing but the mountpoint is on the mount then they are created first', () => {
    const report = parseStatOutput(statLine(paths.mountpoint), enoent(paths.folder) + enoent(paths.hostFolder) + enoent(paths.lookup));
    expect(decideAfterStat(report, paths, target, false)).toEqual({ next: 'mkdir' });
    expect(decideAfterStat(report, paths, target, true)).toMatchObject({ next: 'done', result: { verdict: 'bad' } });
  });

  it('when the mount vanished and the mountpoint is on the local disk then nothing is created or written', () => {
    const report = parseStatOutput(statLine(paths.mountpoint, '254:0'), enoent(paths.folder) + enoent(paths.hostFolder) + enoent(paths.lookup));
    expect(decideAfterStat(report, paths, target, false)).toMatchObject({ next: 'done', result: { verdict: 'unsafe' } });
  });

  it('when a probe folder is on another device than the mount then nothing is written', () => {
    const stdout = statLine(paths.mountpoint) + statLine(paths.folder, '254:0') + statLine(paths.hostFolder, '254:0');
    expect(decideAfterStat(parseStatOutput(stdout, enoent(paths.lookup)), paths, target, false)).toMatchObject({ next: 'done', result: { verdict: 'unsafe' } });
  });

  it('when the lookup of the random name gives ENOTCONN (root attributes still cached) then the probe is hard-failed', () => {
    const stdout = statLine(paths.mountpoint) + statLine(paths.folder) + statLine(paths.hostFolder);
    const stderr = `stat: cannot statx '${paths.lookup}': Transport endpoint is not connected\n`;
    expect(decideAfterStat(parseStatOutput(stdout, stderr), paths, target, false)).toMatchObject({ next: 'done', result: { verdict: 'hard', errno: 'ENOTCONN', step: 'lookup' } });
  });

  it('when only the lookup runs and it answers ENOENT then the probe is ok', () => {
    const lookupOnly = { ...target, write: false };
    expect(decideAfterStat(parseStatOutput('', enoent(paths.lookup)), paths, lookupOnly, false)).toMatchObject({ next: 'done', result: { verdict: 'ok' } });
  });

  it('when dd fails with ENOSPC then the probe is soft (degraded, not failed)', () => {
    expect(resultFromToolFailure('write', "dd: error writing '/mnt/data/.ha-mount/client1/probe': No space left on device", paths.file)).toMatchObject({ verdict: 'soft', errno: 'ENOSPC', step: 'write' });
  });
});
