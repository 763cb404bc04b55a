// The lab writer's analyser (src/lab/writer-analysis.ts), here beside the probes it checks.
import { describe, expect, it } from 'vitest';
import { analyzeWrites, measureRecoveryAfter, parseWriteRecords, type WriteRecord } from '../../../src/lab/writer-analysis.js';

const good = (t: number, latencyMs = 5): WriteRecord => ({ t, ok: true, latencyMs });
const failed = (t: number, errno = 'ENOTCONN'): WriteRecord => ({ t, ok: false, errno, latencyMs: 1 });

describe('analyzeWrites', () => {
  it('when a few writes fail then one window spans from the first failure to the end of the next good write', () => {
    const analysis = analyzeWrites([good(0), good(50), failed(100), failed(150, 'ENOENT'), good(200), good(250)], 1_000);
    expect(analysis.windows).toEqual([{ start: 100, end: 205, durationMs: 105, failed: 2, blocked: 0, errnos: ['ENOTCONN', 'ENOENT'], recovered: true }]);
    expect(analysis).toMatchObject({ total: 6, ok: 4, failed: 2, longestWindowMs: 105 });
  });

  it('when a write blocks longer than the threshold then it counts as a window even though it succeeded', () => {
    const analysis = analyzeWrites([good(0), good(50, 8_000), good(8_100)], 1_000);
    expect(analysis.windows[0]).toMatchObject({ start: 50, blocked: 1, failed: 0, end: 8_105 });
    expect(analysis.maxLatencyMs).toBe(8_000);
  });

  it('when the run ends inside a window then the window is not recovered', () => {
    expect(analyzeWrites([good(0), failed(50)], 1_000).windows[0]?.recovered).toBe(false);
  });

  it('when the writer is stopped during a quick write then that pending write is no failure', () => {
    expect(analyzeWrites([good(0), { t: 50, ok: false, errno: 'PENDING', latencyMs: 2 }], 1_000)).toMatchObject({ failed: 0, windows: [] });
    expect(analyzeWrites([good(0), { t: 50, ok: false, errno: 'PENDING', latencyMs: 9_000 }], 1_000).windows).toHaveLength(1);
  });

  it('when every write works then there is no window', () => {
    expect(analyzeWrites([good(0), good(50)], 1_000)).toMatchObject({ windows: [], longestWindowMs: 0 });
  });
});

describe('measureRecoveryAfter', () => {
  it('when writes fail after a fault then recovery is the end of the first good write after the last failure', () => {
    expect(measureRecoveryAfter([good(0), failed(120), failed(170), good(220, 10), good(270)], 100, 1_000)).toBe(130);
  });
  it('when a second fault follows then only the first bad stretch counts', () => {
    expect(measureRecoveryAfter([good(0), failed(120), good(170, 10), good(220), failed(900), good(950)], 100, 1_000)).toBe(80);
  });
  it('when writes never work again then it is undefined', () => {
    expect(measureRecoveryAfter([good(0), failed(120)], 100, 1_000)).toBeUndefined();
  });
});

describe('parseWriteRecords', () => {
  it('when the last line is torn then it is skipped', () => {
    expect(parseWriteRecords('{"t":1,"ok":true,"latencyMs":2}\n{"t":2,"ok":fa')).toEqual([{ t: 1, ok: true, latencyMs: 2 }]);
  });
});
