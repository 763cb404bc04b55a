// The oracle's own checks: a property test is only as good as the grammar it judges by.
import { isIPv4, isIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runs } from './arbitraries.js';
import { isHostField, isIPv4Text, isIPv6Text, isMountpointField, isOptionToken, normalizeAbsolute } from './grammar.js';

describe('test grammar', () => {
  it('when hosts are hostile or well-formed then the host grammar refuses or accepts them', () => {
    for (const bad of [';rm -rf /', '$(x)', '`id`', 'a b', '-oProxy', '-H', '', 'a..b', '.a', 'a-', 'é.com', 'x'.repeat(64), '[::1]', '::1]', '1.2.3.4;id']) {
      expect(isHostField(bad, 'plain'), bad).toBe(false);
    }
    for (const good of ['gfs1', 'gfs1.example.com', '10.0.0.1', '::1', 'fe80::1%eth0', '::ffff:1.2.3.4', 'a-b.c']) expect(isHostField(good, 'plain'), good).toBe(true);
    expect(isHostField('[fe80::1]', 'bracketed')).toBe(true);
    expect(isHostField('::1', 'bracketed')).toBe(false);
    for (const numeric of ['127.1', '24007', '010.0.0.1', '0x7f000001']) expect(isHostField(numeric, 'plain', { numericLastLabel: false }), numeric).toBe(false);
  });

  it('when addresses are generated then the IP grammars agree with node:net', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV4Extended(), fc.ipV6(), fc.string({ maxLength: 12 }), fc.stringMatching(/^[0-9a-f:.]{0,20}$/)), (text) => {
        expect(isIPv4Text(text)).toBe(isIPv4(text));
        expect(isIPv6Text(text)).toBe(isIPv6(text));
      }),
      { numRuns: runs(2_000) },
    );
  });

  it('when paths and options are hostile then the path and option grammars refuse them', () => {
    expect(normalizeAbsolute('//a/./b/../c/')).toBe('/a/c');
    for (const bad of ['/', 'data', '/a/', '/a//b', '/a/./b', '/a/../b', '/a b', '/a\nb', '/a\0', '/$(id)', '/a;b', '/a*']) expect(isMountpointField(bad), bad).toBe(false);
    for (const good of ['/data', '/mnt/x:y', '/srv/a-b_c.d', '/mnt/a=b']) expect(isMountpointField(good), good).toBe(true);
    for (const bad of ['-o', 'a b', 'a,b', 'k=$(x)', "k='", 'k=a;b', '', '=v', 'k=\n']) expect(isOptionToken(bad), bad).toBe(false);
    for (const good of ['ro', 'log-level=INFO', 'xlator-option=*-client-*.ping-timeout=5', 'log-file=/var/log/a.log']) expect(isOptionToken(good), good).toBe(true);
  });
});
