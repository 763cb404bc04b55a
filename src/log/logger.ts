import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON lines to stdout for journald; readable lines when stdout is a terminal. `level` from
 * HA_MOUNT_LOG_LEVEL or the caller. Transitions are logged as one line each by the notifier.
 */
export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? process.env.HA_MOUNT_LOG_LEVEL ?? 'info';
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, (options.destination ?? process.stdout) as pino.DestinationStream);
}

/** A logger that drops everything, for tests and library callers that do not log. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
