// Reading what the watchers wrote: the agent's JSON log (its transitions) and the baselines'
// JSON lines (their decisions). Pure over text.
import type { BaselineEvent } from './baselines/remount-check.js';

/** One state change as the agent logged it. */
export interface LoggedTransition {
  t: number;
  mount: string;
  from: string;
  to: string;
  reason: string;
  seq?: number;
}

/** Transitions in the agent's JSON log, once each (a notifier may log the same change again). */
export function parseAgentTransitions(text: string): LoggedTransition[] {
  const found: LoggedTransition[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.includes('"to"')) continue;
    let entry: { time?: string | number; mount?: string; from?: string; to?: string; reason?: string; seq?: number };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (entry.from === undefined || entry.to === undefined) continue;
    const key = `${entry.mount ?? ''}#${entry.seq ?? found.length}#${entry.from}#${entry.to}`;
    if (entry.seq !== undefined && seen.has(key)) continue;
    seen.add(key);
    const t = typeof entry.time === 'number' ? entry.time : Date.parse(entry.time ?? '');
    found.push({ t, mount: entry.mount ?? '', from: entry.from, to: entry.to, reason: entry.reason ?? '', ...(entry.seq === undefined ? {} : { seq: entry.seq }) });
  }
  return found;
}

/** The baseline's JSON lines; torn lines skipped. */
export function parseBaselineEvents(text: string): BaselineEvent[] {
  const events: BaselineEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line) as BaselineEvent);
    } catch {
      // torn line
    }
  }
  return events;
}
