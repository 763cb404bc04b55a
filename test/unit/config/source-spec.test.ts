import { describe, expect, it } from 'vitest';
import { isSourceSpec, parseSourceSpec, splitVolumePath } from '../../../src/config/source-spec.js';

describe('parseSourceSpec', () => {
  it('when one host and a volume are given then the path keeps the volume', () => {
    expect(parseSourceSpec('vip:/rep_vol1')).toEqual({ servers: [{ host: 'vip' }], path: '/rep_vol1' });
  });
  it('when several hosts and a port are given then every host gets the port, in order', () => {
    expect(parseSourceSpec('vip,gfs1,gfs2:24008:/rep_vol1/sub')).toEqual({
      servers: [{ host: 'vip', port: 24008 }, { host: 'gfs1', port: 24008 }, { host: 'gfs2', port: 24008 }],
      path: '/rep_vol1/sub',
    });
  });
  it('when IPv6 literals are in brackets then they are parsed without brackets', () => {
    expect(parseSourceSpec('[fe80::1],[fe80::2]:9421:/')).toEqual({ servers: [{ host: 'fe80::1', port: 9421 }, { host: 'fe80::2', port: 9421 }], path: '/' });
  });
  it('when an IPv6 literal has no brackets then the error says to add them', () => {
    expect(() => parseSourceSpec('fe80::1:/vol')).toThrow(/brackets/);
  });
  it('when the MooseFS root is written as "master:" then the path is empty', () => {
    expect(parseSourceSpec('mfsmaster:')).toEqual({ servers: [{ host: 'mfsmaster' }], path: '' });
  });
  it.each([
    [';rm -rf /:/vol', /not a hostname/],
    ['$(reboot):/vol', /not a hostname/],
    ['-oProxy:/vol', /starts with "-"/],
    ['gfs1 gfs2:/vol', /white space/],
    ['gfs1:99999:/vol', /not a port/],
    [':/vol', /no server/],
    ['gfs1:vol', /must start with "\/"/],
    ['[gfs1]:/vol', /only IPv6/],
  ])('when the source is %j then it is refused with a usage error', (text, message) => {
    expect(() => parseSourceSpec(text)).toThrow(message);
    try {
      parseSourceSpec(text);
    } catch (error) {
      expect(error).toMatchObject({ exitCode: 1, code: 'ha-mount.source.invalid' });
    }
  });
  it('when text has no colon then it is a mount name, not a spec', () => {
    expect(isSourceSpec('rep_vol1')).toBe(false);
    expect(isSourceSpec('vip:/rep_vol1')).toBe(true);
  });
});

describe('splitVolumePath', () => {
  it('when the backend is glusterfs then the first segment is the volume', () => {
    expect(splitVolumePath('glusterfs', '/rep_vol1/a/b')).toEqual({ volume: 'rep_vol1', subdir: '/a/b' });
  });
  it('when the backend is moosefs then the whole path is the subfolder', () => {
    expect(splitVolumePath('moosefs', '/a/b')).toEqual({ volume: '', subdir: '/a/b' });
    expect(splitVolumePath('lizardfs', '/')).toEqual({ volume: '', subdir: '' });
  });
  it('when a GlusterFS path has no volume then the error asks for one', () => {
    expect(() => splitVolumePath('glusterfs', '/')).toThrow(/needs a volume name/);
  });
  it('when the path climbs with ".." then it is refused', () => {
    expect(() => splitVolumePath('glusterfs', '/vol/../etc')).toThrow(/subfolder/);
  });
});
