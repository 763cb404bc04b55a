import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../src/config/load-config.js';
import { DEFAULTS } from '../../../src/defaults.js';

const GOOD = `probe:
  interval: 2s
  timeout: 4s
mounts:
  - name: rep_vol1
    backend: glusterfs
    volume: rep_vol1
    servers: [10.0.0.10, "gfs2:24008", "[fe80::1]"]
    mountpoint: /data/
    options: [acl, ping-timeout=4]
    probe:
      interval: 500ms
      fall: 5
    on-hang:
      remount-after: 30s
    post-remount: [systemctl, restart, nginx]
  - name: mfs
    backend: moosefs
    subdir: /projects
    servers: [mfsmaster]
    mountpoint: /mfs
    options: "mfscachemode=AUTO,nonempty"
notify:
  email: { to: ops@example.com }
metrics:
  port: 9999
`;

function errorOf(run: () => unknown): Error & { exitCode?: number } {
  try {
    run();
  } catch (error) {
    return error as Error & { exitCode?: number };
  }
  throw new Error('expected an error');
}

describe('parseConfig', () => {
  it('when the file is valid then mounts come out validated with probe settings merged', () => {
    const config = parseConfig('/etc/ha.yaml', GOOD);
    const [gluster, moose] = config.mounts;
    expect(config.probe).toMatchObject({ intervalMs: 2_000, timeoutMs: 4_000, fall: DEFAULTS.probe.fall });
    expect(gluster).toEqual({
      name: 'rep_vol1',
      backend: 'glusterfs',
      servers: [{ host: '10.0.0.10' }, { host: 'gfs2', port: 24008 }, { host: 'fe80::1' }],
      volume: 'rep_vol1',
      subdir: '',
      mountpoint: '/data',
      options: ['acl', 'ping-timeout=4'],
      probe: { intervalMs: 500, timeoutMs: 4_000, fall: 5, rise: DEFAULTS.probe.rise, slowMs: DEFAULTS.probe.slowMs, write: true },
      onHang: { remountAfterMs: 30_000 },
      postRemount: ['systemctl', 'restart', 'nginx'],
    });
    expect(moose).toMatchObject({ backend: 'moosefs', volume: '', subdir: '/projects', options: ['mfscachemode=AUTO', 'nonempty'] });
  });
  it('when notify and metrics sections exist then they are kept as readers for their parsers', () => {
    const config = parseConfig('/etc/ha.yaml', GOOD);
    expect(config.sections.metrics.child('port').integer()).toBe(9999);
    expect(config.sections.notify.child('email').child('to').string()).toBe('ops@example.com');
    expect(config.sections.notify.path).toBe('notify');
  });
  it('when a section is absent then its reader exists but has no node', () => {
    expect(parseConfig('f', 'mounts: []\n').sections.notify.exists).toBe(false);
  });
  it('when the file is empty then there are no mounts and default probes', () => {
    const config = parseConfig('f', '');
    expect(config.mounts).toEqual([]);
    expect(config.probe.intervalMs).toBe(DEFAULTS.probe.intervalMs);
  });
  it('when a top-level key is unknown then the error names it with file and line', () => {
    expect(() => parseConfig('/etc/ha.yaml', 'mounts: []\nmonuts: []\n')).toThrow('/etc/ha.yaml:2: monuts: expected one of the keys mounts, probe, notify, metrics');
  });
  it('when a server is hostile then the error names file, line and key path', () => {
    const text = 'mounts:\n  - name: a\n    volume: v\n    servers:\n      - gfs1\n      - ";rm -rf /"\n    mountpoint: /a\n';
    const error = errorOf(() => parseConfig('c.yaml', text));
    expect(error.message).toMatch(/^c\.yaml:6: mounts\[0\]\.servers\[1\]: ";rm -rf \/" is not a hostname/);
    expect(error.exitCode).toBe(1);
  });
  it('when a mountpoint is relative then the error names its line', () => {
    const text = 'mounts:\n  - name: a\n    volume: v\n    servers: [g]\n    mountpoint: data\n';
    expect(() => parseConfig('c.yaml', text)).toThrow(/^c\.yaml:5: mounts\[0\]\.mountpoint: "data" is not an absolute path/);
  });
  it('when an option has a comma inside a list item then it is split, and a hostile one is refused', () => {
    const text = 'mounts:\n  - name: a\n    volume: v\n    servers: [g]\n    mountpoint: /a\n    options: ["-oremount"]\n';
    expect(() => parseConfig('c.yaml', text)).toThrow(/c\.yaml:6: mounts\[0\]\.options: option "-oremount" is not accepted/);
  });
  it('when the backend is unknown then the error lists the known ones', () => {
    const text = 'mounts:\n  - name: a\n    backend: nfs\n    servers: [g]\n    mountpoint: /a\n';
    expect(() => parseConfig('c.yaml', text)).toThrow(/c\.yaml:3: mounts\[0\]\.backend: unknown backend "nfs": expected one of glusterfs, moosefs, lizardfs/);
  });
  it('when a GlusterFS mount has no volume then the error names the mount item', () => {
    const text = 'mounts:\n  - name: a\n    servers: [g]\n    mountpoint: /a\n';
    expect(() => parseConfig('c.yaml', text)).toThrow(/c\.yaml:2: mounts\[0\]: a GlusterFS mount needs a volume/);
  });
  it.each([
    ['moosefs', 'probe-interval=1s', "the mount's probe: key"],
    ['lizardfs', 'on-hang-remount-after=30s', "the mount's on-hang: key"],
    ['glusterfs', 'servers=gfs2', "the mount's servers: list"],
  ])('when a %s mount lists ha-mount\'s own %j under options then it is refused with file, line and where it belongs', (backend, token, where) => {
    const volume = backend === 'glusterfs' ? '    volume: vol\n' : '';
    const text = `mounts:\n  - name: m\n    backend: ${backend}\n${volume}    servers: [master]\n    mountpoint: /data\n    options: [ro, ${token}]\n`;
    const error = errorOf(() => parseConfig('c.yaml', text));
    expect(error.message).toMatch(/^c\.yaml:2: mounts\[0\]: /);
    expect(error.message).toContain(`option "${token}" is one of ha-mount's own settings, not a filesystem option: in a config file it belongs in ${where}`);
    expect(error.exitCode).toBe(1);
  });
  it('when a config mount has an unknown GlusterFS option then the error does not suggest mount.ha -s', () => {
    const error = errorOf(() => parseConfig('c.yaml', 'mounts:\n  - name: m\n    volume: vol\n    servers: [gfs1]\n    mountpoint: /data\n    options: [frobnicate]\n'));
    expect(error.message).toContain('option frobnicate is not a GlusterFS mount option');
    expect(error.message).not.toContain('mount.ha -s');
  });
  it('when servers is missing then the error says it is required', () => {
    const text = 'mounts:\n  - name: a\n    volume: v\n    mountpoint: /a\n';
    expect(() => parseConfig('c.yaml', text)).toThrow(/mounts\[0\]\.servers: this key is required/);
  });
  it('when two mounts share a name or a mountpoint then the second is refused', () => {
    const mount = (name: string, dir: string): string => `  - name: ${name}\n    volume: v\n    servers: [g]\n    mountpoint: ${dir}\n`;
    expect(() => parseConfig('c', `mounts:\n${mount('a', '/a')}${mount('a', '/b')}`)).toThrow(/mounts\[1\]\.name: mount name "a" is already used by mounts\[0\]/);
    expect(() => parseConfig('c', `mounts:\n${mount('a', '/a')}${mount('b', '/a/')}`)).toThrow(/mounts\[1\]\.mountpoint: \/a is already the mountpoint of mounts\[0\]/);
  });
  it('when a probe duration is malformed then the error gives the expected form', () => {
    expect(() => parseConfig('c', 'probe:\n  interval: fast\n')).toThrow(/c:2: probe\.interval: expected a duration like 500ms, 2s or 1m/);
  });
  it('when the slow threshold is above the timeout then it is refused', () => {
    expect(() => parseConfig('c', 'probe:\n  timeout: 1s\n  slow: 2s\n')).toThrow(/probe\.slow: expected a slow threshold below the probe timeout/);
  });
  it('when a mount key is misspelt then the allowed keys are listed', () => {
    const text = 'mounts:\n  - name: a\n    volume: v\n    servers: [g]\n    mountpoint: /a\n    mountponit: /b\n';
    expect(() => parseConfig('c', text)).toThrow(/c:6: mounts\[0\]\.mountponit: expected one of the keys name, backend/);
  });
});

