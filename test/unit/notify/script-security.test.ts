import { chmod, chown, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkScriptSecurity } from '../../../src/notify/script-security.js';

// Real files and modes. The suite runs as root (the agent does too); chown needs it.
const isRoot = process.getuid?.() === 0;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ha-mount-sec-')); // 0700, root-owned, inside sticky /tmp
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeScript(path: string, mode = 0o755): Promise<string> {
  await writeFile(path, '#!/bin/sh\nexit 0\n');
  await chmod(path, mode);
  return path;
}

describe.skipIf(!isRoot)('checkScriptSecurity', () => {
  it('when the script and its folders are root-owned and not writable by others then it is accepted (sticky /tmp included)', async () => {
    const script = await writeScript(join(dir, 'notify.sh'));
    expect(checkScriptSecurity(script)).toBeUndefined();
  });

  it('when the script is group-writable then it is refused with its mode and the fix', async () => {
    const script = await writeScript(join(dir, 'notify.sh'), 0o775);
    expect(checkScriptSecurity(script)).toBe(
      `refusing the script ${script}: the script ${script} is writable by its group (mode 0775), so another user could change what ha-mount runs as root; fix: chown root:root ${script} && chmod go-w ${script}`,
    );
  });

  it('when a folder on the path is writable by others then the folder is named', async () => {
    const folder = join(dir, 'hooks');
    await mkdir(folder);
    await chmod(folder, 0o777);
    const script = await writeScript(join(folder, 'notify.sh'));
    expect(checkScriptSecurity(script)).toMatch(new RegExp(`the folder ${folder} is writable by others \\(mode 0777\\)`));
  });

  it('when the script is owned by a non-root user then it is refused', async () => {
    const script = await writeScript(join(dir, 'notify.sh'));
    await chown(script, 65534, 65534);
    expect(checkScriptSecurity(script)).toMatch(/is owned by uid 65534, not root/);
  });

  it('when a symlink points into an unsafe folder then the target folder is refused', async () => {
    const unsafe = join(dir, 'unsafe');
    await mkdir(unsafe);
    await chmod(unsafe, 0o777);
    const target = await writeScript(join(unsafe, 'real.sh'));
    const link = join(dir, 'notify.sh');
    await symlink(target, link);
    expect(checkScriptSecurity(link)).toMatch(new RegExp(`the folder ${unsafe} is writable by others`));
  });

  it('when the script is not executable, relative or missing then it is refused with what to do', async () => {
    const script = await writeScript(join(dir, 'notify.sh'), 0o644);
    expect(checkScriptSecurity(script)).toMatch(/is not executable \(mode 0644\); run: chmod 755/);
    expect(checkScriptSecurity('hooks/notify.sh')).toMatch(/is relative; give an absolute path/);
    expect(checkScriptSecurity(join(dir, 'missing.sh'))).toMatch(/ENOENT/);
  });
});
