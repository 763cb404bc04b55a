import { ExitCode, HaMountError } from '../errors.js';
import { createJournalDestination, isStdoutJournal } from './journal.js';
import { formatPrettyLine } from './pretty.js';

/**
 * The levels, with pino's numbers: the JSON lines keep the shape pino gave them (log shippers,
 * the journal's priority and the tests read `level` as a number). pino itself cost 2 MiB of the
 * agent's memory to write one JSON line at a time (docs/agent-cost.md, round 3).
 */
export const LOG_LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type LogLevel = keyof typeof LOG_LEVELS;

/** `logger.warn({ mount: 'data' }, 'message')` or `logger.warn('message')`. */
export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

/** A structured logger: one record a call, written as one line. */
export interface Logger {
  /** the lowest level written, or "silent" */
  readonly level: string;
  isLevelEnabled(level: LogLevel): boolean;
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
}

/** Where a logger's lines go: one JSON line (newline included) a call. */
export interface LineDestination {
  write(line: string): unknown;
}

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
 * lines on a terminal. Transitions are logged as one line each by the notifier
 * (src/notify/transition-log.ts).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const env = options.env ?? process.env;
  const destination = options.destination ?? process.stdout;
  const level = options.level ?? env.HA_MOUNT_LOG_LEVEL ?? 'info';
  const format = options.format ?? chooseLogFormat(destination, env);
  if (format === 'json') return createLineLogger(level, destination);
  if (format === 'journal') return createLineLogger(level, createJournalDestination({ fallback: destination }));
  const color = !env.NO_COLOR && (destination as { isTTY?: boolean }).isTTY === true;
  return createLineLogger(level, { write: (line: string) => destination.write(formatPrettyLine(line, { color })) });
}

/**
 * A logger writing `{"level":40,"time":"<ISO>","pid":N,...fields,"msg":"..."}` lines to
 * `destination`, synchronously (a record is on its way when the call returns). Error values are
 * written as {type, message, stack} and their own fields (code, errno, syscall, path), as pino's
 * err serializer did; a field that cannot be serialized (a cycle) makes the line say so instead of
 * throwing into the caller.
 */
export function createLineLogger(level: string, destination: LineDestination): Logger {
  const threshold = levelThreshold(level);
  const pid = process.pid; // a getter that asks the kernel each time; it never changes
  const write = (levelValue: number, first: unknown, message: unknown): void => {
    if (levelValue < threshold) return;
    const fields = typeof first === 'object' && first !== null ? (first instanceof Error ? { err: first } : (first as Record<string, unknown>)) : {};
    const msg = typeof first === 'string' ? first : typeof message === 'string' ? message : undefined;
    const record: Record<string, unknown> = { level: levelValue, time: new Date().toISOString(), pid };
    for (const [key, value] of Object.entries(fields)) if (key !== 'level' && key !== 'time') record[key] = value instanceof Error ? serializeError(value) : value;
    if (msg !== undefined) record.msg = msg;
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch (error) {
      line = JSON.stringify({ level: levelValue, time: record.time, pid, msg, logError: `fields not serializable: ${String(error)}` });
    }
    destination.write(`${line}\n`);
  };
  const at = (name: LogLevel): LogFn => ((first: unknown, message?: unknown) => write(LOG_LEVELS[name], first, message)) as LogFn;
  return {
    level,
    isLevelEnabled: (name) => LOG_LEVELS[name] >= threshold,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
  };
}

/** The number below which records are dropped; throws on a name that is not a level. Pure. */
export function levelThreshold(level: string): number {
  if (level === 'silent') return Number.POSITIVE_INFINITY;
  if (Object.hasOwn(LOG_LEVELS, level)) return LOG_LEVELS[level as LogLevel];
  throw new HaMountError('ha-mount.log.level', `unknown log level "${level}": set HA_MOUNT_LOG_LEVEL to one of ${[...Object.keys(LOG_LEVELS), 'silent'].join(', ')}`, ExitCode.USAGE);
}

/** An Error as a plain object a JSON line can carry. Pure. */
export function serializeError(error: Error): Record<string, unknown> {
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) if (typeof value !== 'object' || value === null) own[key] = value;
  return { type: error.name, message: error.message, stack: error.stack, ...own };
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
  return createLineLogger('silent', { write: () => undefined });
}
