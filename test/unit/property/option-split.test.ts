// Property: ha-mount's own options (backend=, servers=, probe-*...) and fstab-only ones (_netdev,
// nofail, x-*...) are taken out before a backend sees the list, and no token that is not a safe
// key / key=value ever reaches a backend's argv.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getBackend } from '../../../src/backends/registry.js';
import { buildHelperMountSpec } from '../../../src/config/helper-spec.js';
import { splitHelperOptions } from '../../../src/config/helper-options.js';
import { checkCommand } from './argv-check.js';
import { hostnameArb, optionTokenArb, runs } from './arbitraries.js';
import { HELPER_ONLY_KEYS, isFstabOnlyToken, isOptionToken, keyOf, settle } from './grammar.js';

const VERSION = { glusterfs: undefined, moosefs: 'MFS version 3.0.117-1', lizardfs: 'LizardFS version 3.12.0' } as const;

const inputArb = fc.record({
  kind: fc.constantFrom(
    { source: 'gfs1,10.0.0.2:/rep_vol1/sub', type: 'ha' },
    { source: 'gfs1:24008:/rep_vol1', type: 'ha.glusterfs' },
    { source: '[fe80::1%eth0],gfs2:/vol', type: 'ha' },
    { source: 'mfsmaster:/exports/a', type: 'ha.moosefs' },
    { source: '10.0.0.5:9521:/', type: 'fuse.ha.lizardfs' },
  ),
  options: fc.array(optionTokenArb, { maxLength: 8 }),
  sloppy: fc.boolean(),
});

describe('helper option splitting (property)', () => {
  it('when an option list is split then helper-only and fstab-only options and unsafe tokens never reach the backend list', () => {
    fc.assert(
      fc.property(inputArb, ({ kind, options, sloppy }) => {
        const built = settle(() => buildHelperMountSpec({ source: kind.source, mountpoint: '/data', options, type: kind.type, sloppy }));
        if (!built.ok) {
          expect(built.error.exitCode).toBe(1);
          return;
        }
        const { spec, stripped, ignored } = built.value;
        for (const token of spec.options) {
          expect(options).toContain(token);
          expect(isOptionToken(token), `unsafe token ${JSON.stringify(token)}`).toBe(true);
          expect(HELPER_ONLY_KEYS).not.toContain(keyOf(token));
          expect(isFstabOnlyToken(token), `fstab-only ${token}`).toBe(false);
        }
        for (const token of stripped) expect(isFstabOnlyToken(token)).toBe(true);
        if (!sloppy) expect(ignored).toEqual([]);
        for (const problem of ignored) expect(spec.options).not.toContain(problem.option);
      }),
      { numRuns: runs(1_000) },
    );
  });

  it('when the spec becomes the backend argv then its -o list holds only backend-made options and the user\'s safe tokens', () => {
    fc.assert(
      fc.property(inputArb, ({ kind, options, sloppy }) => {
        const built = settle(() => buildHelperMountSpec({ source: kind.source, mountpoint: '/data/', options, type: kind.type, sloppy }));
        if (!built.ok) return;
        const { spec } = built.value;
        const backend = getBackend(spec.backend);
        // resolution keeps IPv4 only for the MooseFS/LizardFS clients; do the same here
        const [chosen, ...backups] = spec.servers.filter((server) => !(backend.ipv4Only && server.host.includes(':')));
        if (chosen === undefined) return;
        const version = VERSION[spec.backend];
        const command = settle(() => backend.buildMountCommand(spec, { chosen, backups }, version === undefined ? {} : { mfsmountVersion: version }));
        if (!command.ok) {
          expect(command.error.exitCode).toBe(1);
          return;
        }
        expect(checkCommand(command.value, { mountpoint: '/data/', optionTokens: options }, { ipv4OnlyMfs: false })).toEqual([]);
        const list = command.value.args[command.value.args.indexOf('-o') + 1] ?? '';
        if (!command.value.args.includes('-o')) return;
        expect(list.split(',').some((token) => keyOf(token) === 'ping-timeout')).toBe(false);
      }),
      { numRuns: runs(1_000) },
    );
  });

  it('when helper options are well-formed then each one lands in the spec and none is left in the rest', () => {
    const helperArb = fc.record({
      backend: fc.option(fc.constantFrom('glusterfs', 'moosefs', 'lizardfs'), { nil: undefined }),
      name: fc.option(fc.stringMatching(/^[a-z][a-z0-9_.-]{0,20}$/), { nil: undefined }),
      interval: fc.option(fc.integer({ min: 100, max: 3_600_000 }), { nil: undefined }),
      fall: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
      rest: fc.array(fc.constantFrom('ro', 'acl', 'log-level=INFO', '_netdev', 'x-systemd.automount'), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(helperArb, fc.boolean(), ({ backend, name, interval, fall, rest }, shuffle) => {
        const helper = [
          ...(backend === undefined ? [] : [`backend=${backend}`]),
          ...(name === undefined ? [] : [`name=${name}`]),
          ...(interval === undefined ? [] : [`probe-interval=${interval}ms`]),
          ...(fall === undefined ? [] : [`probe-fall=${fall}`]),
        ];
        const tokens = shuffle ? [...rest, ...helper] : [...helper, ...rest];
        const split = splitHelperOptions(tokens);
        expect(split.rest).toEqual(rest);
        expect(split.backend).toBe(backend);
        expect(split.name).toBe(name);
        expect(split.probe.interval).toBe(interval === undefined ? undefined : `${interval}ms`);
        expect(split.probe.fall).toBe(fall === undefined ? undefined : String(fall));
      }),
      { numRuns: runs(300) },
    );
  });

  // Regression guard, once a bug (src/config/helper-options.ts parseServerList + validate.ts checkHost, now fixed): without a "+",
  // `servers=` is split at every colon, so `servers=gfs2:24008` (one server and its port, as -s
  // takes it) becomes two servers, gfs2 and a "host" named 24008, which checkHost accepts and
  // getaddrinfo turns into 0.0.93.200. The fix: refuse an all-digit host (see source-spec.test.ts), or
  // read a lone `host:port` as host and port.
  it('when servers= names one host with a port then it means that host on that port, or is refused', () => {
    fc.assert(
      fc.property(hostnameArb, fc.integer({ min: 1, max: 65_535 }), (host, port) => {
        const outcome = settle(() => splitHelperOptions([`servers=${host}:${port}`]));
        if (!outcome.ok) return;
        expect(outcome.value.servers).toEqual([{ host, port }]);
      }),
      { numRuns: runs(200) },
    );
  });
});
