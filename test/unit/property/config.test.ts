// Property: any config text (generated documents, mangled documents, random text) is either a
// validated config or a usage error (exit 1) that starts with FILE:LINE, as issue 2 asks. The same
// for fstab text, which the agent reads beside the config file.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildFstabMountSpec, parseFstab } from '../../../src/config/fstab.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { parseMetricsConfig } from '../../../src/metrics/metrics-config.js';
import type { MountSpec } from '../../../src/types.js';
import { benignOptionTokenArb, hostileText, KNOWN_DIRECTORIES, mountpointArb, optionTokenArb, runs, sourceArb } from './arbitraries.js';
import { HELPER_ONLY_KEYS, isFstabOnlyToken, isHostField, isMountpointField, isOptionToken, keyOf, settle } from './grammar.js';

const FILES = ['/etc/ha-mount/ha-mount.yaml', 'ha-mount.yaml', '/tmp/with space/and:colon.yaml', 'näme.yaml'];

/** A value of any YAML shape, leaves hostile or plausible. */
const anyValueArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileText,
    fc.constantFrom('1s', '500ms', '0', '-1', '1e309', 'yes', 'no', 'null', '~', '10.0.0.1', '/data', 'glusterfs', 'moosefs'),
    fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -0, 1e309, -1, 2 ** 53 + 1, Number.NaN)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(hostileText, fc.constantFrom('name', 'servers', 'interval', 'email', 'listen')), tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** A value that is usually right for its key and sometimes anything at all. */
function mostly<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: anyValueArb });
}

const serverTextArb = sourceArb().map((source) => (source.port === undefined ? source.hosts[0]?.written ?? 'gfs1' : `${source.hosts[0]?.written ?? 'gfs1'}:${source.port}`));

const mountArb = fc.record(
  {
    name: mostly(fc.stringMatching(/^[a-z][a-z0-9_-]{0,12}$/)),
    backend: mostly(fc.constantFrom('glusterfs', 'moosefs', 'lizardfs')),
    volume: mostly(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/)),
    subdir: mostly(fc.constantFrom('/', '/a', '/a/b', '')),
    servers: mostly(fc.array(serverTextArb, { minLength: 1, maxLength: 3 })),
    mountpoint: mostly(fc.oneof(fc.constantFrom(...KNOWN_DIRECTORIES), mountpointArb)),
    options: mostly(fc.oneof(fc.array(benignOptionTokenArb, { maxLength: 3 }), fc.array(optionTokenArb, { maxLength: 3 }), benignOptionTokenArb)),
    probe: mostly(fc.record({ interval: fc.constantFrom('1s', '50ms', 2), fall: fc.integer({ min: -1, max: 101 }) }, { requiredKeys: [] })),
    'on-hang': mostly(fc.record({ 'remount-after': fc.constantFrom('30s', '1ms', 'never') }, { requiredKeys: [] })),
    'post-remount': mostly(fc.array(fc.constantFrom('systemctl', 'restart', 'nginx', ''), { maxLength: 3 })),
  },
  { requiredKeys: ['name', 'servers', 'mountpoint'] },
);

/** A mount entry that should load: unique name and mountpoint per index. */
function validMountArb(index: number): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      gluster: fc.boolean(),
      volume: fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/),
      subdir: fc.constantFrom(undefined, '/', '/a', '/a/b'),
      servers: fc.array(serverTextArb, { minLength: 1, maxLength: 3 }),
      options: fc.array(fc.constantFrom('ro', 'acl', 'noatime', '_netdev', 'nofail', 'x-systemd.automount'), { maxLength: 3 }),
      interval: fc.constantFrom(undefined, '1s', '500ms'),
    })
    .map(({ gluster, volume, subdir, servers, options, interval }) => ({
      name: `m${index}`,
      backend: gluster ? 'glusterfs' : 'moosefs',
      ...(gluster ? { volume } : {}),
      ...(subdir === undefined ? {} : { subdir }),
      servers,
      mountpoint: KNOWN_DIRECTORIES[index % KNOWN_DIRECTORIES.length],
      options,
      ...(interval === undefined ? {} : { probe: { interval } }),
    }));
}

const mountsArb = fc.oneof(
  { weight: 2, arbitrary: fc.tuple(validMountArb(0), validMountArb(1)).chain((mounts) => fc.subarray(mounts)) },
  { weight: 2, arbitrary: fc.tuple(validMountArb(0), mountArb).map((mounts) => mounts) },
  { weight: 1, arbitrary: fc.array(mountArb, { maxLength: 3 }) },
);

