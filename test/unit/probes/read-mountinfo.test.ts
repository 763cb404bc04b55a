import { describe, expect, it } from 'vitest';
import { readMountInfo } from '../../../src/mount/mountinfo.js';

describe('readMountInfo', () => {
  it('when the mount table has not changed then the same frozen parse is returned, without parsing again', () => {
    const first = readMountInfo();
    const second = readMountInfo();
    expect(first.length).toBeGreaterThan(0);
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first.some((entry) => entry.mountpoint === '/')).toBe(true);
  });
});
