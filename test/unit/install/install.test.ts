import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerInstallCommands } from '../../../src/cli/install-command.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { runCommand } from '../../../src/exec/run.js';
import { installFiles } from '../../../src/install/install.js';
import { hashContent, type InstallManifest } from '../../../src/install/manifest.js';
import { SAMPLE_CONFIG } from '../../../src/install/sample-config.js';
import { uninstallFiles } from '../../../src/install/uninstall.js';
import { parseMetricsConfig } from '../../../src/metrics/metrics-config.js';
import { verifyUnits } from '../systemd/verify-unit.js';

const repo = resolve(import.meta.dirname, '../../..');
let root: string;
let prefix: string;
let packageRoot: string;

/** A stand-in package: dist/bin scripts that print their argv as JSON, and the real unit template. */
function createPackage(dir: string): void {
  mkdirSync(join(dir, 'dist/bin'), { recursive: true });
  mkdirSync(join(dir, 'systemd'));
  for (const name of ['mount.ha', 'ha-mount']) {
    writeFileSync(join(dir, `dist/bin/${name}.js`), `process.stdout.write(JSON.stringify({ script: ${JSON.stringify(name)}, args: process.argv.slice(2) }));\n`);
  }
  copyFileSync(join(repo, 'systemd/ha-mount.service'), join(dir, 'systemd/ha-mount.service'));
  mkdirSync(join(dir, 'dist/man'));
  for (const page of ['ha-mount.8', 'mount.ha.8', 'ha-mount.yaml.5']) writeFileSync(join(dir, 'dist/man', page), `.TH ${page}\n`);
}

/** Every path under `dir`, relative, folders with a trailing slash. */
function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string): void => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) {
        out.push(`${relative(dir, path)}/`);
        walk(path);
      } else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out;
}

