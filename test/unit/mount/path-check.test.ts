import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDirectory } from '../../../src/mount/path-check.js';
import { runCommand } from '../../../src/exec/run.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function tempDir(): string {
  dir = mkdtempSync(join(tmpdir(), 'ha-mount-pathcheck-'));
  return dir;
}

describe('checkDirectory', () => {
  it('when the path is a real folder then it gives the folder back as its real path', async () => {
    const base = tempDir();
    await expect(checkDirectory(base)).resolves.toEqual({ ok: true, real: base });
  });
  it('when the path goes through a symbolic link then the real path differs', async () => {
    const base = tempDir();
    mkdirSync(join(base, 'real'));
    symlinkSync(join(base, 'real'), join(base, 'link'));
    await expect(checkDirectory(join(base, 'link'))).resolves.toEqual({ ok: true, real: join(base, 'real') });
  });
  it('when the path is a file or missing then the errno says which', async () => {
    const base = tempDir();
    writeFileSync(join(base, 'file'), '');
    await expect(checkDirectory(join(base, 'file'))).resolves.toMatchObject({ ok: false, code: 'ENOTDIR' });
    await expect(checkDirectory(join(base, 'nope'))).resolves.toMatchObject({ ok: false, code: 'ENOENT' });
  });
  it('when the check does not answer then it reports ETIMEDOUT at its deadline, not later', async () => {
    const started = performance.now();
    const result = await checkDirectory('/', { timeoutMs: 200, runner: (_command, options) => runCommand({ file: 'sleep', args: ['30'] }, options) });
    expect(result).toMatchObject({ ok: false, code: 'ETIMEDOUT' });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
