import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildHelperMountSpec } from '../../../src/config/helper-spec.js';
import { verifyUnits } from './verify-unit.js';

// Every unit in systemd/ goes through `systemd-analyze verify` (offline; PID 1 here is not
// systemd). The service's ExecStart=/sbin/ha-mount exists only once `ha-mount install` ran, and
// verify fails on a missing executable, so the service is verified as a copy whose ExecStart=
// runs this node on the package's dist/bin/ha-mount.js: verify checks that node exists; it
// does not read the script. The installed unit itself is verified as-is in test/unit/install.

const repo = resolve(import.meta.dirname, '../../..');
const unitDir = join(repo, 'systemd');
const units = readdirSync(unitDir).filter((name) => /\.(service|mount|automount)$/.test(name));
const work = mkdtempSync(join(tmpdir(), 'ha-mount-units-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function copyForVerify(name: string, edit: (text: string) => string = (text) => text): string {
  let text = readFileSync(join(unitDir, name), 'utf8');
  text = text.replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath} ${join(repo, 'dist/bin/ha-mount.js')}`);
  const path = join(work, name);
  writeFileSync(path, edit(text));
  return path;
}

describe('systemd units', () => {
  it('when systemd/ is listed then it holds the service and an example .mount and .automount', () => {
    expect(units).toEqual(expect.arrayContaining(['ha-mount.service', 'mnt-rep_vol1.mount', 'mnt-rep_vol1.automount']));
  });

  it.each(units)('when %s is verified by systemd-analyze then it passes with no warning', async (name) => {
    const result = await verifyUnits([copyForVerify(name)]);
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('when a unit has a line systemd cannot parse then the check fails (it is not vacuous)', async () => {
    const broken = copyForVerify('ha-mount.service', (text) => text.replace(/^KillMode=process$/m, 'KillMode=leave-fuse-alone'));
    const result = await verifyUnits([broken]);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/kill mode/i);
  });

  it('when the service is read then it is Type=notify with a watchdog on the launcher (which adds the agent\'s V8 flags), restarts on failure and leaves other processes alone', () => {
    const text = readFileSync(join(unitDir, 'ha-mount.service'), 'utf8');
    expect(text).not.toMatch(/^Environment=.*NODE_OPTIONS/m);
    for (const line of ['Type=notify', 'NotifyAccess=main', 'ExecStart=/sbin/ha-mount agent', 'WatchdogSec=20s', 'Restart=on-failure', 'KillMode=process', 'After=network-online.target', 'Wants=network-online.target', 'Before=remote-fs.target']) {
      expect(text.split('\n')).toContain(line);
    }
    expect(text).not.toMatch(/^(PrivateTmp|ProtectSystem|ProtectHome|PrivateMounts)=/m);
  });

  it('when the example .mount is read then it uses mount.ha with _netdev, backend= and servers=', () => {
    const text = readFileSync(join(unitDir, 'mnt-rep_vol1.mount'), 'utf8');
    expect(text).toMatch(/^Type=ha$/m);
    expect(text).toMatch(/^Options=_netdev,backend=glusterfs,servers=\S+$/m);
  });

  it('when mount.ha reads the example .mount then it builds the mount through the VIP with both servers as backups', () => {
    const text = readFileSync(join(unitDir, 'mnt-rep_vol1.mount'), 'utf8');
    const field = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1] ?? '';
    const built = buildHelperMountSpec({ source: field('What'), mountpoint: field('Where'), type: field('Type'), options: field('Options').split(',') });
    expect(built.spec).toMatchObject({
      backend: 'glusterfs',
      volume: 'rep_vol1',
      mountpoint: '/mnt/rep_vol1',
      servers: [{ host: '10.0.0.10' }, { host: '10.0.0.11' }, { host: '10.0.0.12' }],
      options: [],
    });
    expect(built.stripped).toEqual(['_netdev']);
  });
});
