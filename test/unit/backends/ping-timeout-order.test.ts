// issue 15 item 8: the ping-timeout guard must not depend on the order of the options
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkGlusterOptions, glusterfsBackend, readPingTimeout } from '../../../src/backends/glusterfs.js';
import { optionKey, optionValue } from '../../../src/backends/option-token.js';
import { buildHelperMountSpec } from '../../../src/config/helper-spec.js';
import { HaMountError } from '../../../src/errors.js';
import { makeSpec } from './spec-fixture.js';

const choice = { chosen: { host: 'h' }, backups: [] };

/** What mount.glusterfs does with the -o list: only the last xlator-option survives. */
function survivingXlator(args: readonly string[]): string | undefined {
  const list = args[args.indexOf('-o') + 1] ?? '';
  return list.split(',').filter((token) => optionKey(token) === 'xlator-option').at(-1);
}

describe('ping timeout and option order', () => {
  it('when ping-timeout=off comes before ping-timeout=10 and an xlator-option then the combination is refused', () => {
    const options = ['ping-timeout=off', 'ping-timeout=10', 'xlator-option=*.x=1'];
    expect(readPingTimeout(options)).toBe(10);
    expect(checkGlusterOptions(options)).toMatchObject([{ option: 'xlator-option=*.x=1', unknown: false }]);
    expect(() => buildHelperMountSpec({ source: 'h:/rep_vol1', mountpoint: '/data', options: ['ping-timeout=off,ping-timeout=10,xlator-option=*.x=1'].flatMap((o) => o.split(',')) })).toThrow(/last ping-timeout given/);
  });
  it('when a spec with a numeric ping timeout and an xlator-option reaches the command builder then it refuses', () => {
    expect(() => glusterfsBackend.buildMountCommand(makeSpec({ options: ['ping-timeout=off', 'ping-timeout=10', 'xlator-option=*.x=1'] }), choice, {})).toThrow(HaMountError);
  });
  it('when ping-timeout=10 comes before ping-timeout=off then the user xlator-option is accepted (off is last)', () => {
    expect(checkGlusterOptions(['ping-timeout=10', 'ping-timeout=off', 'xlator-option=*.x=1'])).toEqual([]);
  });
  it('when two xlator-options are given with ping-timeout=off then they are refused (mount.glusterfs would drop the first)', () => {
    expect(checkGlusterOptions(['ping-timeout=off', 'xlator-option=*.a=1', 'xlator-option=*.b=1'])[0]?.reason).toMatch(/keeps only the last xlator-option/);
  });
  it('when options come in any order then either they are refused or the xlator-option mount.glusterfs keeps is the timeout asked for by the last ping-timeout', () => {
    const token = fc.constantFrom('ping-timeout=off', 'ping-timeout=10', 'ping-timeout=4', 'xlator-option=*.x=1', 'acl', 'ro');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 6 }), (options) => {
        if (checkGlusterOptions(options).length > 0) return;
        const args = glusterfsBackend.buildMountCommand(makeSpec({ options }), choice, {}).args;
        const timeout = readPingTimeout(options);
        const kept = survivingXlator(args);
        if (timeout === undefined) expect(kept === undefined || !kept.includes('ping-timeout')).toBe(true);
        else expect(optionValue(kept ?? '')).toBe(`*-client-*.ping-timeout=${timeout}`);
      }),
    );
  });
});
