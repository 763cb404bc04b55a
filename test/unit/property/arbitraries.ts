// Generators shared by the property tests: hostile text, valid hosts and sources, mountpoints,
// option tokens and mount.ha argv. Valid values come with what they mean, so properties can
// compare what the code parsed with what was generated.
import fc from 'fast-check';

/** Runs per property; HA_MOUNT_PROPERTY_RUNS scales them (e.g. 10 for a long local hunt). */
export function runs(base: number): number {
  const scale = Number(process.env.HA_MOUNT_PROPERTY_RUNS ?? '1');
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** `arbitrary` once in `every` values, else undefined. */
export function rarely<T>(arbitrary: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: every - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
}

/** Strings that have broken parsers and shells before. */
export const HOSTILE_FRAGMENTS = [
  ';rm -rf /', '$(reboot)', '`id`', '${IFS}', '|cat /etc/shadow', '&& halt', '> /etc/passwd', "'", '"', '\\',
  'a b', ' ', '\t', '\n', '\r\n', '\0', 'a\0b', '\u001b[31m', '\u007f', '\u2028', '\ufeff', '\ud800',
  '-', '--', '-o', '-oro', '-t', '-N', '-h', '--help', '-v', '-sfnv', '-x', '--options=ro',
  '', ',', ',,', '=', '==', 'a=b=c', '=x', 'x=', 'ro,,rw', ',ro', 'ro,',
  ':', '::', ':/', '[', ']', '[::1]', '[a]', '[]:/v', '%', '%eth0', '@', '#', '~', '*', '?', '!',
  '..', '../..', '/', '//', '/..', '/./', '.', 'é', '日本', '🙂', 'İ', 'ǅ', 'x'.repeat(300), 'a.'.repeat(130),
  '1.2.3.4.5', '256.1.1.1', '0x7f000001', '010.0.0.1', '127.1', '24007', 'fe80::1%eth0', 'fe80::1%-o',
];

/** Any text a user or an attacker could type: fragments, raw unicode and bytes, mixtures. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_FRAGMENTS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 24 }) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...HOSTILE_FRAGMENTS, 'gfs1', 'vol', '/data', 'ro', '24007'), { minLength: 2, maxLength: 5 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 70_000 }).map((length) => 'a'.repeat(length)) },
);

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/);
const letterLabel = fc.stringMatching(/^[a-z](?:[a-z0-9-]{0,8}[a-z0-9])?$/);

/** A host name by RFC 1123, last label starting with a letter (so never an inet_aton number). */
export const hostnameArb: fc.Arbitrary<string> = fc
  .tuple(fc.array(label, { maxLength: 3 }), letterLabel)
  .map(([labels, last]) => [...labels, last].join('.'));

/** A host as written in a source spec or -s, with its canonical form (IPv6 without brackets). */
export interface GeneratedHost {
  /** as the user writes it: IPv6 in brackets */
  written: string;
  /** as ha-mount should store it */
  host: string;
  kind: 'name' | 'ipv4' | 'ipv6';
}

export const hostArb: fc.Arbitrary<GeneratedHost> = fc.oneof(
  { weight: 4, arbitrary: hostnameArb.map((host) => ({ written: host, host, kind: 'name' as const })) },
  { weight: 3, arbitrary: fc.ipV4().map((host) => ({ written: host, host, kind: 'ipv4' as const })) },
  { weight: 2, arbitrary: fc.ipV6().map((host) => ({ written: `[${host}]`, host, kind: 'ipv6' as const })) },
);

/** A GlusterFS volume name. */
export const volumeArb = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);

/** A subfolder segment made of the characters every tool agrees on. */
export const plainSegmentArb = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,10}$/);

/** A generated source spec and what it means. */
export interface GeneratedSource {
  text: string;
  hosts: GeneratedHost[];
  port?: number;
  /** "/volume/sub/dir" */
  path: string;
  volume: string;
  subdir: string;
}

