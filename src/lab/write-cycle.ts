// One cycle of the independent writer (src/lab/writer.ts): write a new file with its checksum,
// fsync, read it back, then remove the oldest files beyond `keep`. The record's latency covers the
// whole cycle, so a blocked unlink reads as a blocked write instead of a gap between two records.
import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, unlink } from 'node:fs/promises';
import type { WriteRecord } from './writer-analysis.js';

/** The file operations of a cycle; injected so that the timing is tested without a mount. */
export interface CycleOps {
  writeAndVerify(path: string, size: number): Promise<void>;
  unlink(path: string): Promise<void>;
  now(): number;
}

/** Writes `size` bytes with their sha256 to a new file, fsyncs it, and checks the read-back sum. */
async function writeAndVerify(path: string, size: number): Promise<void> {
  const payload = randomBytes(size).toString('base64').slice(0, size);
  const sum = createHash('sha256').update(payload).digest('hex');
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(`${sum}\n${payload}`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  const back = await readFile(path, 'utf8');
  const [readSum, ...rest] = back.split('\n');
  if (readSum !== createHash('sha256').update(rest.join('\n')).digest('hex')) throw Object.assign(new Error('checksum mismatch'), { code: 'EBADSUM' });
}

export const realCycleOps: CycleOps = { writeAndVerify, unlink, now: () => performance.now() };

/**
 * Runs one cycle writing `path`, started at wall time `t`. `written` (oldest first) gains `path`
 * when the write succeeds and loses what is removed; a failed removal is ignored (the file may be
 * gone with a remount), but its time counts.
 */
export async function runWriteCycle(t: number, path: string, size: number, written: string[], keep: number, ops: CycleOps = realCycleOps): Promise<WriteRecord> {
  const t0 = ops.now();
  const latency = (): number => Math.round((ops.now() - t0) * 10) / 10;
  try {
    await ops.writeAndVerify(path, size);
    written.push(path);
    for (const old of written.splice(0, Math.max(0, written.length - keep))) await ops.unlink(old).catch(() => undefined);
    return { t, ok: true, latencyMs: latency() };
  } catch (error) {
    return { t, ok: false, errno: (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN', latencyMs: latency() };
  }
}
