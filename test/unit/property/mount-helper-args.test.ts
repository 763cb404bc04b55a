// Property: mount.ha's argv parser takes anything mount(8) or a user can hand it, and either
// returns what was asked or refuses with a usage error (exit 1). Never another exception.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MOUNT_HELPER_SHORT_USAGE, parseMountHelperArgs } from '../../../src/cli/mount-helper.js';
import { hostileText, looseArgvArb, mountpointArb, optionStringArb, runs, sourceArb } from './arbitraries.js';
import { settle } from './grammar.js';

describe('mount.ha argv parsing (property)', () => {
  it('when argv is any mixture of flags, sources, paths and hostile strings then it parses or fails with a mount(8) usage error', () => {
    fc.assert(
      fc.property(looseArgvArb, (argv) => {
        const outcome = settle(() => parseMountHelperArgs(argv));
        if (!outcome.ok) {
          expect(outcome.error.exitCode).toBe(1);
          expect(outcome.error.code).toBe('ha-mount.helper.usage');
          return;
        }
        const parsed = outcome.value;
        if (parsed.help) return;
        // the two positionals are argv items, and neither is a flag
        for (const positional of [parsed.source, parsed.mountpoint]) {
          expect(argv).toContain(positional);
          expect(positional === '-' || !positional.startsWith('-')).toBe(true);
        }
        // every -o token is a non-empty, comma-free piece of some argv item
        for (const token of parsed.options) {
          expect(token).not.toBe('');
          expect(token).not.toContain(',');
          expect(argv.some((arg) => arg.includes(token))).toBe(true);
        }
      }),
      { numRuns: runs(1_000) },
    );
  });

  it('when argv is a well-formed call in any order then source, directory, flags and every option come back as given', () => {
    const callArb = fc.record({
      source: sourceArb().map((source) => source.text),
      mountpoint: mountpointArb.filter((path) => path !== '' && !path.startsWith('-')),
      letters: fc.subarray(['s', 'f', 'n', 'v']),
      options: fc.array(optionStringArb, { maxLength: 3 }),
      type: fc.option(fc.constantFrom('ha', 'ha.glusterfs', 'ha.moosefs'), { nil: undefined }),
      inline: fc.boolean(),
      order: fc.integer({ min: 0, max: 2 }),
    });
    fc.assert(
      fc.property(callArb, ({ source, mountpoint, letters, options, type, inline, order }) => {
        const flagArgs = [
          ...(letters.length > 0 ? [`-${letters.join('')}`] : []),
          ...options.flatMap(({ text }) => (inline ? [`-o${text}`] : ['-o', text])),
          ...(type === undefined ? [] : ['-t', type]),
        ];
        // mount(8) puts spec and dir first; users put flags anywhere
        const argv = order === 0 ? [source, mountpoint, ...flagArgs] : order === 1 ? [...flagArgs, source, mountpoint] : [source, ...flagArgs, mountpoint];
        // an empty inline -o takes the next argument as its value, like mount(8)'s own getopt would
        fc.pre(!(inline && options.some(({ text }) => text === '')));
        const parsed = parseMountHelperArgs(argv);
        expect(parsed).toMatchObject({
          source,
          mountpoint,
          sloppy: letters.includes('s'),
          fake: letters.includes('f'),
          noMtab: letters.includes('n'),
          verbose: letters.includes('v'),
          help: false,
        });
        expect(parsed.type).toBe(type);
        expect(parsed.options).toEqual(options.flatMap(({ text }) => text.split(',').filter((token) => token !== '')));
      }),
      { numRuns: runs(500) },
    );
  });

  it('when a flag that needs a value comes last then it is a usage error naming the flag', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(['-s'], ['-fv'], ['-o', 'ro'], ['-oacl'], ['-t', 'ha']), { maxLength: 3 }), fc.constantFrom('-o', '-t', '-N'), (groups, flag) => {
        const outcome = settle(() => parseMountHelperArgs(['gfs1:/vol', '/data', ...groups.flat(), flag]));
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) expect(outcome.error.message.split('\n')[0]).toBe(`${flag} needs a value`);
      }),
      { numRuns: runs(300) },
    );
  });

  it('when an argument is hostile text then the usage error quotes it instead of printing it raw', () => {
    fc.assert(
      fc.property(hostileText.filter((text) => text.startsWith('-') && !/^-[hotN]/.test(text) && !/^-[sfnv]+$/.test(text) && text !== '-' && text !== '--help' && text !== '-V' && text !== '--version'), (flag) => {
        const outcome = settle(() => parseMountHelperArgs(['gfs1:/vol', '/data', flag]));
        expect(outcome.ok).toBe(false);
        if (outcome.ok) return;
        const first = outcome.error.message.split('\n')[0] ?? '';
        expect(first.startsWith('unknown flag "') && first.endsWith('"'), first).toBe(true);
        // C0 controls (a newline would start a second line) never appear raw; DEL and C1: see error-text.test.ts
        expect(/[\u0000-\u001f]/.test(first), JSON.stringify(first)).toBe(false);
        expect(outcome.error.message.split('\n')).toEqual([first, MOUNT_HELPER_SHORT_USAGE]);
      }),
      { numRuns: runs(300) },
    );
  });
});
