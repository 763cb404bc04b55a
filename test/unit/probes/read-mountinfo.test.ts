import { describe, expect, it } from 'vitest';
import { createMountTableReader, parseMountInfo, readMountInfo, readMountInfoText } from '../../../src/mount/mountinfo.js';

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

describe('createMountTableReader', () => {
  const table = (mountpoint: string): Buffer => Buffer.from(`36 35 98:0 / ${mountpoint} rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n`);

  it('when a read at most maxAgeMs old exists then it is returned without reading; otherwise, and with no maxAgeMs, the table is read now', () => {
    let bytes = table('/a');
    let reads = 0;
    let now = 1_000;
    const read = createMountTableReader(() => (reads++, bytes), () => now);
    expect(read(50).map((entry) => entry.mountpoint)).toEqual(['/a']);
    bytes = table('/b');
    now += 50;
    expect(read(50).map((entry) => entry.mountpoint)).toEqual(['/a']); // shared: the tick 50 ms later
    expect(reads).toBe(1);
    expect(read().map((entry) => entry.mountpoint)).toEqual(['/b']); // a fresh read always reads
    now += 51;
    bytes = table('/c');
    expect(read(50).map((entry) => entry.mountpoint)).toEqual(['/c']); // too old: read again
    expect(reads).toBe(3);
  });

  it('when the bytes did not change then the same frozen parse is returned and its age starts again', () => {
    let now = 0;
    const bytes = table('/a');
    const read = createMountTableReader(() => bytes, () => now);
    const first = read();
    now = 100;
    expect(read()).toBe(first);
    now = 140;
    expect(read(50)).toBe(first);
  });
});
