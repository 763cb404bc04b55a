import { escapeControl } from '../text/escape-control.js';

/** the numeric levels (src/log/logger.ts) and the names shown on a terminal. */
const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LEVEL_COLORS: Record<number, string> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };
/** fields the line already shows, or that only matter to journald */
const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

/** One JSON log line as an object; undefined when it is not one. Pure. */
export function parseRecord(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The text of a record without time and level (which a terminal line and the journal show on
 * their own): `mount data: healthy -> failed (ENOTCONN)  mount=data from=healthy ...`. Pure.
 */
export function formatRecordText(record: Record<string, unknown>): string {
  const fields = Object.entries(record)
    .filter(([key, value]) => !HIDDEN.has(key) && value !== undefined)
    .map(([key, value]) => escapeControl(`${key}=${formatValue(value)}`));
  // messages and fields carry names, paths and reasons from users and the volume: no raw control characters on a terminal or in the journal
  const message = typeof record.msg === 'string' ? escapeControl(record.msg) : '';
  return `${message}${fields.length > 0 ? `  ${fields.join(' ')}` : ''}`;
}

/**
 * Turns one JSON log line into a line for a person at a terminal:
 * `12:00:01.123 WARN  mount data: healthy -> failed (ENOTCONN)  mount=data from=healthy ...`.
 * A line that is not JSON is passed through. Pure.
 */
export function formatPrettyLine(line: string, options: { color?: boolean } = {}): string {
  const record = parseRecord(line);
  if (record === undefined) return line.endsWith('\n') ? line : `${line}\n`;
  const level = typeof record.level === 'number' ? record.level : 30;
  const name = (LEVEL_NAMES[level] ?? String(record.level)).padEnd(5);
  const shownLevel = options.color ? `\x1b[${LEVEL_COLORS[level] ?? '0'}m${name}\x1b[0m` : name;
  return `${formatTime(record.time)} ${shownLevel} ${formatRecordText(record)}\n`;
}

function formatTime(time: unknown): string {
  const date = typeof time === 'string' || typeof time === 'number' ? new Date(time) : new Date();
  return Number.isNaN(date.getTime()) ? String(time) : date.toISOString().slice(11, 23);
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[\w@%+=:,./-]+$/.test(value) ? value : JSON.stringify(value);
  if (value !== null && typeof value === 'object' && 'message' in value && typeof value.message === 'string') {
    return JSON.stringify(value.message); // a serialized error: the message is what a reader needs here
  }
  return JSON.stringify(value);
}
