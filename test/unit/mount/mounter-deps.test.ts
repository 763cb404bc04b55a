import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mountSpec } from '../../../src/mount/mounter.js';
import { createMounterDeps } from '../../../src/mount/mounter-deps.js';
import { runCommand } from '../../../src/exec/run.js';
import { makeSpec } from '../backends/spec-fixture.js';

let dir: string | undefined;
const savedPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = savedPath;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('createMounterDeps (mount.ha, ha-mount mount and the agent)', () => {
  it('when the mountpoint check would hang then mount fails with exit 2 at the deadline, and the check ran and was killed in a child process', async () => {
    const base = mkdtempSync(join(tmpdir(), 'ha-mount-deps-'));
    dir = base;
    const bin = join(base, 'bin');
    mkdirSync(bin);
    // a realpath that blocks as one below a hung mount does
    writeFileSync(join(bin, 'realpath'), `#!/bin/sh\necho $$ > ${base}/pid\nexec sleep 60\n`);
    chmodSync(join(bin, 'realpath'), 0o755);
    process.env.PATH = `${bin}:${savedPath ?? '/usr/bin:/bin'}`;
    const mountpoint = join(base, 'mnt');
    mkdirSync(mountpoint);
    const deps = { ...createMounterDeps(runCommand), isRoot: () => true };
    const started = performance.now();
    await expect(mountSpec(makeSpec({ mountpoint }), deps)).rejects.toMatchObject({ code: 'ha-mount.mountpoint.hung', exitCode: 2 });
    expect(performance.now() - started).toBeLessThan(7_000);
    expect(existsSync(join(base, 'pid'))).toBe(true);
    expect(alive(Number(readFileSync(join(base, 'pid'), 'utf8')))).toBe(false);
  }, 15_000);
});
