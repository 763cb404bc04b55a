// Property: hostile text that ends up in an error message or in mount.ha's output is shown
// escaped (quoteValue), never raw: a raw ESC sequence rewrites the admin's terminal, a raw CR or
// newline forges a line in mount(8)'s stderr and the journal.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runMountHelper } from '../../../src/cli/mount-helper.js';
import { looseArgvArb, runs } from './arbitraries.js';
import { settleAsync } from './grammar.js';
import { machinePlanArb, recordingMachine } from './recording-machine.js';

const INJECTIONS = ['\u001b[31m', '\u009b31m', '\u0000', '\r', '\u0007', '\u007f', '\nINJECTED'];

/** A loose argv with one control sequence spliced into one of its arguments. */
const taintedArgvArb = fc
  .tuple(looseArgvArb.filter((argv) => argv.length > 0), fc.nat(), fc.constantFrom(...INJECTIONS), fc.nat())
  .map(([argv, which, injection, at]) => {
    const index = which % argv.length;
    const arg = argv[index] ?? '';
    const cut = at % (arg.length + 1);
    return argv.map((value, position) => (position === index ? `${arg.slice(0, cut)}${injection}${arg.slice(cut)}` : value));
  });

// raw C0 controls other than the newlines ha-mount itself writes between lines, DEL, and the C1
// controls (U+009B is CSI, an escape sequence in one character)
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('error text (property)', () => {
  // Regression guard, once a bug (now fixed): several messages interpolate user text without quoteValue:
  //   src/cli/mount-helper.ts       `mount.ha does not support -N ${args.namespace} ...`
  //   src/config/helper-spec.ts     `filesystem type "${type}" is not ha or ha.BACKEND`
  //   src/config/helper-options.ts  `servers=${text}: ...` (parseServerList)
  //   src/config/probe-config.ts    `option probe-${key}=${values[key]}: expected ...`
  // e.g. argv ["gfs1:/vol", "/data", "-t", "ha.moo\u001b[31msefs"] prints a raw ESC; "-o",
  // "servers=a\nINJECTED" starts a forged line. And quoteValue itself (src/config/validate.ts) is
  // JSON.stringify, which leaves DEL and the C1 controls (U+0080-U+009F, U+009B = CSI) raw:
  // argv ["-h\u007f"] gives `unknown flag "-h<DEL>"`. The fix: quoteValue() each of these values, and
  // make quoteValue escape \u007f-\u009f too.
  it('when an argument carries control characters then no message or output line shows them raw', async () => {
    await fc.assert(
      fc.asyncProperty(taintedArgvArb, machinePlanArb, async (argv, plan) => {
        const { deps } = recordingMachine(plan);
        const lines: string[] = [];
        const outcome = await settleAsync(() => runMountHelper(argv, deps, { print: (line) => lines.push(line), printError: (line) => lines.push(line) }));
        if (!outcome.ok) lines.push(outcome.error.message);
        for (const text of lines) {
          expect(RAW_CONTROL.test(text), JSON.stringify(text)).toBe(false);
          expect(text.split('\n').some((line) => line.startsWith('INJECTED')), JSON.stringify(text)).toBe(false);
        }
      }),
      { numRuns: runs(500) },
    );
  });
});
