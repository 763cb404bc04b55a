import { describe, expect, it } from 'vitest';
import { parseServerList, splitHelperOptions } from '../../../src/config/helper-options.js';
import { buildHelperMountSpec } from '../../../src/config/helper-spec.js';
import { applyProbeOptions, defaultProbeSettings } from '../../../src/config/probe-config.js';

describe('splitHelperOptions', () => {
  it('when helper options are mixed with backend ones then they are taken out and the rest keeps its order', () => {
    const result = splitHelperOptions(['acl', 'backend=glusterfs', 'servers=gfs2:gfs3', 'ping-timeout=4', 'probe-interval=2s', 'name=data', 'ro', 'on-hang-remount-after=30s']);
    expect(result).toEqual({
      backend: 'glusterfs',
      name: 'data',
      servers: [{ host: 'gfs2' }, { host: 'gfs3' }],
      probe: { interval: '2s' },
      hangRemountAfterMs: 30_000,
      rest: ['acl', 'ping-timeout=4', 'ro'],
    });
  });
  it('when a helper option has no value then it is a usage error', () => {
    expect(() => splitHelperOptions(['servers'])).toThrow(/servers needs a value/);
  });
});

describe('parseServerList', () => {
  it('when servers are colon-separated then each is a host, IPv6 in brackets', () => {
    expect(parseServerList('gfs2:[fe80::2]:10.0.0.3')).toEqual([{ host: 'gfs2' }, { host: 'fe80::2' }, { host: '10.0.0.3' }]);
  });
  it('when servers are plus-separated then each may carry a port', () => {
    expect(parseServerList('gfs2:24008+[fe80::2]:24009+gfs3')).toEqual([{ host: 'gfs2', port: 24008 }, { host: 'fe80::2', port: 24009 }, { host: 'gfs3' }]);
  });
  it.each(['gfs2::gfs3', 'fe80::2', '$(id):gfs3', 'gfs2+;rm'])('when the list is %j then it is refused', (text) => {
    expect(() => parseServerList(text)).toThrow();
  });
  it.each([
    ['gfs2:24008', [{ host: 'gfs2', port: 24008 }]],
    ['10.0.0.2:24008', [{ host: '10.0.0.2', port: 24008 }]],
    ['[fe80::2]:24009', [{ host: 'fe80::2', port: 24009 }]],
    ['gfs2:24008:gfs3', [{ host: 'gfs2', port: 24008 }, { host: 'gfs3' }]],
    ['gfs2:gfs3:24009', [{ host: 'gfs2' }, { host: 'gfs3', port: 24009 }]],
  ])('when a number follows a host in %j then it is that host\'s port, not another host', (text, servers) => {
    expect(parseServerList(text)).toEqual(servers);
    expect(splitHelperOptions([`servers=${text}`]).servers).toEqual(servers);
  });
  it.each([
    ['24008:gfs2', /"24008" is a port with no host before it/],
    ['gfs2:1:2', /"2" is a port with no host before it/],
    ['gfs2:0', /"0" is not a port/],
    ['gfs2:70000', /"70000" is not a port/],
  ])('when a port in %j has no host or is out of range then it is refused', (text, message) => {
    expect(() => parseServerList(text)).toThrow(message);
  });
  it('when servers= holds control characters then the message shows them escaped', () => {
    const error = (() => {
      try {
        parseServerList('a\nINJECTED\u001b[31m');
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected an error');
    })();
    expect(error.message).toContain('servers=a\\nINJECTED\\u001b[31m');
    expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});

describe('applyProbeOptions', () => {
  it('when probe options are given then they override the base', () => {
    expect(applyProbeOptions(defaultProbeSettings(), { interval: '500ms', fall: '4', write: 'no' })).toMatchObject({ intervalMs: 500, fall: 4, write: false });
  });
  it.each([
    [{ interval: '10ms' }, /"probe-interval=10ms": expected a duration/],
    [{ fall: '0' }, /"probe-fall=0": expected a whole number from 1 to 100/],
    [{ write: 'maybe' }, /"probe-write=maybe": expected yes or no/],
    [{ slow: '9s' }, /slow threshold below the probe timeout/],
  ])('when given %j then it is refused', (values, message) => {
    expect(() => applyProbeOptions(defaultProbeSettings(), values)).toThrow(message);
  });
  it('when a probe option value holds control characters then the message shows them escaped', () => {
    expect(() => applyProbeOptions(defaultProbeSettings(), { interval: '1s\u001b[2J\u009b' })).toThrow('option "probe-interval=1s\\u001b[2J\\u009b": expected a duration');
  });
});

describe('buildHelperMountSpec', () => {
  it('when an fstab-like line is given then helper and fstab-only options never reach the backend', () => {
    const built = buildHelperMountSpec({
      source: 'vip:/rep_vol1',
      mountpoint: '/data',
      options: ['_netdev', 'nofail', 'x-systemd.automount', 'servers=gfs1:gfs2', 'probe-interval=2s', 'acl', 'defaults'],
      type: 'ha',
    });
    expect(built.spec).toMatchObject({ backend: 'glusterfs', servers: [{ host: 'vip' }, { host: 'gfs1' }, { host: 'gfs2' }], options: ['acl'], probe: { intervalMs: 2_000 } });
    expect(built.stripped).toEqual(['_netdev', 'nofail', 'x-systemd.automount', 'defaults']);
  });
  it('when the type carries a subtype then it names the backend', () => {
    expect(buildHelperMountSpec({ source: 'mfsmaster:/sub', mountpoint: '/m', options: [], type: 'ha.moosefs' }).spec).toMatchObject({ backend: 'moosefs', subdir: '/sub', volume: '' });
  });
  it('when the subtype and backend= disagree then it is a usage error', () => {
    expect(() => buildHelperMountSpec({ source: 'm:/', mountpoint: '/m', options: ['backend=glusterfs'], type: 'ha.moosefs' })).toThrow(/disagree/);
  });
  it('when a server repeats the source then it is listed once', () => {
    expect(buildHelperMountSpec({ source: 'vip:/v', mountpoint: '/m', options: ['servers=vip:gfs2'] }).spec.servers).toEqual([{ host: 'vip' }, { host: 'gfs2' }]);
  });
  it('when an option is unknown to the backend then it fails, and with sloppy it is dropped', () => {
    const input = { source: 'vip:/v', mountpoint: '/m', options: ['acl', 'frobnicate'] };
    expect(() => buildHelperMountSpec(input)).toThrow(/frobnicate is not a GlusterFS mount option/);
    const built = buildHelperMountSpec({ ...input, sloppy: true });
    expect(built.spec.options).toEqual(['acl']);
    expect(built.ignored.map((problem) => problem.option)).toEqual(['frobnicate']);
  });
  it('when the filesystem type holds control characters then the message shows them escaped', () => {
    expect(() => buildHelperMountSpec({ source: 'vip:/v', mountpoint: '/m', options: [], type: 'nfs\u001b[31m\u007f' })).toThrow(
      'filesystem type "nfs\\u001b[31m\\u007f" is not ha or ha.BACKEND',
    );
  });
  it('when an unknown option comes from mount.ha then the message points at -s, and from elsewhere it does not', () => {
    const input = { source: 'vip:/v', mountpoint: '/m', options: ['frobnicate'] };
    expect(() => buildHelperMountSpec({ ...input, origin: 'mount.ha' })).toThrow('(mount.ha -s ignores unknown options)');
    expect(() => buildHelperMountSpec(input)).toThrow(/^option frobnicate is not a GlusterFS mount option \(see man 8 mount.glusterfs\)$/);
  });
  it('when an option is wrong but known then sloppy does not hide it', () => {
    expect(() => buildHelperMountSpec({ source: 'vip:/v', mountpoint: '/m', options: ['ping-timeout=0'], sloppy: true })).toThrow(/ping-timeout/);
  });
  it('when the mountpoint is hostile then it is refused before anything runs', () => {
    expect(() => buildHelperMountSpec({ source: 'vip:/v', mountpoint: '/mnt/$(id)', options: [] })).toThrow(/mountpoint/);
  });
});
