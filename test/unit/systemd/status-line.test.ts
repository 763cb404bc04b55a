import { describe, expect, it } from 'vitest';
import { formatStatusLine } from '../../../src/systemd/status-line.js';
import type { MountState } from '../../../src/types.js';

describe('formatStatusLine', () => {
  it.each<[MountState[], string]>([
    [[], 'no mounts'],
    [['healthy'], '1 mount: 1 healthy'],
    [['healthy', 'hung', 'healthy'], '3 mounts: 2 healthy, 1 hung'],
    [['failed', 'degraded', 'healthy', 'recovering'], '4 mounts: 1 healthy, 1 recovering, 1 degraded, 1 failed'],
  ])('when the states are %j then the line is %j', (states, line) => {
    expect(formatStatusLine(states)).toBe(line);
  });
});
