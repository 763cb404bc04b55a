// The words the demo prints once it is done, and the words for an episode away from healthy. Pure.
// "Outage" is kept for time when the user's I/O failed or blocked: the user's own writer measures
// it; the agent's clock only says how long the mount was not healthy, and a degraded mount works.
import { formatDuration } from '../config/duration.js';
import type { MountState } from '../types.js';

/** What one scripted fault did, as the summary shows it. */
export interface FaultOutcome {
  fault: string;
  /** first transition after the fault, ms after it was injected */
  detectedMs?: number;
  detectedAs?: string;
  /** back to healthy, ms after the fault (or after the heal, for faults that need one) */
  healthyMs?: number;
  remounts: number;
  /** the longest run of failed or blocked writes of the user's own writer */
  userWriteGapMs?: number;
}

/** States in which the user's I/O fails (failed, and recovering from it) or blocks (hung). */
const OUT: ReadonlySet<MountState> = new Set(['failed', 'recovering', 'hung']);

/**
 * The worst state of an episode, for its words: failed and hung beat degraded, which beats
 * starting. `states` are the states the mount passed through since it was last healthy.
 */
export function worstState(states: readonly MountState[]): MountState | undefined {
  return states.find((state) => state === 'failed' || state === 'hung') ?? states.find((state) => OUT.has(state)) ?? states.find((state) => state === 'degraded') ?? states[0];
}

/** The agent's time away from healthy, in words that match what the user saw during it. */
export function describeEpisode(worst: MountState | undefined, ms: number): string {
  const lasted = formatDuration(ms);
  if (worst !== undefined && OUT.has(worst)) return `${worst === 'hung' ? 'I/O blocked' : 'I/O failed'} for up to ${lasted} (agent's view)`;
  if (worst === 'degraded') return `degraded for ${lasted}, I/O worked`;
  return `not healthy for ${lasted}`;
}

/**
 * Breaks `text` into lines of at most `width` characters at spaces, the first indented by
 * `firstIndent`, the others by `indent`. Words are never cut: one longer than the line gets a line of its own.
 */
export function wrapWords(text: string, width: number, indent = '', firstIndent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((part) => part !== '')) {
    const prefix = lines.length === 0 ? firstIndent : indent;
    if (line !== '' && prefix.length + line.length + 1 + word.length > width) {
      lines.push(`${prefix}${line}`);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(`${lines.length === 0 ? firstIndent : indent}${line}`);
  return lines;
}

/** The summary, wrapped to `width` columns (the terminal's, or 80). */
export function formatSummary(outcomes: readonly FaultOutcome[], mails: number, width: number): string[] {
  const lines = ['', ...wrapWords('SUMMARY (times from the moment the fault was injected)', width)];
  outcomes.forEach((outcome, index) => {
    const detected = outcome.detectedMs === undefined ? 'not detected' : `detected after ${formatDuration(outcome.detectedMs)} as ${outcome.detectedAs ?? '-'}`;
    const healthy = outcome.healthyMs === undefined ? 'not healthy again' : `healthy after ${formatDuration(outcome.healthyMs)}`;
    const gap = outcome.userWriteGapMs ?? 0;
    const user = gap > 0 ? `user writes failed or blocked for ${formatDuration(gap)}: the outage` : 'no user write failed or blocked: no outage';
    lines.push(...wrapWords(`${index + 1}. ${outcome.fault}`, width, '   '));
    lines.push(...wrapWords(`${detected}; ${healthy}; ${outcome.remounts} remount${outcome.remounts === 1 ? '' : 's'}; ${user}.`, width, '   ', '   '));
  });
  lines.push(...wrapWords(`mails received by the local SMTP server: ${mails}`, width));
  return lines;
}
