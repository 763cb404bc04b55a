import { describe, expect, it } from 'vitest';
import { chooseLogFormat, createLineLogger, createLogger, createSilentLogger } from '../../../src/log/logger.js';
import { formatPrettyLine } from '../../../src/log/pretty.js';

/** A destination that collects what pino writes; `isTTY` makes it look like a terminal. */
function sink(isTTY: boolean) {
  const chunks: string[] = [];
  const destination = { isTTY, write: (chunk: string) => (chunks.push(chunk), true) } as unknown as NodeJS.WritableStream;
  return { destination, chunks };
}

describe('logger', () => {
  it('when stdout is not a terminal then each record is one JSON line with level, time and fields', () => {
    const { destination, chunks } = sink(false);
    createLogger({ destination, env: {} }).warn({ mount: 'data', from: 'healthy', to: 'failed' }, 'mount data: healthy -> failed');
    expect(chunks).toHaveLength(1);
    const record = JSON.parse(chunks[0] ?? '') as Record<string, unknown>;
    expect(record).toMatchObject({ level: 40, mount: 'data', from: 'healthy', to: 'failed', msg: 'mount data: healthy -> failed' });
    expect(typeof record.time).toBe('string');
    expect(chunks[0]?.endsWith('\n')).toBe(true);
  });

  it('when stdout is a terminal then records are readable lines, not JSON', () => {
    const { destination, chunks } = sink(true);
    createLogger({ destination, env: { NO_COLOR: '1' } }).info({ mount: 'data', reason: 'hung 5 s' }, 'mount data: healthy -> hung');
    expect(chunks[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  mount data: healthy -> hung {2}mount=data reason="hung 5 s"\n$/);
  });

  it('when HA_MOUNT_LOG_FORMAT is set then it wins over the terminal check', () => {
    expect(chooseLogFormat(sink(true).destination, { HA_MOUNT_LOG_FORMAT: 'json' })).toBe('json');
    expect(chooseLogFormat(sink(false).destination, { HA_MOUNT_LOG_FORMAT: 'pretty' })).toBe('pretty');
    expect(chooseLogFormat(sink(false).destination, {})).toBe('json');
  });

  it('when HA_MOUNT_LOG_LEVEL is warn then info lines are dropped', () => {
    const { destination, chunks } = sink(false);
    const logger = createLogger({ destination, env: { HA_MOUNT_LOG_LEVEL: 'warn' } });
    logger.info('quiet');
    logger.error('loud');
    expect(chunks.map((chunk) => (JSON.parse(chunk) as { msg: string }).msg)).toEqual(['loud']);
  });
});

describe('createLineLogger', () => {
  const collect = (level: string) => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLineLogger(level, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    return { logger, lines };
  };

  it('when an error is logged under err then its type, message, stack and code are in the line', () => {
    const { logger, lines } = collect('info');
    const error = Object.assign(new RangeError('ECONNREFUSED 10.0.0.1:25'), { code: 'ECONNREFUSED' });
    logger.error({ err: error, mount: 'data' }, 'send failed');
    expect(lines[0]).toMatchObject({ level: 50, pid: process.pid, mount: 'data', msg: 'send failed', err: { type: 'RangeError', message: 'ECONNREFUSED 10.0.0.1:25', code: 'ECONNREFUSED' } });
    expect(String((lines[0]?.err as { stack?: string }).stack)).toContain('RangeError');
  });

  it('when fields hold a cycle then the line says so and the caller does not throw', () => {
    const { logger, lines } = collect('info');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => logger.warn({ cycle }, 'x')).not.toThrow();
    expect(lines[0]).toMatchObject({ level: 40, msg: 'x', logError: expect.stringContaining('fields not serializable') });
  });

  it('when the level is debug then debug is enabled and trace is not; silent writes nothing; a field cannot overwrite level', () => {
    const { logger, lines } = collect('debug');
    expect([logger.isLevelEnabled('trace'), logger.isLevelEnabled('debug')]).toEqual([false, true]);
    logger.trace('dropped');
    logger.debug({ level: 99 }, 'kept');
    expect(lines).toEqual([expect.objectContaining({ level: 20, msg: 'kept' })]);
    const silent = createSilentLogger();
    expect(silent.isLevelEnabled('fatal')).toBe(false);
  });

  it('when the level is not one then creating the logger fails with the names to use', () => {
    expect(() => collect('verbose')).toThrow(expect.objectContaining({ exitCode: 1, message: 'unknown log level "verbose": set HA_MOUNT_LOG_LEVEL to one of trace, debug, info, warn, error, fatal, silent' }));
  });
});

describe('formatPrettyLine', () => {
  it('when a record has an error object then its message is shown and pid and hostname are hidden', () => {
    const line = JSON.stringify({ level: 50, time: '2025-06-01T12:00:01.234Z', pid: 7, hostname: 'h', msg: 'send failed', err: { type: 'Error', message: 'ECONNREFUSED', stack: '...' } });
    expect(formatPrettyLine(line)).toBe('12:00:01.234 ERROR send failed  err="ECONNREFUSED"\n');
  });

  it('when colour is on then the level is coloured', () => {
    expect(formatPrettyLine(JSON.stringify({ level: 40, time: 0, msg: 'x' }), { color: true })).toBe('00:00:00.000 \x1b[33mWARN \x1b[0m x\n');
  });

  it('when a line is not JSON then it is passed through', () => {
    expect(formatPrettyLine('plain text')).toBe('plain text\n');
  });
});