const documentArb = fc.record(
  {
    mounts: mostly(mountsArb),
    probe: mostly(fc.record({ interval: fc.constantFrom('1s', '2s'), timeout: fc.constantFrom('5s', '10s'), slow: fc.constantFrom('2s', '1s'), write: fc.boolean() }, { requiredKeys: [] })),
    metrics: mostly(fc.record({ enabled: fc.boolean(), listen: fc.constantFrom('127.0.0.1:9716', '[::1]:9716', 'localhost:0', '9716', 'evil:1') }, { requiredKeys: [] })),
    notify: anyValueArb,
  },
  { requiredKeys: [] },
);

/** One edit of a document's text. */
type Edit = { kind: 'insert'; at: number; text: string } | { kind: 'delete'; at: number; length: number } | { kind: 'duplicate-line'; at: number };

/** Edits that turn a valid document into a subtly broken one. */
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(hostileText, fc.constantFrom(': ', '- ', '\n  ', '\t', '&a ', '*a', '!!binary ', '? ', '|', '>-', '{', '[', '"', "'", '#', '\n---\n', '\n...\n', '%YAML 1.2\n', '<<: *a\n')) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
);

function applyEdit(text: string, edit: Edit): string {
  const at = edit.at % (text.length + 1);
  if (edit.kind === 'insert') return `${text.slice(0, at)}${edit.text}${text.slice(at)}`;
  if (edit.kind === 'delete') return `${text.slice(0, at)}${text.slice(at + edit.length)}`;
  const lines = text.split('\n');
  const index = edit.at % lines.length;
  lines.splice(index, 0, lines[index] ?? '');
  return lines.join('\n');
}

const configTextArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: documentArb.map((document) => stringify(document)) },
  { weight: 3, arbitrary: fc.tuple(documentArb, fc.array(editArb, { minLength: 1, maxLength: 3 })).map(([document, edits]) => edits.reduce(applyEdit, stringify(document))) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.array(fc.oneof(hostileText, fc.constantFrom('mounts:', '  - name: x', '    servers: [a', 'probe:', '  interval: 1s', ': :', '- - -', '&x *x', '!!map', '"\\x"')), { maxLength: 8 }).map((lines) => lines.join('\n')) },
);

/** A spec that got through is one a mount could run with. */
function expectValidSpec(spec: MountSpec): void {
  expect(isMountpointField(spec.mountpoint), spec.mountpoint).toBe(true);
  for (const server of spec.servers) expect(isHostField(server.host, 'plain'), server.host).toBe(true);
  for (const token of spec.options) {
    expect(isOptionToken(token), token).toBe(true);
    expect(isFstabOnlyToken(token), token).toBe(false);
  }
}

/** `FILE:LINE: ...` with LINE inside the text (or 1 for an empty one). */
function expectLocated(message: string, file: string, text: string): void {
  expect(message.startsWith(`${file}:`), message).toBe(true);
  const line = /^(\d+): /.exec(message.slice(file.length + 1))?.[1];
  expect(line, message).toBeDefined();
  expect(Number(line)).toBeGreaterThanOrEqual(1);
  expect(Number(line)).toBeLessThanOrEqual(text.split('\n').length + 1);
}

describe('config validation (property)', () => {
  it('when the config text is any document, mangled document or random text then parseConfig gives a valid config or a FILE:LINE usage error', () => {
    let valid = 0;
    let withMounts = 0;
    fc.assert(
      fc.property(fc.constantFrom(...FILES), configTextArb, (file, text) => {
        const outcome = settle(() => {
          const config = parseConfig(file, text);
          return { config, metrics: parseMetricsConfig(config.sections.metrics) };
        });
        if (!outcome.ok) {
          expect(outcome.error.exitCode).toBe(1);
          expectLocated(outcome.error.message, file, text);
          return;
        }
        valid += 1;
        if (outcome.value.config.mounts.length > 0) withMounts += 1;
        for (const spec of outcome.value.config.mounts) expectValidSpec(spec);
        expect(outcome.value.metrics.port).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: runs(1_000) },
    );
    // the generators must reach the end of the parser too, not only its first error
    expect(valid).toBeGreaterThan(runs(1_000) / 20);
    expect(withMounts).toBeGreaterThan(runs(1_000) / 100);
  });
});

const fstabLineArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({
        spec: fc.oneof({ weight: 4, arbitrary: sourceArb().map((source) => source.text) }, { weight: 1, arbitrary: hostileText }),
        mountpoint: fc.oneof(fc.constantFrom(...KNOWN_DIRECTORIES, '/mnt/with\\040space'), mountpointArb),
        type: fc.constantFrom('ha', 'ha.glusterfs', 'ha.moosefs', 'fuse.ha.lizardfs', 'ha.', 'ha.nfs', 'glusterfs', 'ext4'),
        options: fc.oneof(fc.array(benignOptionTokenArb, { maxLength: 4 }), fc.array(optionTokenArb, { maxLength: 4 })).map((tokens) => tokens.join(',')),
        tail: fc.constantFrom('', ' 0 0', ' 0', ' 0 2', ' x y', ' 0 0 extra', ' -1 0'),
        blank: fc.constantFrom(' ', '\t', '  \t '),
      })
      .map(({ spec, mountpoint, type, options, tail, blank }) => [spec, mountpoint, type, options === '' ? 'defaults' : options].join(blank) + tail),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '# comment', '   # indented comment', 'UUID=1234 / ext4 defaults 0 1', '\t') },
  { weight: 1, arbitrary: hostileText },
);