const install = (options: { unitDir?: string } = {}) => installFiles({ prefix, packageRoot, nodePath: process.execPath, now: () => new Date('2025-01-01T00:00:00Z'), ...options });
const readManifestFile = () => JSON.parse(readFileSync(join(prefix, 'var/lib/ha-mount/install-manifest.json'), 'utf8')) as InstallManifest;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ha-mount-install-'));
  prefix = join(root, 'prefix');
  packageRoot = join(root, 'package');
  mkdirSync(prefix);
  createPackage(packageRoot);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('ha-mount install', () => {
  it('when run on an empty prefix then it creates the launchers, the unit, the sample config and a manifest with their sha256', async () => {
    const report = await install();
    const expected = [
      'sbin/mount.ha',
      'sbin/ha-mount',
      'lib/systemd/system/ha-mount.service',
      'etc/ha-mount/ha-mount.yaml',
      'usr/share/man/man8/ha-mount.8',
      'usr/share/man/man8/mount.ha.8',
      'usr/share/man/man5/ha-mount.yaml.5',
    ];
    expect(report.created.map((path) => relative(prefix, path))).toEqual(expected);
    expect(statSync(join(prefix, 'sbin/mount.ha')).mode & 0o777).toBe(0o755);
    expect(statSync(join(prefix, 'lib/systemd/system/ha-mount.service')).mode & 0o777).toBe(0o644);
    const manifest = readManifestFile();
    expect(manifest.files.map((file) => relative(prefix, file.path))).toEqual(expected);
    for (const file of manifest.files) expect(file.sha256).toBe(hashContent(readFileSync(file.path)));
    expect(readFileSync(join(prefix, 'usr/share/man/man5/ha-mount.yaml.5'), 'utf8')).toBe('.TH ha-mount.yaml.5\n');
    expect(manifest.dirs.map((dir) => relative(prefix, dir))).toEqual(['sbin', 'lib', 'lib/systemd', 'lib/systemd/system', 'etc', 'etc/ha-mount', 'usr', 'usr/share', 'usr/share/man', 'usr/share/man/man8', 'usr/share/man/man5', 'var', 'var/lib', 'var/lib/ha-mount']);
  });

  it('when mount(8) would run the installed mount.ha then node runs the package script with the arguments untouched', async () => {
    await install();
    const args = ['10.0.0.10:/rep_vol1', '/mnt/with space', '-o', "_netdev,backend=glusterfs,x='$(id)'"];
    const result = await runCommand({ file: join(prefix, 'sbin/mount.ha'), args }, { timeoutMs: 10_000 });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ script: 'mount.ha', args });
  });

  it('when the installed unit is verified by systemd-analyze then it passes as installed, ExecStart on the installed launcher', async () => {
    await install();
    const unit = join(prefix, 'lib/systemd/system/ha-mount.service');
    expect(readFileSync(unit, 'utf8')).toMatch(new RegExp(`^ExecStart=${join(prefix, 'sbin/ha-mount')} agent$`, 'm'));
    const result = await verifyUnits([unit]);
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('when --unit-dir is etc/systemd/system then the unit goes there', async () => {
    await install({ unitDir: 'etc/systemd/system' });
    expect(existsSync(join(prefix, 'etc/systemd/system/ha-mount.service'))).toBe(true);
    expect(existsSync(join(prefix, 'lib'))).toBe(false);
  });

  it('when a config already exists then it is kept byte for byte and left out of the manifest', async () => {
    mkdirSync(join(prefix, 'etc/ha-mount'), { recursive: true });
    writeFileSync(join(prefix, 'etc/ha-mount/ha-mount.yaml'), 'mounts: [] # mine\n');
    const report = await install();
    expect(report.kept).toEqual([join(prefix, 'etc/ha-mount/ha-mount.yaml')]);
    expect(readFileSync(join(prefix, 'etc/ha-mount/ha-mount.yaml'), 'utf8')).toBe('mounts: [] # mine\n');
    expect(readManifestFile().files.map((file) => file.path)).not.toContain(join(prefix, 'etc/ha-mount/ha-mount.yaml'));
    await uninstallFiles({ prefix });
    expect(readFileSync(join(prefix, 'etc/ha-mount/ha-mount.yaml'), 'utf8')).toBe('mounts: [] # mine\n');
  });

  it('when run twice then the second run changes nothing and still owns every file', async () => {
    await install();
    const report = await install();
    expect(report.created).toEqual([]);
    expect(report.unchanged).toHaveLength(6);
    expect(report.kept).toEqual([join(prefix, 'etc/ha-mount/ha-mount.yaml')]);
    expect(readManifestFile().files).toHaveLength(7);
    await uninstallFiles({ prefix });
    expect(listTree(prefix)).toEqual([]);
  });

  it('when the package moved then a new install rewrites its untouched launchers', async () => {
    await install();
    const moved = join(root, 'package2');
    createPackage(moved);
    const report = await installFiles({ prefix, packageRoot: moved, nodePath: process.execPath });
    expect(report.updated.map((path) => relative(prefix, path))).toEqual(['sbin/mount.ha', 'sbin/ha-mount']);
    expect(readFileSync(join(prefix, 'sbin/mount.ha'), 'utf8')).toContain(join(moved, 'dist/bin/mount.ha.js'));
  });

  it('when a mount.ha that ha-mount did not write is in the way then install refuses, names it and writes nothing', async () => {
    mkdirSync(join(prefix, 'sbin'));
    writeFileSync(join(prefix, 'sbin/mount.ha'), '#!/bin/sh\necho other\n');
    const before = listTree(prefix);
    await expect(install()).rejects.toThrow(`cannot install: ${join(prefix, 'sbin/mount.ha')} exists and was not written by ha-mount install (or changed since); move it away and run install again. Nothing was written.`);
    expect(listTree(prefix)).toEqual(before);
  });

  it('when the package is not built then install says to build it', async () => {
    rmSync(join(packageRoot, 'dist'), { recursive: true });
    await expect(install()).rejects.toThrow(/dist\/bin\/mount\.ha\.js is missing; run `npm run build` in/);
  });

  it('when the prefix holds characters systemd reads specially then install refuses before writing', async () => {
    const odd = join(root, 'with space');
    mkdirSync(odd);
    await expect(installFiles({ prefix: odd, packageRoot })).rejects.toThrow(/systemd reads white space, quotes, % and \\ there specially/);
    expect(readdirSync(odd)).toEqual([]);
  });

  it('when the sample config is read then it is valid YAML defining no mount', async () => {
    await install();
    const text = readFileSync(join(prefix, 'etc/ha-mount/ha-mount.yaml'), 'utf8');
    expect(parse(text)).toEqual({ mounts: [] });
    expect(parseConfig('ha-mount.yaml', text).mounts).toEqual([]);
  });

  it('when the commented examples of the sample config are uncommented then the config loader accepts them', () => {
    const uncommented = SAMPLE_CONFIG.replace('mounts: []', 'mounts:')
      .split('\n')
      .map((line) => (line === '#' ? '' : /^#(?=\S)|^#(?=  )/.test(line) ? line.slice(1) : line))
      .join('\n');
    const config = parseConfig('ha-mount.yaml', uncommented);
    expect(config.mounts.map((mount) => [mount.name, mount.backend, mount.mountpoint])).toEqual([
      ['rep_vol1', 'glusterfs', '/mnt/rep_vol1'],
      ['projects', 'moosefs', '/mnt/projects'],
    ]);
    expect(config.mounts[0]?.onHang).toEqual({ remountAfterMs: 60_000 });
    expect(config.mounts[0]?.probe.intervalMs).toBe(2_000);
    expect(parseMetricsConfig(config.sections.metrics)).toEqual({ enabled: true, host: '127.0.0.1', port: 9716 });
  });
});

describe('ha-mount uninstall', () => {
  it('when run after install then the prefix is exactly as before, while files that were there stay', async () => {
    mkdirSync(join(prefix, 'sbin'));
    writeFileSync(join(prefix, 'sbin/mount.nfs'), 'not ours\n');
    const before = listTree(prefix);
    await install();
    const report = await uninstallFiles({ prefix });
    expect(report.removed).toHaveLength(7);
    expect(report.modified).toEqual([]);
    expect(listTree(prefix)).toEqual(before);
  });

  it('when the admin edited the config and the unit then both are left, reported, and their folders kept', async () => {
    await install();
    writeFileSync(join(prefix, 'etc/ha-mount/ha-mount.yaml'), 'mounts: []\nmetrics: { enabled: false }\n');
    chmodSync(join(prefix, 'lib/systemd/system/ha-mount.service'), 0o644);
    writeFileSync(join(prefix, 'lib/systemd/system/ha-mount.service'), '[Service]\nExecStart=/bin/true\n');
    const report = await uninstallFiles({ prefix });
    expect(report.modified.map((path) => relative(prefix, path)).sort()).toEqual(['etc/ha-mount/ha-mount.yaml', 'lib/systemd/system/ha-mount.service']);
    expect(report.removed.map((path) => relative(prefix, path))).toEqual(['sbin/mount.ha', 'sbin/ha-mount', 'usr/share/man/man8/ha-mount.8', 'usr/share/man/man8/mount.ha.8', 'usr/share/man/man5/ha-mount.yaml.5']);
    expect(listTree(prefix)).toEqual(['etc/', 'etc/ha-mount/', 'etc/ha-mount/ha-mount.yaml', 'lib/', 'lib/systemd/', 'lib/systemd/system/', 'lib/systemd/system/ha-mount.service']);
    expect(report.dirsLeft.map((path) => relative(prefix, path)).sort()).toEqual(['etc', 'etc/ha-mount', 'lib', 'lib/systemd', 'lib/systemd/system']);
  });

  it('when a file was already removed then it is reported missing and the rest goes', async () => {
    await install();
    rmSync(join(prefix, 'sbin/ha-mount'));
    const report = await uninstallFiles({ prefix });
    expect(report.missing).toEqual([join(prefix, 'sbin/ha-mount')]);
    expect(listTree(prefix)).toEqual([]);
  });

  it('when nothing was installed then uninstall says so and touches nothing', async () => {
    writeFileSync(join(prefix, 'keep'), 'x');
    await expect(uninstallFiles({ prefix })).rejects.toThrow(/cannot uninstall: there is no install manifest at .*install-manifest\.json/);
    expect(listTree(prefix)).toEqual(['keep']);
  });
});

describe('install commands', () => {
  it('when `ha-mount install --prefix` and `uninstall --prefix` are parsed then they install, report and remove', async () => {
    const output: string[] = [];
    const program = registerInstallCommands(new Command().exitOverride(), { write: (text) => output.push(text), install: { packageRoot, nodePath: process.execPath } });
    await program.parseAsync(['node', 'ha-mount', 'install', '--prefix', prefix]);
    expect(output.join('')).toContain(`created   ${join(prefix, 'sbin/mount.ha')}\n`);
    expect(output.join('')).toContain(`manifest  ${join(prefix, 'var/lib/ha-mount/install-manifest.json')}\n`);
    output.length = 0;
    await program.parseAsync(['node', 'ha-mount', 'uninstall', '--prefix', prefix]);
    expect(output.join('')).toContain(`removed   ${join(prefix, 'sbin/mount.ha')}\n`);
    expect(listTree(prefix)).toEqual([]);
  });
});

// issue 15 item 6: the manifest is a file; uninstall trusts only paths install itself creates
describe('ha-mount uninstall with an edited manifest', () => {
  const writeManifest = (edit: (manifest: InstallManifest) => void): void => {
    const manifest = readManifestFile();
    edit(manifest);
    writeFileSync(join(prefix, 'var/lib/ha-mount/install-manifest.json'), JSON.stringify(manifest));
  };

  it.each([
    ['a file outside the prefix', (outside: string) => ({ file: outside })],
    ['a file reached with .. from inside the prefix', (outside: string) => ({ file: `${prefix}/sbin/../../${relative(root, outside)}` })],
    ['a file below the prefix that install never writes', () => ({ file: join(prefix, 'etc/passwd') })],
    ['a folder outside the prefix', () => ({ dir: join(root, 'victim-dir') })],
  ])('when the manifest lists %s then uninstall refuses, names it and removes nothing', async (_what, entry) => {
    await install();
    const outside = join(root, 'victim');
    writeFileSync(outside, 'precious\n');
    writeFileSync(join(prefix, 'etc/passwd'), 'precious\n');
    mkdirSync(join(root, 'victim-dir'));
    const { file, dir } = entry(outside) as { file?: string; dir?: string };
    writeManifest((manifest) => {
      if (file !== undefined) manifest.files.push({ path: file, sha256: hashContent('precious\n') });
      if (dir !== undefined) manifest.dirs.push(dir);
    });
    const before = listTree(root);
    await expect(uninstallFiles({ prefix })).rejects.toMatchObject({ code: 'ha-mount.uninstall.foreign-path', exitCode: 1, message: expect.stringContaining(JSON.stringify(file ?? dir)) });
    expect(listTree(root)).toEqual(before);
  });

  it('when the unit was installed with --unit-dir then uninstall still removes it', async () => {
    await install({ unitDir: 'etc/systemd/system' });
    const report = await uninstallFiles({ prefix });
    expect(report.removed.map((path) => relative(prefix, path))).toContain('etc/systemd/system/ha-mount.service');
    expect(listTree(prefix)).toEqual([]);
  });
});

// issue 15 item 9: a prefix that is a file is a usage error, not a stack trace with exit 4
describe('install and uninstall on a prefix that is not a folder', () => {
  it.each(['install', 'uninstall'] as const)('when %s --prefix names a regular file then it fails with exit 1 naming the prefix and writes nothing', async (command) => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const run = command === 'install' ? installFiles({ prefix: file, packageRoot, nodePath: process.execPath }) : uninstallFiles({ prefix: file });
    await expect(run).rejects.toMatchObject({ code: `ha-mount.${command}.prefix`, exitCode: 1, message: `cannot ${command} under ${file}: it is a file, not a folder; give a folder with --prefix (install creates it when missing)` });
    expect(readFileSync(file, 'utf8')).toBe('x');
  });
});

// issue 15 item 7: install points mount.ha and the unit at the package, so it checks the package first
describe.skipIf(process.getuid?.() !== 0)('install on a package another user can change', () => {
  it.each([
    ['a built script writable by its group', () => chmodSync(join(packageRoot, 'dist/bin/mount.ha.js'), 0o664), 'dist/bin/mount.ha.js is writable by its group (mode 0664)'],
    ['the dist folder writable by others', () => chmodSync(join(packageRoot, 'dist'), 0o777), 'dist is writable by others (mode 0777)'],
    ['the package folder owned by another user', () => chownSync(packageRoot, 65534, 65534), 'package is owned by uid 65534, not root'],
    ['a dependency linked into a world-writable folder', () => {
      mkdirSync(join(root, 'open'), { mode: 0o777 });
      chmodSync(join(root, 'open'), 0o777);
      mkdirSync(join(packageRoot, 'node_modules'));
      symlinkSync(join(root, 'open'), join(packageRoot, 'node_modules/dep'));
    }, 'open is writable by others (mode 0777)'],
  ])('when the package has %s then install refuses, names it and writes nothing', async (_what, spoil, named) => {
    spoil();
    await expect(install()).rejects.toMatchObject({ code: 'ha-mount.install.untrusted-package', exitCode: 1, message: expect.stringContaining(named) });
    expect(listTree(prefix)).toEqual([]);
  });
});
