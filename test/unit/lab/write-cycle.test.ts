import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { realCycleOps, runWriteCycle, type CycleOps } from '../../../src/lab/write-cycle.js';

/** Ops on a fake clock: each operation takes the time given for it and is logged. */
function fakeOps(costs: { write?: number; unlink?: number; failWith?: string }): CycleOps & { log: string[] } {
  let clock = 1_000;
  const log: string[] = [];
  return {
    log,
    now: () => clock,
    async writeAndVerify(path) {
      clock += costs.write ?? 5;
      log.push(`write ${path}`);
      if (costs.failWith) throw Object.assign(new Error(costs.failWith), { code: costs.failWith });
    },
    async unlink(path) {
      clock += costs.unlink ?? 1;
      log.push(`unlink ${path}`);
    },
  };
}

describe('runWriteCycle', () => {
  it('when removing the oldest file blocks then the cycle is recorded as slow as that, not as a fast write', async () => {
    const ops = fakeOps({ write: 4, unlink: 15_000 });
    const written = ['a', 'b'];
    const record = await runWriteCycle(42, 'c', 256, written, 2, ops);
    expect(record).toEqual({ t: 42, ok: true, latencyMs: 15_004 });
    expect(ops.log).toEqual(['write c', 'unlink a']);
    expect(written).toEqual(['b', 'c']);
  });

  it('when the write fails then nothing is removed and the errno is recorded with the time it took', async () => {
    const ops = fakeOps({ write: 7, failWith: 'ENOTCONN' });
    const written = ['a', 'b'];
    expect(await runWriteCycle(1, 'c', 256, written, 1, ops)).toEqual({ t: 1, ok: false, errno: 'ENOTCONN', latencyMs: 7 });
    expect(ops.log).toEqual(['write c']);
    expect(written).toEqual(['a', 'b']);
  });

  it('when a removal fails then the cycle still counts as a good write (the file may be gone with a remount)', async () => {
    const ops = fakeOps({});
    ops.unlink = async () => {
      throw Object.assign(new Error('gone'), { code: 'ENOENT' });
    };
    const written = ['a'];
    expect((await runWriteCycle(1, 'b', 256, written, 0, ops)).ok).toBe(true);
    expect(written).toEqual([]);
  });
});

describe('runWriteCycle on a real folder', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('when it runs five cycles keeping two then two checksummed files remain, the newest', async () => {
    dir = mkdtempSync(join(tmpdir(), 'write-cycle-'));
    const written: string[] = [];
    for (let index = 0; index < 5; index += 1) expect((await runWriteCycle(index, join(dir, `w-${index}`), 100, written, 2, realCycleOps)).ok).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['w-3', 'w-4']);
    const [sum, payload] = readFileSync(join(dir, 'w-4'), 'utf8').split('\n');
    expect(sum).toMatch(/^[0-9a-f]{64}$/);
    expect(payload).toHaveLength(100);
    expect(existsSync(join(dir, 'w-0'))).toBe(false);
  });

  it('when the file already exists then the cycle fails with EEXIST instead of overwriting it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'write-cycle-'));
    await runWriteCycle(0, join(dir, 'w'), 10, [], 5, realCycleOps);
    const record = await runWriteCycle(1, join(dir, 'w'), 10, [], 5, realCycleOps);
    expect(record).toMatchObject({ ok: false, errno: 'EEXIST' });
  });
});