describe('fstab validation (property)', () => {
  it('when fstab text holds any lines then parseFstab and the spec of each entry give valid specs or FILE:LINE usage errors', () => {
    let built = 0;
    fc.assert(
      fc.property(fc.constantFrom(...FILES), fc.array(fstabLineArb, { maxLength: 5 }), (file, lines) => {
        const text = lines.join('\n');
        const parsed = settle(() => parseFstab(text, file));
        if (!parsed.ok) {
          expect(parsed.error.exitCode).toBe(1);
          expectLocated(parsed.error.message, file, text);
          return;
        }
        for (const entry of parsed.value) {
          expect(entry.backendOptions.filter(isFstabOnlyToken)).toEqual([]);
          expect(entry.backendOptions.filter((token) => HELPER_ONLY_KEYS.includes(keyOf(token)))).toEqual([]);
          const spec = settle(() => buildFstabMountSpec(entry));
          if (!spec.ok) {
            expect(spec.error.exitCode).toBe(1);
            expect(spec.error.message.startsWith(`${file}:${entry.line}: `), spec.error.message).toBe(true);
            continue;
          }
          built += 1;
          expectValidSpec(spec.value);
          expect(spec.value.options.filter((token) => HELPER_ONLY_KEYS.includes(keyOf(token)))).toEqual([]);
        }
      }),
      { numRuns: runs(1_000) },
    );
    expect(built).toBeGreaterThan(runs(1_000) / 20);
  });
});

describe('option hygiene of config and fstab (property)', () => {
  // Regression guard, once a bug (src/config/mount-spec.ts buildMountSpec / src/backends/mfs-common.ts checkMfsOptions, now fixed): the
  // config file's `options:` never goes through splitHelperOptions, and the MooseFS/LizardFS backend
  // accepts any option it does not know, so `options: [probe-interval=1s, servers=gfs2, backend=glusterfs]`
  // on a moosefs mount loads fine and is handed to mfsmount -o (which then fails, or ignores it,
  // while the user believes the setting took effect). GlusterFS refuses them only because it knows
  // its option list. The fix: in buildMountSpec refuse HELPER_KEYS tokens ("probe-interval belongs under
  // probe:"), for every backend.
  it('when a config mount lists ha-mount\'s own keys under options then they never reach the MooseFS/LizardFS client', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('moosefs', 'lizardfs'),
        fc.constantFrom('probe-interval=1s', 'probe-fall=3', 'servers=gfs2', 'backend=glusterfs', 'name=other', 'on-hang-remount-after=30s'),
        fc.array(fc.constantFrom('ro', 'noatime', 'mfscachemode=AUTO'), { maxLength: 2 }),
        (backend, helperToken, others) => {
          const text = stringify({ mounts: [{ name: 'm', backend, servers: ['mfsmaster'], mountpoint: '/data', options: [...others, helperToken] }] });
          const outcome = settle(() => parseConfig('ha-mount.yaml', text));
          if (!outcome.ok) return;
          for (const spec of outcome.value.mounts) expect(spec.options.filter((token) => HELPER_ONLY_KEYS.includes(keyOf(token)))).toEqual([]);
        },
      ),
      { numRuns: runs(100) },
    );
  });

  // Regression guard, once a bug (src/config/mount-spec.ts isFstabOnlyOption, now fixed): mount(8) says X-* options are "not sent to
  // the mount.type helpers" (only x-* are), so under mount(8) an fstab line like
  // `gfs1:/vol /data ha _netdev,X-mount.mkdir 0 0` works, but ha-mount's own fstab reader (the agent)
  // keeps X-mount.mkdir as a backend option: GlusterFS refuses the line ("not a GlusterFS mount
  // option") and mfsmount gets -o X-mount.mkdir. The fix: treat `X-` like `x-`.
  it('when an fstab ha line holds X-* options then the agent drops them before the backend, as mount(8) does', () => {
    fc.assert(
      fc.property(fc.constantFrom('X-mount.mkdir', 'X-mount.mode=0755', 'X-foo.bar'), fc.constantFrom('ha', 'ha.moosefs'), (token, type) => {
        const [entry] = parseFstab(`gfs1:/vol /data ${type} _netdev,${token} 0 0`, '/etc/fstab');
        expect(entry?.backendOptions).toEqual([]);
        if (entry !== undefined) expect(buildFstabMountSpec(entry).options).toEqual([]);
      }),
      { numRuns: runs(50) },
    );
  });
});
