import { fstatSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DEFAULTS } from '../defaults.js';
import type { LineDestination } from './logger.js';
import { formatRecordText, parseRecord } from './pretty.js';

/** log level (pino's numbers) -> syslog priority (journalctl -p): warn is 4 "warning", error 3 "err", fatal 2 "crit". Pure. */
export function syslogPriority(level: number): number {
  if (level >= 60) return 2;
  if (level >= 50) return 3;
  if (level >= 40) return 4;
  if (level >= 30) return 6;
  return 7;
}

/**
 * The journal fields of one log record: MESSAGE as a person reads it (the message, then the
 * fields as key=value), PRIORITY from the level, SYSLOG_IDENTIFIER, and per-mount fields
 * (`journalctl -u ha-mount HA_MOUNT_NAME=rep_vol1`). Pure.
 */
export function buildJournalFields(record: Record<string, unknown>, identifier: string = DEFAULTS.log.syslogIdentifier): Array<[string, string]> {
  const level = typeof record.level === 'number' ? record.level : 30;
  const fields: Array<[string, string]> = [
    ['MESSAGE', formatRecordText(record)],
    ['PRIORITY', String(syslogPriority(level))],
    ['SYSLOG_IDENTIFIER', identifier],
  ];
  const text = (key: string): string | undefined => {
    const value = record[key];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  };
  const perMount: Array<[string, string | undefined]> = [
    ['HA_MOUNT_NAME', text('mount')],
    ['HA_MOUNT_MOUNTPOINT', text('mountpoint')],
    ['HA_MOUNT_EVENT', text('event')],
    ['HA_MOUNT_STATE', text('to')],
    ['HA_MOUNT_SERVER', text('server')],
  ];
  for (const [name, value] of perMount) if (value !== undefined) fields.push([name, value]);
  return fields;
}

/**
 * Encodes fields for journald's native protocol (systemd's journal-native-protocol): `KEY=value\n`,
 * or, when the value holds a newline, `KEY\n` + its length as 64-bit little endian + the bytes + `\n`. Pure.
 */
export function encodeJournalFields(fields: ReadonlyArray<readonly [string, string]>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of fields) {
    const bytes = Buffer.from(value);
    if (!value.includes('\n')) {
      parts.push(Buffer.from(`${key}=`), bytes, Buffer.from('\n'));
      continue;
    }
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(bytes.length));
    parts.push(Buffer.from(`${key}\n`), length, bytes, Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

/** `<4>text`: what journald reads from a service's stdout with SyslogLevelPrefix= (on by default). Pure. */
export function formatPrefixedLine(record: Record<string, unknown>): string {
  const level = typeof record.level === 'number' ? record.level : 30;
  return `<${syslogPriority(level)}>${formatRecordText(record).replaceAll('\n', ' ')}\n`;
}

/**
 * True when the stream behind `fd` is the journal: systemd sets JOURNAL_STREAM=DEV:INODE for a
 * service whose stdout or stderr it connected to journald (systemd.exec(5)). Pure given the stat.
 */
export function isJournalStream(journalStream: string | undefined, stat: { dev: number; ino: number } | undefined): boolean {
  if (journalStream === undefined || stat === undefined) return false;
  const match = /^(\d+):(\d+)$/.exec(journalStream);
  return match !== null && Number(match[1]) === stat.dev && Number(match[2]) === stat.ino;
}

/** Whether this process's stdout is the journal (see isJournalStream). */
export function isStdoutJournal(env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    return isJournalStream(env.JOURNAL_STREAM, fstatSync(1));
  } catch {
    return false;
  }
}

/** Sends one datagram; returns false when it could not (no journald, message too large, congestion). */
export type DatagramSend = (datagram: Buffer) => boolean;

/**
 * Sends each datagram from a socket of its own, closed at once: an open unix-dgram socket is a
 * live libuv handle, and one kept for the logger would keep the agent from exiting after SIGTERM
 * (measured: the stop ran into TimeoutStopSec). Three syscalls a line; the agent logs a few lines
 * a second at most. unix-dgram is loaded only here, on first use (a native addon the CLI does not need).
 */
export function openJournalSocket(path: string = DEFAULTS.log.journalSocket): DatagramSend {
  const require = createRequire(import.meta.url);
  const unixDgram = require('unix-dgram') as typeof import('unix-dgram').default;
  return (datagram) => {
    let sent = true;
    const socket = unixDgram.createSocket('unix_dgram');
    socket.on('error', () => undefined);
    try {
      // unix-dgram calls back synchronously: an error or congestion is known before send returns
      socket.send(datagram, 0, datagram.length, path, (error) => {
        if (error) sent = false;
      });
    } finally {
      socket.close();
    }
    return sent;
  };
}

/**
 * A log destination that writes each record to journald as one native datagram with its
 * fields; a record the socket refuses goes to `fallback` as a `<N>`-prefixed line, so nothing
 * is lost and its priority survives.
 */
export function createJournalDestination(options: { send?: DatagramSend; fallback?: NodeJS.WritableStream; identifier?: string } = {}): LineDestination {
  const fallback = options.fallback ?? process.stdout;
  let send = options.send;
  return {
    write(line: string) {
      const record = parseRecord(line);
      if (record === undefined) {
        fallback.write(line.endsWith('\n') ? line : `${line}\n`);
        return;
      }
      if (send === undefined) {
        try {
          send = openJournalSocket();
        } catch {
          send = () => false;
        }
      }
      if (!send(encodeJournalFields(buildJournalFields(record, options.identifier)))) fallback.write(formatPrefixedLine(record));
    },
  };
}
