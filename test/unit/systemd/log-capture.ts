import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../src/log/logger.js';

/** A real logger whose JSON lines are kept for assertions. */
export function createCapturingLogger(): { logger: Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}
