// issue 15 item 7: post-remount commands, and a config file that grants commands, get the checks of hook scripts
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';

const isRoot = process.getuid?.() === 0;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ha-mount-grants-')); // 0700, root-owned, inside sticky /tmp
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mount = (postRemount: string) => `mounts:\n  - name: a\n    volume: v\n    servers: [g]\n    mountpoint: /a\n    post-remount: ${postRemount}\n`;

async function writeConfig(text: string, mode = 0o644, folder = dir): Promise<string> {
  const path = join(folder, 'ha-mount.yaml');
  await writeFile(path, text);
  await chmod(path, mode);
  return path;
}

describe.skipIf(!isRoot)('config files that make ha-mount run commands', () => {
  it('when post-remount names a safe absolute program then the config loads', async () => {
    const config = await loadConfig(await writeConfig(mount('[/bin/true, x]')));
    expect(config.mounts[0]?.postRemount).toEqual(['/bin/true', 'x']);
  });

  it('when the post-remount script is writable by others then loading refuses it with FILE:LINE and the fix', async () => {
    const script = join(dir, 'after.sh');
    await writeFile(script, '#!/bin/sh\n');
    await chmod(script, 0o777);
    const path = await writeConfig(mount(`[${script}]`));
    await expect(loadConfig(path)).rejects.toMatchObject({
      exitCode: 1,
      code: 'ha-mount.config.insecure-script',
      message: `${path}:6: mounts[0].post-remount: refusing the post-remount command ${script}: the post-remount command ${script} is writable by others (mode 0777), so another user could change what ha-mount runs as root after a remount; fix: chown root:root ${script} && chmod go-w ${script}`,
    });
  });

  it('when post-remount names a program by a relative name then it is refused (PATH decides what that runs)', async () => {
    await expect(loadConfig(await writeConfig(mount('[systemctl, restart, nginx]')))).rejects.toThrow(/mounts\[0\]\.post-remount: the post-remount command path systemctl is relative; give an absolute path/);
  });

  it('when a world-writable config file carries post-remount: [/bin/sh, -c, ...] then it is refused naming the file', async () => {
    const path = await writeConfig(mount('[/bin/sh, -c, "id > /tmp/owned"]'), 0o666);
    await expect(loadConfig(path)).rejects.toMatchObject({ exitCode: 1, code: 'ha-mount.config.insecure', message: expect.stringContaining(`${path}: refusing the config file ${path}: the config file ${path} is writable by others (mode 0666)`) });
  });

  it('when the config file sits in a world-writable folder and sets notify hooks then it is refused naming the folder', async () => {
    const open = join(dir, 'open');
    await mkdir(open);
    await chmod(open, 0o777);
    const path = await writeConfig('notify:\n  hooks:\n    notify: /bin/true\n', 0o644, open);
    await expect(loadConfig(path)).rejects.toThrow(new RegExp(`the folder ${open} is writable by others \\(mode 0777\\).*notify\\.hooks\\.notify runs /bin/true`));
  });

  it('when a writable config file grants no command then it still loads (the check is where it grants command execution)', async () => {
    const config = await loadConfig(await writeConfig('mounts: []\n', 0o666));
    expect(config.grants).toEqual([]);
  });
});
