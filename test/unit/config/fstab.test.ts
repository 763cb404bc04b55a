import { describe, expect, it } from 'vitest';
import { buildFstabMountSpec, isHaType, parseFstab, unescapeFstabField } from '../../../src/config/fstab.js';

const fstab = `# /etc/fstab: static file system information.
UUID=0a1b2c3d-0000-4000-8000-000000000000 /               ext4    errors=remount-ro 0       1
/dev/sda2  none  swap  sw  0  0

   # an indented comment
10.0.0.10:/rep_vol1  /mnt/rep_vol1  ha  _netdev,nofail,backend=glusterfs,servers=10.0.0.11:10.0.0.12,x-systemd.mount-timeout=45s,ping-timeout=10  0  0
gfs1:/rep_vol1	/mnt/with\\040space	ha.glusterfs	defaults,_netdev,probe-interval=2s
10.0.1.10:9421:/projects /mnt/projects ha _netdev,backend=moosefs,noauto,mfscachemode=AUTO
nfs1:/export  /mnt/nfs  nfs  _netdev  0  0
`;

describe('parseFstab', () => {
  const entries = parseFstab(fstab, '/etc/fstab');

  it('when fstab mixes types, comments and blank lines then only the ha lines come back, with their line numbers', () => {
    expect(entries.map((entry) => [entry.line, entry.mountpoint])).toEqual([
      [6, '/mnt/rep_vol1'],
      [7, '/mnt/with space'],
      [8, '/mnt/projects'],
    ]);
  });

  it('when a line has helper, backend and fstab-only options then each goes to its own list', () => {
    const [glusterfs] = entries;
    expect(glusterfs).toMatchObject({
      file: '/etc/fstab',
      spec: '10.0.0.10:/rep_vol1',
      type: 'ha',
      backendOptions: ['ping-timeout=10'],
      fstabOptions: ['_netdev', 'nofail', 'x-systemd.mount-timeout=45s'],
      freq: 0,
      passno: 0,
    });
    expect(glusterfs?.helper.backend).toBe('glusterfs');
    expect(glusterfs?.helper.servers).toEqual([{ host: '10.0.0.11' }, { host: '10.0.0.12' }]);
  });

  it('when a line holds X-* options then they are fstab-only, like x-*, and never reach the backend', () => {
    const [entry] = parseFstab('gfs1:/vol /data ha _netdev,X-mount.mkdir,X-mount.mode=0755,acl 0 0\n', '/etc/fstab');
    expect(entry?.backendOptions).toEqual(['acl']);
    expect(entry?.fstabOptions).toEqual(['_netdev', 'X-mount.mkdir', 'X-mount.mode=0755']);
    expect(buildFstabMountSpec(entry!).options).toEqual(['acl']);
  });

  it('when the mountpoint holds \\040 and the type names the backend then it is unescaped and kept', () => {
    const entry = entries[1];
    expect(entry?.type).toBe('ha.glusterfs');
    expect(entry?.options).toEqual(['_netdev', 'probe-interval=2s']);
    expect(entry?.helper.probe).toEqual({ interval: '2s' });
    expect(entry?.freq).toBe(0);
  });

  it('when an entry is built then it is the MountSpec mount.ha would build', () => {
    const spec = buildFstabMountSpec(entries[0]!);
    expect(spec).toMatchObject({
      backend: 'glusterfs',
      servers: [{ host: '10.0.0.10' }, { host: '10.0.0.11' }, { host: '10.0.0.12' }],
      volume: 'rep_vol1',
      mountpoint: '/mnt/rep_vol1',
      options: ['ping-timeout=10'],
    });
    const moosefs = buildFstabMountSpec(entries[2]!);
    expect(moosefs).toMatchObject({ backend: 'moosefs', servers: [{ host: '10.0.1.10', port: 9421 }], subdir: '/projects' });
    const [tuned] = parseFstab('gfs1:/v /mnt/v ha.glusterfs _netdev,probe-interval=2s\n', '/etc/fstab');
    expect(buildFstabMountSpec(tuned!).probe.intervalMs).toBe(2_000);
  });

  it('when mount.ha would refuse a line then building it names the fstab line', () => {
    expect(() => buildFstabMountSpec(entries[1]!)).toThrow(/^\/etc\/fstab:7: mountpoint "\/mnt\/with space" contains characters/);
  });

  it.each([
    ['a non-numeric pass field', 'gfs1:/v /mnt/v ha _netdev 0 x\n', '/etc/fstab:1: the sixth field (fsck pass) is "x", not a number'],
    ['seven fields', 'gfs1:/v /mnt/v ha _netdev 0 0 extra\n', '/etc/fstab:1: 7 fields (write a space in a path as \\040)'],
    ['a bad servers= value', '# c\ngfs1:/v /mnt/v ha servers=a:;rm\n', '/etc/fstab:2: option "servers=a:;rm":'],
    ['an empty helper option', 'gfs1:/v /mnt/v ha backend=\n', '/etc/fstab:1: option backend needs a value'],
  ])('when an ha line has %s then the error names file and line', (_what, text, message) => {
    expect(() => parseFstab(text, '/etc/fstab')).toThrow(message);
  });

  it('when a malformed line is of another type then it is left to mount(8)', () => {
    expect(parseFstab('/dev/sdb1 /srv ext4 defaults 0 x y z\nbroken-line\n', '/etc/fstab')).toEqual([]);
  });

  it('when the source is invalid then building names the fstab line', () => {
    const [entry] = parseFstab('\n\n;rm:/v /mnt/v ha _netdev\n', '/etc/fstab');
    expect(() => buildFstabMountSpec(entry!)).toThrow(/^\/etc\/fstab:3: invalid source/);
  });
});

describe('fstab fields', () => {
  it.each([
    ['/mnt/a\\040b', '/mnt/a b'],
    ['a\\011b', 'a\tb'],
    ['back\\134slash', 'back\\slash'],
    ['no\\escape', 'no\\escape'],
  ])('when a field is %s then it reads %j', (field, expected) => {
    expect(unescapeFstabField(field)).toBe(expected);
  });
  it.each([
    ['ha', true],
    ['ha.glusterfs', true],
    ['fuse.ha.moosefs', true],
    ['glusterfs', false],
    ['hack', false],
    ['fuse.glusterfs', false],
  ])('when the type is %s then isHaType is %s', (type, expected) => {
    expect(isHaType(type)).toBe(expected);
  });
});
