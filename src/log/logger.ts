import { pino, type DestinationStream, type Logger } from 'pino';
import { formatPrettyLine } from './pretty.js';

export type { Logger };

/** How log lines are written: JSON for journald and tools, or readable lines for a terminal. */
export type LogFormat = 'json' | 'pretty';

/** Options of createLogger. */
export interface LoggerOptions {
  /** default: HA_MOUNT_LOG_LEVEL or info */
  level?: string;
  /** default: stdout */
  destination?: NodeJS.WritableStream;
  /** default: HA_MOUNT_LOG_FORMAT, else pretty when the destination is a terminal, else json */
  format?: LogFormat;
  env?: NodeJS.ProcessEnv;
}

/**
 * JSON lines to stdout for journald; readable lines when stdout is a terminal (pino-pretty is
 * not a dependency: a small formatter does it). Transitions are logged as one line each by the
 * notifier (src/notify/transition-log.ts).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const env = options.env ?? process.env;
  const destination = options.destination ?? process.stdout;
  const level = options.level ?? env.HA_MOUNT_LOG_LEVEL ?? 'info';
  const format = options.format ?? chooseLogFormat(destination, env);
  const settings = { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  if (format === 'json') return pino(settings, destination as DestinationStream);
  const color = !env.NO_COLOR && (destination as { isTTY?: boolean }).isTTY === true;
  const pretty: DestinationStream = { write: (line: string) => void destination.write(formatPrettyLine(line, { color })) };
  return pino(settings, pretty);
}

/** json unless HA_MOUNT_LOG_FORMAT says otherwise or the destination is a terminal. */
export function chooseLogFormat(destination: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): LogFormat {
  const wanted = env.HA_MOUNT_LOG_FORMAT;
  if (wanted === 'json' || wanted === 'pretty') return wanted;
  return (destination as { isTTY?: boolean }).isTTY === true ? 'pretty' : 'json';
}

/** A logger that drops everything, for tests and library callers that do not log. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
