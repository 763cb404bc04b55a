import { describe, expect, it } from 'vitest';
import { checkHost, checkMountpointPath, checkOption, checkSubdir, checkVolumeName, formatServer, parseServerAddress, quoteValue } from '../../../src/config/validate.js';

const HOSTILE_HOSTS = [';rm -rf /', 'gfs1 gfs2', '$(reboot)', '`id`', '-oProxyCommand=x', 'a;b', 'host|cat', '', 'a..b', '-gfs1', 'gfs-.example', 'x'.repeat(64), 'host\nname', "it's"];

describe('checkHost', () => {
  it.each(['gfs1', 'data-node-02.example.com', '10.0.0.10', 'fe80::1', '2001:db8::1', 'fe80::1%eth0', 'a', '1host'])('when given %j then it is accepted', (host) => {
    expect(checkHost(host)).toEqual({ ok: true, value: host });
  });
  it.each(HOSTILE_HOSTS)('when given the hostile or malformed host %j then it is refused', (host) => {
    const checked = checkHost(host);
    expect(checked.ok).toBe(false);
  });
  it('when a host starts with "-" then the problem says so', () => {
    expect(checkHost('-oX')).toMatchObject({ ok: false, problem: expect.stringContaining('starts with "-"') });
  });
  it('when a host holds white space then the problem says so', () => {
    expect(checkHost(';rm -rf /')).toMatchObject({ ok: false, problem: expect.stringContaining('white space') });
  });
  it('when a zone id holds shell characters then the IPv6 literal is refused', () => {
    expect(checkHost('fe80::1%$(id)').ok).toBe(false);
  });
  it.each(['127.1', '24007', '010.0.0.1', '0x7f000001', '10.0.0', '1.2.3.4.5', 'gfs.01', 'node.0x1f', '0x'])(
    'when the host %j ends in a numeric label (an inet_aton number to getaddrinfo) then it is refused',
    (host) => {
      expect(checkHost(host)).toMatchObject({ ok: false, problem: expect.stringContaining('cannot end in a number') });
    },
  );
  it.each(['1host', '0xfoo.example', '24007.example.com', '10.0.0.1', '0.0.0.0'])('when the host %j has a name as last label or is a canonical dotted quad then it is accepted', (host) => {
    expect(checkHost(host)).toEqual({ ok: true, value: host });
  });
});

describe('quoteValue', () => {
  it('when a value holds DEL or C1 controls (U+009B is CSI) then they are escaped as \\uXXXX, like the C0 ones', () => {
    expect(quoteValue('a\u007fb\u009b31m\u0085\u0080\u001b\n')).toBe('"a\\u007fb\\u009b31m\\u0085\\u0080\\u001b\\n"');
  });
  it('when a value is printable then it is only quoted', () => {
    expect(quoteValue('gfs1:/vol é')).toBe('"gfs1:/vol é"');
  });
});

describe('parseServerAddress', () => {
  it.each([
    ['gfs1', { host: 'gfs1' }],
    ['gfs1:24008', { host: 'gfs1', port: 24008 }],
    ['[fe80::1]:9421', { host: 'fe80::1', port: 9421 }],
    ['[2001:db8::1]', { host: '2001:db8::1' }],
    ['2001:db8::1', { host: '2001:db8::1' }],
  ])('when given %j then it is %j', (text, expected) => {
    expect(parseServerAddress(text)).toEqual({ ok: true, value: expected });
  });
  it.each(['gfs1:0', 'gfs1:65536', 'gfs1:x', '[gfs1]:24007', '$(id):1', 'gfs1:'])('when given %j then it is refused', (text) => {
    expect(parseServerAddress(text).ok).toBe(false);
  });
  it('when formatted then IPv6 goes in brackets', () => {
    expect(formatServer({ host: 'fe80::1', port: 24007 })).toBe('[fe80::1]:24007');
    expect(formatServer({ host: 'gfs1' })).toBe('gfs1');
  });
});

describe('checkMountpointPath', () => {
  it.each([
    ['/data', '/data'],
    ['/mnt/x/', '/mnt/x'],
    ['/mnt//x/./y', '/mnt/x/y'],
    ['/mnt/a/../b', '/mnt/b'],
  ])('when given %j then it is normalised to %j', (path, expected) => {
    expect(checkMountpointPath(path)).toEqual({ ok: true, value: expected });
  });
  it.each(['data', './data', '', '/mnt/my data', '/mnt/$(id)', '/mnt/a;b', '/mnt/*', '/', '/..', '/mnt/\n'])('when given %j then it is refused', (path) => {
    expect(checkMountpointPath(path).ok).toBe(false);
  });
  it('when the path is relative then the problem says it must be absolute', () => {
    expect(checkMountpointPath('data')).toMatchObject({ problem: expect.stringContaining('absolute') });
  });
});

describe('checkOption', () => {
  it.each(['acl', 'ro', 'log-level=WARNING', 'xlator-option=*-client-*.ping-timeout=4', 'mfscachemode=AUTO', 'backup-volfile-servers=[fe80::1]:b'])('when given %j then it is accepted', (token) => {
    expect(checkOption(token).ok).toBe(true);
  });
  it.each(['-oremount', 'a,b', 'a b', 'key=$(id)', 'key=`id`', 'key=a;b', 'key="x"', '=value', 'k=v|w'])('when given %j then it is refused', (token) => {
    expect(checkOption(token).ok).toBe(false);
  });
  it('when a token holds a comma then the problem says to split it', () => {
    expect(checkOption('a,b')).toMatchObject({ problem: expect.stringContaining('comma') });
  });
});

describe('volume and subfolder names', () => {
  it('when a volume name is plain then it is accepted', () => {
    expect(checkVolumeName('rep_vol1').ok).toBe(true);
  });
  it.each(['-vol', '.vol', 'a/b', 'a b', ''])('when the volume name is %j then it is refused', (name) => {
    expect(checkVolumeName(name).ok).toBe(false);
  });
  it.each([['', ''], ['/', ''], ['/a/b/', '/a/b'], ['/.hidden', '/.hidden']])('when the subfolder is %j then it is %j', (subdir, expected) => {
    expect(checkSubdir(subdir)).toEqual({ ok: true, value: expected });
  });
  it.each(['a', '/a/../b', '/./a', '/a b', '/-x', '/a//b'])('when the subfolder is %j then it is refused', (subdir) => {
    expect(checkSubdir(subdir).ok).toBe(false);
  });
});