describe('loadConfig', () => {
  const missing = async (): Promise<string> => {
    throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
  };
  it('when the file is missing and that is allowed then the config is empty and not found', async () => {
    const config = await loadConfig('/etc/ha-mount/ha-mount.yaml', missing, { missingOk: true });
    expect(config).toMatchObject({ found: false, mounts: [] });
  });
  it('when a file given explicitly is missing then it is a usage error naming it', async () => {
    await expect(loadConfig('/tmp/nope.yaml', missing)).rejects.toMatchObject({ exitCode: 1, code: 'ha-mount.config.not-found', message: expect.stringContaining('/tmp/nope.yaml does not exist') });
  });
  it('when the file cannot be read for another reason then it is a system error', async () => {
    const broken = async (): Promise<string> => {
      throw Object.assign(new Error('EIO'), { code: 'EIO' });
    };
    await expect(loadConfig('/etc/x.yaml', broken)).rejects.toMatchObject({ exitCode: 2 });
  });
  it('when the file exists then it is parsed with its path in errors', async () => {
    await expect(loadConfig('/etc/x.yaml', async () => 'bogus: 1\n')).rejects.toThrow(/^\/etc\/x\.yaml:1: bogus/);
  });
});

describe('parseConfig post-remount', () => {
  it('when post-remount is a shell line instead of a list then it is refused', () => {
    const text = 'mounts:\n  - name: a\n    volume: v\n    servers: [g]\n    mountpoint: /a\n    post-remount: "systemctl restart nginx; rm -rf /"\n';
    expect(() => parseConfig('c', text)).toThrow(/c:6: mounts\[0\]\.post-remount: expected a list/);
  });
});
