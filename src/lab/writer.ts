// An independent writer: the USER's view of a mount, in its own process, outside the agent.
//   node dist/src/lab/writer.js DIR [--interval 50] [--duration-ms N] [--size 256] [--keep 200] --out FILE
// It creates DIR when absent. Every interval it runs one cycle (src/lab/write-cycle.ts: a new file
// with a payload and its sha256, fsync, read back, the oldest files beyond --keep removed) and
// appends {t, ok, errno, latencyMs} for that whole cycle to FILE (local disk). A cycle may block for
// as long as the mount blocks it: that is what it measures. SIGTERM ends it; a cycle still blocked
// then is recorded as PENDING.
import { appendFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runWriteCycle } from './write-cycle.js';
import type { WriteRecord } from './writer-analysis.js';

interface WriterOptions {
  dir: string;
  intervalMs: number;
  durationMs: number;
  size: number;
  keep: number;
  out: string;
}

function parseArgs(argv: readonly string[]): WriterOptions {
  const [dir, ...rest] = argv;
  const value = (flag: string, fallback?: string): string => {
    const index = rest.indexOf(flag);
    const found = index >= 0 ? rest[index + 1] : fallback;
    if (found === undefined) throw new Error(`writer: missing ${flag}`);
    return found;
  };
  if (dir === undefined || dir.startsWith('--')) throw new Error('usage: writer.js DIR [--interval MS] [--duration-ms MS] [--size BYTES] [--keep N] --out FILE');
  return {
    dir,
    intervalMs: Number(value('--interval', '50')),
    durationMs: Number(value('--duration-ms', String(24 * 3_600_000))),
    size: Number(value('--size', '256')),
    keep: Number(value('--keep', '200')),
    out: value('--out'),
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const record = (entry: WriteRecord): void => appendFileSync(options.out, `${JSON.stringify(entry)}\n`);
  const started = Date.now();
  const written: string[] = [];
  let pending: { t: number } | undefined;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    if (pending !== undefined) record({ t: pending.t, ok: false, errno: 'PENDING', latencyMs: Date.now() - pending.t });
    process.exit(0); // the writer is a test tool run as its own program: a blocked write must not keep it
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  await mkdir(options.dir, { recursive: true });
  for (let index = 0; !stopping && Date.now() - started < options.durationMs; index += 1) {
    const t = Date.now();
    const path = join(options.dir, `w-${process.pid}-${index}.dat`);
    pending = { t };
    record(await runWriteCycle(t, path, options.size, written, options.keep));
    pending = undefined;
    const wait = t + options.intervalMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

await main();
