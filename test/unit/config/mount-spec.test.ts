import { describe, expect, it } from 'vitest';
import { buildHelperMountSpec } from '../../../src/config/helper-spec.js';
import { buildMountSpec, deriveMountName, isFstabOnlyOption, type MountSpecParts } from '../../../src/config/mount-spec.js';
import { defaultProbeSettings } from '../../../src/config/probe-config.js';

// the mount name grammar of mount-spec.ts, restated
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@:+/-]{0,127}$/;

function parts(overrides: Partial<MountSpecParts> = {}): MountSpecParts {
  return { name: 'm', backend: 'moosefs', servers: [{ host: 'mfsmaster' }], mountpoint: '/data', options: [], probe: defaultProbeSettings(), ...overrides };
}

describe('deriveMountName', () => {
  it.each([
    ['glusterfs', 'rep_vol1', '', 'rep_vol1'],
    ['glusterfs', 'rep_vol1', '/a/b', 'rep_vol1/a/b'],
    ['moosefs', '', '', 'moosefs:/'],
    ['lizardfs', '', '/exports/a', 'lizardfs:/exports/a'],
  ] as const)('when %s %j %j already fits a name then it is kept as %j', (backend, volume, subdir, name) => {
    expect(deriveMountName(backend, volume, subdir)).toBe(name);
  });
  it('when a subfolder holds characters a name cannot have then they become "_" and a hash keeps the names apart', () => {
    const names = ['/a=b', '/a%b', '/a~b'].map((subdir) => deriveMountName('glusterfs', 'vol', subdir));
    for (const name of names) expect(name).toMatch(/^vol\/a_b-[0-9a-f]{8}$/);
    expect(new Set([...names, deriveMountName('glusterfs', 'vol', '/a_b')]).size).toBe(4);
    expect(deriveMountName('moosefs', '', '/a/~')).toMatch(/^moosefs:\/a\/_-[0-9a-f]{8}$/);
  });
  it('when volume and subfolder are longer than a name may be then the name is cut to 128 characters with a hash', () => {
    const long = `/${'s'.repeat(70)}/${'t'.repeat(70)}`;
    const name = deriveMountName('glusterfs', 'v'.repeat(64), long);
    expect(name).toMatch(NAME);
    expect(name).toHaveLength(128);
    expect(name).not.toBe(deriveMountName('glusterfs', 'v'.repeat(64), `${long}x`));
  });
  it.each([
    ['0.0.0.0:/a/~', 'ha'],
    ['gfs1:/vol/a=b', 'ha'],
    ['mfs1:/x~y%z', 'ha.moosefs'],
    [`gfs1:/vol/${'x'.repeat(70)}/${'y'.repeat(70)}`, 'ha'],
  ])('when mount.ha gets the source %j (type %s) without a name then the spec builds with a derived name that fits', (source, type) => {
    const { spec } = buildHelperMountSpec({ source, mountpoint: '/data', options: [], type });
    expect(spec.name).toMatch(NAME);
  });
});

describe('isFstabOnlyOption', () => {
  it.each(['X-mount.mkdir', 'X-mount.mode=0755', 'x-systemd.automount', '_netdev', 'comment=x'])('when the option is %j then it is for mount(8) only', (token) => {
    expect(isFstabOnlyOption(token)).toBe(true);
  });
  it('when an X-* option reaches buildMountSpec then it is stripped, never given to the backend', () => {
    const built = buildMountSpec(parts({ options: ['X-mount.mkdir', 'mfscachemode=AUTO'] }));
    expect(built.spec.options).toEqual(['mfscachemode=AUTO']);
    expect(built.stripped).toEqual(['X-mount.mkdir']);
  });
});

describe('buildMountSpec helper keys', () => {
  it.each([
    ['moosefs', 'probe-interval=1s', "belongs in the mount's probe: key (probe: {interval: VALUE})"],
    ['lizardfs', 'on-hang-remount-after=30s', "belongs in the mount's on-hang: key (on-hang: {remount-after: VALUE})"],
    ['moosefs', 'servers=gfs2', "belongs in the mount's servers: list"],
    ['moosefs', 'backend=glusterfs', "belongs in the mount's backend: key"],
    ['glusterfs', 'name=other', "belongs in the mount's name: key"],
  ] as const)('when a %s mount lists ha-mount\'s own %j among its options then it is refused, saying where it belongs', (backend, token, where) => {
    const input = parts({ backend, ...(backend === 'glusterfs' ? { volume: 'vol' } : {}), options: ['ro', token] });
    expect(() => buildMountSpec(input)).toThrow(`option "${token}" is one of ha-mount's own settings, not a filesystem option: in a config file it ${where}`);
    expect(() => buildMountSpec(input, { sloppy: true })).toThrow(/ha-mount's own settings/);
  });
  it('when an option looks like an ha-mount probe key but is none then it is unknown: refused, or dropped by sloppy', () => {
    expect(() => buildMountSpec(parts({ options: ['probe-bogus=1'] }))).toThrow(/"probe-bogus=1" is not an ha-mount setting \(known: probe-interval, /);
    const built = buildMountSpec(parts({ options: ['probe-bogus=1', 'ro'] }), { sloppy: true });
    expect(built.spec.options).toEqual(['ro']);
    expect(built.ignored.map((problem) => problem.option)).toEqual(['probe-bogus=1']);
  });
  it('when an unknown option is refused then only origin mount.ha gets the -s hint', () => {
    const input = parts({ backend: 'glusterfs', volume: 'vol', options: ['frobnicate'] });
    expect(() => buildMountSpec(input, { origin: 'mount.ha' })).toThrow(/frobnicate is not a GlusterFS mount option .*\(mount\.ha -s ignores unknown options\)$/);
    for (const origin of [undefined, 'config', 'command line'] as const) {
      expect(() => buildMountSpec(input, origin === undefined ? {} : { origin })).toThrow(/mount\.glusterfs\)$/);
    }
  });
});
