// `gluster volume heal VOL info` read by the bench (bench/heal.ts).
import { describe, expect, it } from 'vitest';
import { isHealClean, parseHealInfo } from '../../../bench/heal.js';

const brick = (host: string, status: string, entries: string, files: string[] = []): string =>
  [`Brick ${host}:/tmp/ha-mount-lab-x/gfs/brick`, ...files, `Status: ${status}`, `Number of entries: ${entries}`, ''].join('\n');

describe('parseHealInfo', () => {
  it('when both bricks list 0 entries then the volume is clean', () => {
    const entries = parseHealInfo(brick('10.0.0.11', 'Connected', '0') + brick('10.0.0.12', 'Connected', '0'));
    expect(entries).toEqual([0, 0]);
    expect(isHealClean(entries)).toBe(true);
  });

  it('when a brick still lists entries to heal then the volume is not clean', () => {
    const entries = parseHealInfo(brick('10.0.0.11', 'Connected', '0') + brick('10.0.0.12', 'Connected', '2', ['/bench/ha-mount/w1', '<gfid:1d6a0e2c-4b1f-4f7e-9c4e-2b6f1b0a3c11>']));
    expect(entries).toEqual([0, 2]);
    expect(isHealClean(entries)).toBe(false);
  });

  it('when a brick is not connected ("-") then its count is unknown and the volume is not clean', () => {
    const entries = parseHealInfo(brick('10.0.0.11', 'Transport endpoint is not connected', '-') + brick('10.0.0.12', 'Connected', '0'));
    expect(entries).toEqual([null, 0]);
    expect(isHealClean(entries)).toBe(false);
  });

  it('when the text lists no brick (the CLI failed) then the volume is not clean', () => {
    expect(isHealClean(parseHealInfo('Volume rep_vol1 does not exist\n'))).toBe(false);
  });
});