/** `host1[,host2...][:port]:/volume[/subdir]` from parts; segments from `segment`. */
export function sourceArb(segment: fc.Arbitrary<string> = plainSegmentArb): fc.Arbitrary<GeneratedSource> {
  return fc
    .record({
      hosts: fc.array(hostArb, { minLength: 1, maxLength: 4 }),
      port: fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined }),
      volume: volumeArb,
      segments: fc.array(segment, { maxLength: 3 }),
    })
    .map(({ hosts, port, volume, segments }) => {
      const subdir = segments.map((part) => `/${part}`).join('');
      const path = `/${volume}${subdir}`;
      const text = `${hosts.map((host) => host.written).join(',')}${port === undefined ? '' : `:${port}`}:${path}`;
      return { text, hosts, ...(port === undefined ? {} : { port }), path, volume, subdir };
    });
}

/** Hosts that must never reach DNS, a connect or an argv: shell syntax, flags, bad zone ids. */
export const HOSTILE_HOSTS = [
  ';rm -rf /', '$(reboot)', '`id`', 'a b', 'gfs1;id', 'gfs1&&halt', 'gfs1|x', 'gfs1\n', 'gfs1\0', '-oProxyCommand=x', '-H', '--', '..', 'a..b', 'a_b',
  'fe80::1%;rm', 'fe80::1%$(id)', '::1%a b', 'fe80::1%eth0;id', '::1%`id`', 'fe80::1%a%b', '::ffff:1.2.3.4;id', '1.2.3.4 5.6.7.8', '1.2.3.4;id', '1.2.3.4\n',
];

/** A source spec in which one host is replaced by a hostile one (bare or in brackets). */
export const sourceWithHostileHostArb: fc.Arbitrary<string> = fc
  .tuple(sourceArb(), fc.nat(), fc.oneof(fc.constantFrom(...HOSTILE_HOSTS), hostileText), fc.boolean())
  .map(([source, which, bad, bracket]) => {
    const hosts = source.hosts.map((host) => host.written);
    hosts[which % hosts.length] = bracket ? `[${bad}]` : bad;
    return `${hosts.join(',')}${source.port === undefined ? '' : `:${source.port}`}:${source.path}`;
  });

/** Directories the fake machine has. */
export const KNOWN_DIRECTORIES = ['/data', '/mnt/gfs', '/srv/a-b_c.d', '/mnt/x:y', '/mnt/a=b'];

/** Paths an admin could really have made (mkdir accepts them); validation, not the file system, must refuse them. */
export const ODD_DIRECTORIES = ['/mnt/a b', '/mnt/$x', '/mnt/a\tb', '/mnt/`id`', '/mnt/a*', '/mnt/a?b', '/mnt/[ab]', '/mnt/a\nb', '/mnt/-o', '/mnt/é', '/mnt/a;b', "/mnt/a'b", '/mnt/a\\b', '/mnt/a|b', '/mnt/a&b', '/mnt/a(b)', '/mnt/a>b'];

/** Mountpoints: known directories as written in many equivalent ways, plus hostile and relative paths. */
export const mountpointArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...KNOWN_DIRECTORIES) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom('/', '//', '/./', '/../'), fc.constantFrom(...KNOWN_DIRECTORIES), fc.constantFrom('', '/', '/.', '/x/..', '//', '/./', '/../data'))
      .map(([lead, dir, tail]) => `${lead}${dir.slice(1)}${tail}`),
  },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_DIRECTORIES) },
  { weight: 1, arbitrary: fc.constantFrom('/nonexistent', '/etc/passwd', '/', '/..', '/data/..', 'data', './data', '', '-o', '/data\0', '/da ta', '/data;rm -rf /', '/$(id)', '/data\n/etc') },
  { weight: 2, arbitrary: hostileText },
);

