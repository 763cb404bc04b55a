import { describe, expect, it } from 'vitest';
import { describeEpisode, formatSummary, worstState, wrapWords, type FaultOutcome } from '../../../src/demo/summary.js';

const outcomes: FaultOutcome[] = [
  { fault: 'kill the FUSE client daemon (it leaves ENOTCONN behind)', detectedMs: 39, detectedAs: 'failed (ENOTCONN (lookup /tmp/ha-mount-lab-x/mnt/rep_vol1/.ha-mount/client))', healthyMs: 350, remounts: 1, userWriteGapMs: 115 },
  { fault: 'crash the VIP holder gfs1 (every process killed)', detectedMs: 2_000, detectedAs: 'degraded (brick rep_vol1-client-0 disconnected)', healthyMs: 13_100, remounts: 0, userWriteGapMs: 0 },
];

describe('demo words', () => {
  it('when a VIP-holder crash left the mount degraded and no user write failed then the summary says no outage', () => {
    const text = formatSummary(outcomes, 7, 80).join('\n');
    expect(text).toMatch(/2\. crash the VIP holder gfs1 \(every process killed\)\n {3}detected after 2s as degraded/);
    expect(text).toMatch(/no user write failed or\s+blocked: no outage\./);
    expect(text).toMatch(/user writes failed or blocked\s+for 115ms: the outage\./);
    expect(text).not.toMatch(/outage 1[13]/);
  });

  it.each([40, 60, 80, 120])('when the terminal is %i columns then every line fits and no word is cut', (width) => {
    const lines = formatSummary(outcomes, 7, width);
    const words = (text: string): string[] => text.split(/\s+/).filter((word) => word !== '');
    for (const line of lines) if (!line.includes('/tmp/')) expect(line.length, line).toBeLessThanOrEqual(width);
    const expectedWords = ['ENOTCONN', '(lookup', '/tmp/ha-mount-lab-x/mnt/rep_vol1/.ha-mount/client));', 'disconnected);', 'outage.'];
    for (const word of expectedWords) expect(lines.flatMap(words)).toContain(word);
  });

  it('when a word is longer than the line then it gets a line of its own, whole', () => {
    expect(wrapWords('a verylongwordthatdoesnotfit b c', 10, '  ')).toEqual(['a', '  verylongwordthatdoesnotfit', '  b c']);
    expect(wrapWords('one two three four', 9, '')).toEqual(['one two', 'three', 'four']);
  });

  it('when an episode went through failed or hung then it is I/O failed or blocked; degraded alone is not an outage', () => {
    expect(describeEpisode(worstState(['failed', 'recovering']), 350)).toBe("I/O failed for up to 350ms (agent's view)");
    expect(describeEpisode(worstState(['hung', 'degraded']), 15_300)).toBe("I/O blocked for up to 15.3s (agent's view)");
    expect(describeEpisode(worstState(['degraded']), 11_000)).toBe('degraded for 11s, I/O worked');
    expect(describeEpisode(worstState([]), 1_000)).toBe('not healthy for 1s');
  });
});
