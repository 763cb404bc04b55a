// issue 15 item 11: password-file checks look at more than the mode bits
import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCaFile, checkPasswordFile, readPassword } from '../../../src/notify/password-file.js';

const isRoot = process.getuid?.() === 0;
let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ha-mount-pw-')); // 0700, root-owned, inside sticky /tmp
  file = join(dir, 'smtp-password');
  await writeFile(file, 'pw\n', { mode: 0o600 });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!isRoot)('checkPasswordFile', () => {
  it('when the file is root-owned, mode 600, in root-owned folders then it is accepted and read', () => {
    expect(checkPasswordFile(file)).toBeUndefined();
    expect(readPassword({ file })).toBe('pw');
  });

  it('when the file belongs to another user then it is refused, although its mode is 600', async () => {
    await chown(file, 65534, 65534);
    expect(checkPasswordFile(file)).toBe(`refusing the password file ${file}: it is owned by uid 65534; run: chown root:root ${file}`);
  });

  it('when a folder above it is writable by others then it is refused naming the folder (the file could be swapped)', async () => {
    const open = join(dir, 'open');
    await mkdir(open);
    await chmod(open, 0o777);
    const inside = join(open, 'smtp-password');
    await writeFile(inside, 'pw\n', { mode: 0o600 });
    expect(checkPasswordFile(inside)).toMatch(new RegExp(`the folder ${open} is writable by others \\(mode 0777\\), so another user could read or swap the SMTP password`));
  });

  it('when it is a symlink into a folder another user owns then it is refused naming that folder', async () => {
    const theirs = join(dir, 'theirs');
    await mkdir(theirs);
    await chown(theirs, 65534, 65534);
    const target = join(theirs, 'pw');
    await writeFile(target, 'pw\n', { mode: 0o600 });
    const link = join(dir, 'link');
    await symlink(target, link);
    expect(checkPasswordFile(link)).toMatch(new RegExp(`the folder ${theirs} is owned by uid 65534, not root`));
  });

  it('when it is a FIFO then it is refused at once instead of blocking', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    expect(checkPasswordFile(fifo)).toBe(`the password file ${fifo} is not a regular file`);
    expect(() => readPassword({ file: fifo })).toThrow(/is not a regular file/);
  });

  it('when the CA file is writable by its group then it is refused (a swapped CA would get the password)', async () => {
    const ca = join(dir, 'ca.pem');
    await writeFile(ca, 'PEM');
    await chmod(ca, 0o664);
    expect(checkCaFile(ca)).toMatch(/refusing the CA file .*: the CA file .* is writable by its group \(mode 0664\)/);
    await chmod(ca, 0o644);
    expect(checkCaFile(ca)).toBeUndefined();
  });
});
