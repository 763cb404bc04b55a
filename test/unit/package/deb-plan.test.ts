import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS } from '../../../src/defaults.js';
import { renderLauncher } from '../../../src/install/render.js';
import { describe, expect, it } from 'vitest';
import { debFileName, manPageTarget, planDeb, renderControl, renderDebLauncher } from '../../../src/package/deb-plan.js';

const identity = { name: 'ha-mount', version: '0.1.0', architecture: 'amd64', description: 'HA mounts' };
const unitTemplate = '[Service]\nType=notify\nExecStart=/sbin/ha-mount agent\n';

function plan(packFiles: string[] = ['package.json', 'dist/bin/ha-mount.js', 'dist/bin/mount.ha.js', 'dist/man/mount.ha.8']) {
  return planDeb({ identity, packFiles, dependencyDirs: ['node_modules/yaml', 'node_modules/@scope/dep'], unitTemplate });
}

describe('the .deb layout', () => {
  it('when planned then the package files and dependencies go under /usr/lib/ha-mount', () => {
    const copies = plan().filter((entry) => entry.kind === 'copy').map((entry) => entry.path);
    expect(copies).toContain('/usr/lib/ha-mount/dist/bin/ha-mount.js');
    expect(copies).toContain('/usr/lib/ha-mount/node_modules/yaml');
    expect(copies).toContain('/usr/lib/ha-mount/node_modules/@scope/dep');
  });

  it('when planned then mount.ha is in /usr/sbin, where mount(8) finds it as /sbin/mount.ha on Debian 12', () => {
    const launcher = plan().find((entry) => entry.path === '/usr/sbin/mount.ha');
    expect(launcher).toMatchObject({ kind: 'text', mode: 0o755 });
    expect(launcher?.kind === 'text' && launcher.content).toContain('/usr/lib/ha-mount/dist/bin/mount.ha.js');
  });

  it('when planned then the unit runs the packaged launcher', () => {
    const unit = plan().find((entry) => entry.path === '/lib/systemd/system/ha-mount.service');
    expect(unit?.kind === 'text' && unit.content).toContain('ExecStart=/usr/sbin/ha-mount agent\n');
  });

  it('when planned then the sample config is a conffile, so an upgrade keeps the admin\'s edits', () => {
    const conffiles = plan().find((entry) => entry.path === '/DEBIAN/conffiles');
    expect(conffiles?.kind === 'text' && conffiles.content).toBe('/etc/ha-mount/ha-mount.yaml\n');
    expect(plan().some((entry) => entry.path === '/etc/ha-mount/ha-mount.yaml')).toBe(true);
  });

  it('when the package has man pages then they also go to /usr/share/man, by section', () => {
    expect(plan().some((entry) => entry.path === '/usr/share/man/man8/mount.ha.8')).toBe(true);
    expect(manPageTarget('dist/man/ha-mount.yaml.5')).toBe('/usr/share/man/man5/ha-mount.yaml.5');
    expect(manPageTarget('dist/bin/ha-mount.js')).toBeUndefined();
    expect(manPageTarget('dist/man/notes.txt')).toBeUndefined();
  });

  it('when the launcher finds no Node.js then it says what to install and exits 2', () => {
    const text = renderDebLauncher('ha-mount', '/usr/lib/ha-mount/dist/bin/ha-mount.js');
    expect(text).toContain('for node in /usr/local/bin/node /usr/bin/node; do');
    expect(text).toMatch(/Node\.js 20/);
    expect(text.trimEnd().endsWith('exit 2')).toBe(true);
  });

  it('when the launchers run then `ha-mount agent` gets the agent\'s V8 flags, other commands and mount.ha none, and arguments pass through', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ha-mount-launcher-'));
    try {
      // a stand-in node that prints its arguments, found where the launcher looks first
      const node = join(dir, 'node');
      writeFileSync(node, '#!/bin/sh\nfor arg in "$@"; do echo "$arg"; done\n', { mode: 0o755 });
      const run = (name: string, args: string[]): string[] => {
        const launcher = join(dir, name);
        writeFileSync(launcher, renderDebLauncher(name, '/lib/x.js').replaceAll('/usr/local/bin/node', node), { mode: 0o755 });
        return execFileSync(launcher, args, { encoding: 'utf8' }).trimEnd().split('\n');
      };
      expect(run('ha-mount', ['agent', '--no-fstab'])).toEqual([...DEFAULTS.agent.nodeFlags, '/lib/x.js', 'agent', '--no-fstab']);
      expect(run('ha-mount', ['status', '*', 'a b'])).toEqual(['/lib/x.js', 'status', '*', 'a b']);
      expect(run('mount.ha', ['agent'])).toEqual(['/lib/x.js', 'agent']);
      const installed = join(dir, 'installed');
      writeFileSync(installed, renderLauncher('ha-mount', node, '/lib/x.js'), { mode: 0o755 });
      expect(execFileSync(installed, ['agent'], { encoding: 'utf8' }).trimEnd().split('\n')).toEqual([...DEFAULTS.agent.nodeFlags, '/lib/x.js', 'agent']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the control file is rendered then Node.js is not a dpkg dependency (a nodejs.org tarball satisfies none)', () => {
    const control = renderControl(identity, 1234);
    expect(control).toContain('Package: ha-mount\nVersion: 0.1.0\nArchitecture: amd64\n');
    expect(control).toContain('Installed-Size: 1234\n');
    expect(control).toMatch(/^Depends: mount, fuse3 \| fuse$/m);
    expect(control).not.toMatch(/^Depends:.*nodejs/m);
    expect(debFileName(identity)).toBe('ha-mount_0.1.0_amd64.deb');
  });
});