/** Option tokens of every kind: backend, helper-only, fstab-only, managed, malformed, hostile. */
export const optionTokenArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('ro', 'rw', 'acl', 'noatime', 'log-level=WARNING', 'direct-io-mode=disable', 'attribute-timeout=5', 'log-file=/var/log/g.log', 'noexec', 'nosuid', 'auto_unmount') },
  { weight: 2, arbitrary: fc.constantFrom('mfscachemode=AUTO', 'mfsmkdircopysgid', 'mfsacl', 'mfstimeout=10', 'mfsdelayedinit', 'allow_other', 'nonempty') },
  { weight: 3, arbitrary: fc.constantFrom('backend=glusterfs', 'backend=moosefs', 'backend=lizardfs', 'backend=nfs', 'backend=', 'servers=gfs2:gfs3', 'servers=gfs2:24008+gfs3', 'servers=[fe80::1]:[::2]', 'servers=;rm', 'servers=', 'name=shared', 'name=a b', 'probe-interval=1s', 'probe-interval=1ms', 'probe-timeout=5s', 'probe-fall=3', 'probe-rise=0', 'probe-slow=2s', 'probe-write=yes', 'probe-write=maybe', 'on-hang-remount-after=30s', 'on-hang-remount-after=1', 'probe-bogus=1') },
  { weight: 2, arbitrary: fc.constantFrom('ping-timeout=5', 'ping-timeout=off', 'ping-timeout=1', 'ping-timeout=-1', 'ping-timeout', 'xlator-option=*-client-*.ping-timeout=7') },
  { weight: 2, arbitrary: fc.constantFrom('_netdev', 'nofail', 'noauto', 'auto', 'defaults', 'user', 'users', 'x-systemd.automount', 'x-systemd.requires=glusterd.service', 'comment=systemd.automount') },
  { weight: 1, arbitrary: fc.constantFrom('backup-volfile-servers=evil:host', 'backupvolfile-server=x', 'server-port=1', 'volume-id=x', 'subdir-mount=/x', 'mfsmaster=evil', 'mfsport=1', 'mfssubfolder=/x') },
  { weight: 3, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.tuple(fc.stringMatching(/^[a-z][a-z-]{0,8}$/), hostileText).map(([key, value]) => `${key}=${value}`) },
);

/** Option tokens a working fstab line would hold (for GlusterFS; MooseFS takes most of them too). */
export const benignOptionTokenArb: fc.Arbitrary<string> = fc.constantFrom(
  'ro', 'rw', 'acl', 'noatime', 'log-level=WARNING', 'attribute-timeout=5', 'nosuid', '_netdev', 'nofail', 'x-systemd.automount',
  'ping-timeout=5', 'probe-interval=500ms', 'probe-write=no', 'servers=gfs2:gfs3', 'servers=10.0.0.9:24007+gfs3', 'name=shared', 'on-hang-remount-after=30s',
);

/** A `-o` argument: tokens joined by commas (as mount(8) passes them), sometimes with empty items. */
export const optionStringArb: fc.Arbitrary<{ text: string; tokens: string[] }> = fc
  .array(optionTokenArb, { maxLength: 5 })
  .chain((tokens) => fc.constantFrom(',', ',,').map((glue) => ({ text: tokens.join(glue), tokens })));

/** One flag group of mount.ha, whole (a flag and its value travel together). */
export const flagGroupArb: fc.Arbitrary<readonly string[]> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(['-s'], ['-f'], ['-n'], ['-v'], ['-sfnv'], ['-vn'], ['-sv'], ['-fv']) },
  { weight: 4, arbitrary: optionStringArb.chain(({ text }) => fc.constantFrom(['-o', text], [`-o${text}`])) },
  { weight: 1, arbitrary: fc.constantFrom(['-t', 'ha'], ['-t', 'ha.glusterfs'], ['-t', 'ha.moosefs'], ['-t', 'fuse.ha.lizardfs'], ['-tha.moosefs'], ['-t', 'ha.nfs'], ['-t', 'nfs'], ['-t', 'ha.']) },
  { weight: 1, arbitrary: hostileText.map((value) => ['-t', value]) },
  { weight: 1, arbitrary: hostileText.map((value) => ['-N', value]) },
  { weight: 1, arbitrary: fc.constantFrom(['-h'], ['--help'], ['-N'], ['-o'], ['-t'], ['-x'], ['--'], ['-'], ['--verbose'], ['-s-f']) },
);

/** Arbitrary argv arrays: valid flags, sources, mountpoints and hostile strings in any order. */
export const looseArgvArb: fc.Arbitrary<string[]> = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: flagGroupArb },
      { weight: 2, arbitrary: sourceArb().map((source) => [source.text]) },
      { weight: 2, arbitrary: mountpointArb.map((path) => [path]) },
      { weight: 3, arbitrary: hostileText.map((text) => [text]) },
    ),
    { maxLength: 8 },
  )
  .map((groups) => groups.flat());
