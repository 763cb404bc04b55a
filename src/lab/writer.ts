// An independent writer: the USER's view of a mount, in its own process, outside the agent.
//   node dist/src/lab/writer.js DIR [--interval 50] [--duration-ms N] [--size 256] [--keep 200] --out FILE
// It creates DIR when absent. Every interval it writes a new file in DIR with a payload and its sha256, fsyncs it, reads it
// back and checks the sum, and appends {t, ok, errno, latencyMs} to FILE (local disk). A write may
// block for as long as the mount blocks it: that is what it measures. SIGTERM ends it; a write
// still blocked then is recorded as PENDING.
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
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

async function writeOne(path: string, size: number): Promise<void> {
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
    const t0 = performance.now();
    try {
      await writeOne(path, options.size);
      record({ t, ok: true, latencyMs: Math.round((performance.now() - t0) * 10) / 10 });
      written.push(path);
    } catch (error) {
      record({ t, ok: false, errno: (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN', latencyMs: Math.round((performance.now() - t0) * 10) / 10 });
    }
    pending = undefined;
    while (written.length > options.keep) {
      const old = written.shift();
      if (old !== undefined) await unlink(old).catch(() => undefined);
    }
    const wait = t + options.intervalMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

await main();
