import { pino, type DestinationStream, type Logger } from 'pino';
import { createJournalDestination, isStdoutJournal } from './journal.js';
import { formatPrettyLine } from './pretty.js';

export type { Logger };

/**
 * How log lines are written: `journal` (native journald datagrams: plain text, a priority per
 * line, HA_MOUNT_NAME= per mount), `json` (one JSON object a line, for log shippers), or
 * `pretty` (readable lines for a terminal).
 */
export type LogFormat = 'journal' | 'json' | 'pretty';

/** Options of createLogger. */
export interface LoggerOptions {
  /** default: HA_MOUNT_LOG_LEVEL or info */
  level?: string;
  /** default: stdout */
  destination?: NodeJS.WritableStream;
  /** default: HA_MOUNT_LOG_FORMAT, else journal when stdout is the journal, pretty on a terminal, else json */
  format?: LogFormat;
  env?: NodeJS.ProcessEnv;
}

/**
 * Under systemd (stdout is the journal) each line goes to journald natively with its priority
 * and mount fields; HA_MOUNT_LOG_FORMAT=json gives JSON lines instead (log shippers); readable
 * lines on a terminal (pino-pretty is not a dependency: a small formatter does it). Transitions
 * are logged as one line each by the notifier (src/notify/transition-log.ts).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const env = options.env ?? process.env;
  const destination = options.destination ?? process.stdout;
  const level = options.level ?? env.HA_MOUNT_LOG_LEVEL ?? 'info';
  const format = options.format ?? chooseLogFormat(destination, env);
  const settings = { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  if (format === 'json') return pino(settings, destination as DestinationStream);
  if (format === 'journal') return pino(settings, createJournalDestination({ fallback: destination }));
  const color = !env.NO_COLOR && (destination as { isTTY?: boolean }).isTTY === true;
  const pretty: DestinationStream = { write: (line: string) => void destination.write(formatPrettyLine(line, { color })) };
  return pino(settings, pretty);
}

/** HA_MOUNT_LOG_FORMAT when set; else journal when the destination is stdout and stdout is the journal; pretty on a terminal; else json. */
export function chooseLogFormat(
  destination: NodeJS.WritableStream,
  env: NodeJS.ProcessEnv = process.env,
  stdoutIsJournal: () => boolean = () => isStdoutJournal(env),
): LogFormat {
  const wanted = env.HA_MOUNT_LOG_FORMAT;
  if (wanted === 'json' || wanted === 'pretty' || wanted === 'journal') return wanted;
  if (destination === process.stdout && stdoutIsJournal()) return 'journal';
  return (destination as { isTTY?: boolean }).isTTY === true ? 'pretty' : 'json';
}

/** A logger that drops everything, for tests and library callers that do not log. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
