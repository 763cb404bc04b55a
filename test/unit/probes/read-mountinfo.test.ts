import { describe, expect, it } from 'vitest';
import { parseMountInfo, readMountInfo, readMountInfoText, snapshotReader } from '../../../src/mount/mountinfo.js';

describe('readMountInfo', () => {
  it('when the mount table has not changed then the same frozen parse is returned, without parsing again', () => {
    const first = readMountInfo();
    const second = readMountInfo();
    expect(first.length).toBeGreaterThan(0);
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first.some((entry) => entry.mountpoint === '/')).toBe(true);
  });

  it('when read through the kept fd again and again then it equals a fresh read of the file each time', () => {
    // other processes on this machine may mount between the two reads: a round retries until both agree
    const agreeing = (): boolean => {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const kept = readMountInfo().map((entry) => entry.mountpoint).join('\n');
        if (kept === parseMountInfo(readMountInfoText()).map((entry) => entry.mountpoint).join('\n')) return true;
      }
      return false;
    };
    for (let round = 0; round < 3; round += 1) expect(agreeing()).toBe(true);
  });
});

describe('snapshotReader', () => {
  it('when read inside around() then the first read serves all of it, and outside each read reads again', () => {
    let reads = 0;
    const table = snapshotReader(() => ++reads);
    const seen: number[] = [];
    table.around(() => {
      seen.push(table.read(), table.read());
      table.around(() => seen.push(table.read())); // nested: the same snapshot
    });
    expect(seen).toEqual([1, 1, 1]);
    expect(table.read()).toBe(2);
    expect(table.read()).toBe(3);
  });

  it('when nothing inside around() reads then nothing is read, and a throw inside still ends the snapshot', () => {
    let reads = 0;
    const table = snapshotReader(() => ++reads);
    table.around(() => undefined);
    expect(reads).toBe(0);
    expect(() => table.around(() => {
      table.read();
      throw new Error('boom');
    })).toThrow('boom');
    expect(table.read()).toBe(2);
  });
});

