import { formatDuration } from '../config/duration.js';
import type { TransitionEvent } from '../types.js';
import type { MailBatch } from './mail-batcher.js';
import { escapeControl } from '../text/escape-control.js';

/** What a mail says, before addressing. */
export interface MailContent {
  subject: string;
  text: string;
}

/** What formatMail needs besides the batch. */
export interface MailFormatContext {
  host: string;
  rateLimit: { count: number; windowMs: number };
}

const SUBJECT_MAX = 200;

/**
 * Writes the mail for a batch, in the spirit of keepalived's notify mail: the subject says host,
 * mount and the state change; the body gives the details of the latest change (reason, server,
 * what was done, how long the outage lasted) and lists every change in order. Pure.
 */
export function formatMail(batch: MailBatch, context: MailFormatContext): MailContent {
  const last = batch.events[batch.events.length - 1];
  if (!last) throw new Error('formatMail: a batch without events');
  return { subject: formatSubject(batch, last, context), text: formatBody(batch, last, context) };
}

function formatSubject(batch: MailBatch, last: TransitionEvent, context: MailFormatContext): string {
  const head = `[ha-mount] ${context.host}: mount ${batch.mount}`;
  let subject: string;
  if (batch.total === 1) {
    subject = `${head} ${last.from} -> ${last.to.toUpperCase()}${last.reason ? ` (${last.reason})` : ''}`;
  } else {
    const states = [batch.firstFrom, ...batch.events.map((event) => event.to)];
    const path =
      batch.total === batch.events.length && states.length <= 5
        ? `${states.slice(0, -1).join(' -> ')} -> ${last.to.toUpperCase()}`
        : `${batch.firstFrom} -> ... -> ${last.to.toUpperCase()}`;
    subject = `${head} ${path} (${batch.total} changes${batch.folded > 0 ? ', rate limited' : ''})`;
  }
  // a reason can carry text from the volume (a brick name): no line break may reach the header
  const safe = escapeControl(subject);
  return safe.length > SUBJECT_MAX ? `${safe.slice(0, SUBJECT_MAX - 3)}...` : safe;
}

function formatBody(batch: MailBatch, last: TransitionEvent, context: MailFormatContext): string {
  const lines = [
    `ha-mount on ${context.host}: mount ${batch.mount} (${last.mountpoint}) is now ${last.to.toUpperCase()}.`,
    '',
    ...formatDetails(last, context.host),
  ];
  if (batch.total > 1) {
    lines.push('', `Changes in order (${batch.total}, oldest first):`);
    const omitted = batch.total - batch.events.length;
    if (omitted > 0) lines.push(`  ... ${omitted} earlier change${omitted === 1 ? '' : 's'} not listed`);
    lines.push(...batch.events.map(formatChangeLine));
  }
  if (batch.folded > 0) {
    lines.push(
      '',
      `Rate limit: ${batch.folded} change${batch.folded === 1 ? ' was' : 's were'} folded into this mail ` +
        `(at most ${context.rateLimit.count} mails per mount every ${formatDuration(context.rateLimit.windowMs)}). ` +
        'The mount is flapping; see the log for every change: journalctl -u ha-mount',
    );
  }
  lines.push('', '-- ', `ha-mount on ${context.host}`);
  return `${lines.join('\n')}\n`;
}

function formatDetails(event: TransitionEvent, host: string): string[] {
  const rows: Array<[string, string | undefined]> = [
    ['Host', host],
    ['Mount', `${event.mount} at ${event.mountpoint}`],
    ['Change', `${event.from} -> ${event.to}`],
    ['Reason', event.reason || undefined],
    ['Server', event.server],
    ['Action', event.action],
    ['Outage', event.outageMs === undefined ? undefined : `lasted ${formatDuration(event.outageMs)}`],
    ['Time', new Date(event.at).toISOString()],
    ['Sequence', String(event.seq)],
  ];
  return rows.filter((row): row is [string, string] => row[1] !== undefined).map(([key, value]) => `  ${`${key}:`.padEnd(10)} ${value}`);
}

function formatChangeLine(event: TransitionEvent): string {
  const extras = [
    event.server ? `server ${event.server}` : undefined,
    event.action,
    event.outageMs === undefined ? undefined : `outage ${formatDuration(event.outageMs)}`,
  ].filter((part): part is string => part !== undefined);
  const reason = event.reason ? `: ${event.reason}` : '';
  return `  #${event.seq} ${new Date(event.at).toISOString()} ${event.from} -> ${event.to}${reason}${extras.length > 0 ? ` (${extras.join('; ')})` : ''}`;
}
