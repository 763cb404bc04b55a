// The soak's writer: writes checksummed files through a mount and keeps a manifest (on local
// disk) of every write that was acknowledged: write + fsync + close all returned success.
//   node dist/bench/soak-writer.js DIR --manifest FILE [--pause-ms 20] [--max-kib 64]
// Nothing is ever deleted: afterwards every manifest line is read back and its sha256 checked.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';

/** One acknowledged write. */
export interface ManifestEntry {
  path: string;
  sha256: string;
  size: number;
  /** ms since the epoch when the ack came */
  t: number;
}

/** How many writes went into one folder: keeps directories small. */
const FILES_PER_DIR = 500;

function readFlag(argv: readonly string[], flag: string, fallback?: string): string {
  const index = argv.indexOf(flag);
  const found = index >= 0 ? argv[index + 1] : fallback;
  if (found === undefined) throw new Error(`soak-writer: missing ${flag}`);
  return found;
}

async function writeChecked(path: string, payload: Buffer): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(payload);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const dir = argv[0];
  if (dir === undefined || dir.startsWith('--')) throw new Error('usage: soak-writer.js DIR --manifest FILE [--pause-ms 20] [--max-kib 64]');
  const manifest = readFlag(argv, '--manifest');
  const pauseMs = Number(readFlag(argv, '--pause-ms', '20'));
  const maxBytes = Number(readFlag(argv, '--max-kib', '64')) * 1024;
  const stats = `${manifest}.stats`;
  let acked = 0;
  let failed = 0;
  const saveStats = (): void => writeFileSync(stats, JSON.stringify({ acked, failed }));
  process.on('SIGTERM', () => {
    saveStats();
    process.exit(0);
  });
  for (let index = 0; ; index += 1) {
    const folder = join(dir, `d${Math.floor(index / FILES_PER_DIR)}`);
    const path = join(folder, `f${index}.bin`);
    const payload = randomBytes(randomInt(1, maxBytes + 1));
    const sha256 = createHash('sha256').update(payload).digest('hex');
    try {
      // never recursive: while the mount is away DIR does not exist, and nothing may land on the local disk
      if (index % FILES_PER_DIR === 0 || failed > 0) await mkdir(folder).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      await writeChecked(path, payload);
      const entry: ManifestEntry = { path, sha256, size: payload.length, t: Date.now() };
      appendFileSync(manifest, `${JSON.stringify(entry)}\n`);
      acked += 1;
    } catch {
      failed += 1;
    }
    if (index % 50 === 0) saveStats();
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

await main();
