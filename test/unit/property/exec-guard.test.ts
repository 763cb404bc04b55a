// Property: whatever mount.ha is given, nothing unvalidated reaches an exec, a DNS query or a TCP
// connect, and the outcome is a mount or a HaMountError with one of mount(8)'s exit codes. The
// whole mount path runs (parse, helper options, spec, preflight, resolution, backend argv, retries,
// clean-up) on a fake machine whose behaviour is generated and which records everything it is asked.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMountHelperArgs, runMountHelper } from '../../../src/cli/mount-helper.js';
import { buildHelperMountSpec } from '../../../src/config/helper-spec.js';
import { mountSpec } from '../../../src/mount/mounter.js';
import { checkCommand, glusterArgs, type UserInput } from './argv-check.js';
import {
  benignOptionTokenArb,
  HOSTILE_FRAGMENTS,
  HOSTILE_HOSTS,
  hostileText,
  KNOWN_DIRECTORIES,
  looseArgvArb,
  mountpointArb,
  ODD_DIRECTORIES,
  optionStringArb,
  rarely,
  runs,
  sourceArb,
  sourceWithHostileHostArb,
} from './arbitraries.js';
import { isHostField, settle, settleAsync } from './grammar.js';
import { machinePlanArb, recordingMachine, type MachineRecord } from './recording-machine.js';

const sourceTextArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 10, arbitrary: sourceArb().map((source) => source.text) },
  { weight: 2, arbitrary: fc.constantFrom('mfsmaster:/', 'mfsmaster,10.0.0.7:9521:/exports/a', '10.0.0.5:/sub/dir', 'gfs1:/rep_vol1') },
  {
    weight: 2,
    arbitrary: fc.tuple(sourceArb(), fc.nat(), fc.constantFrom(...HOSTILE_FRAGMENTS)).map(([source, at, fragment]) => {
      const cut = at % (source.text.length + 1);
      return `${source.text.slice(0, cut)}${fragment}${source.text.slice(cut)}`;
    }),
  },
  { weight: 2, arbitrary: sourceWithHostileHostArb },
  { weight: 1, arbitrary: hostileText },
);

const execGroupArb: fc.Arbitrary<readonly string[]> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(['-s'], ['-v'], ['-n'], ['-sv'], ['-snv']) },
  { weight: 1, arbitrary: fc.constantFrom(['-f'], ['-fv']) },
  { weight: 2, arbitrary: optionStringArb.map(({ text }) => ['-o', text]) },
  { weight: 5, arbitrary: fc.array(benignOptionTokenArb, { minLength: 1, maxLength: 4 }).map((tokens) => ['-o', tokens.join(',')]) },
  { weight: 2, arbitrary: fc.constantFrom(['-t', 'ha'], ['-t', 'ha.glusterfs'], ['-t', 'ha.moosefs'], ['-t', 'ha.lizardfs'], ['-o', 'backend=moosefs'], ['-o', 'backend=lizardfs']) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_HOSTS).map((host) => ['-o', `servers=${host}`]) },
);

const callArb = fc.record({
  source: sourceTextArb,
  mountpoint: fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...KNOWN_DIRECTORIES) },
    { weight: 3, arbitrary: mountpointArb },
    { weight: 1, arbitrary: fc.constantFrom(...ODD_DIRECTORIES) },
  ),
  groups: fc.array(execGroupArb, { maxLength: 4 }),
  rareFlag: rarely(fc.constantFrom(['-N', '/proc/1/ns/mnt'], ['-h'], ['--help']), 15),
  stray: rarely(hostileText, 10),
  plan: machinePlanArb,
});

/** The option tokens the user typed in argv (every -o value, split at commas). */
function typedOptionTokens(argv: readonly string[]): string[] {
  const tokens: string[] = [];
  argv.forEach((arg, index) => {
    if (arg === '-o') tokens.push(...(argv[index + 1] ?? '').split(','));
    else if (arg.startsWith('-o')) tokens.push(...arg.slice(2).split(','));
  });
  return tokens;
}

const isMountCommand = (command: { file: string; args: string[] }): boolean => glusterArgs(command) !== undefined || (command.file === 'mfsmount' && command.args[0] !== '--version');
const isUnmountCommand = (command: { file: string }): boolean => command.file === 'umount';

/** The checks every run must pass, whatever happened. */
function expectGuarded(record: MachineRecord, input: UserInput | undefined): void {
  const problems = input === undefined ? record.commands.filter(isMountCommand).map((command) => `command ${JSON.stringify(command)} ran for an argv that does not parse`) : record.commands.flatMap((command) => checkCommand(command, input));
  for (const host of record.lookups) if (!isHostField(host, 'plain')) problems.push(`DNS query for ${JSON.stringify(host)}`);
  for (const { address, port } of record.connects) {
    if (!isHostField(address, 'plain')) problems.push(`TCP connect to ${JSON.stringify(address)}`);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) problems.push(`TCP connect to port ${port}`);
  }
  expect(problems).toEqual([]);
}

describe('exec guard (property)', () => {
  it('when mount.ha runs with any source, mountpoint and options on any machine then every exec, DNS query and connect holds validated values only', async () => {
    let executed = 0;
    let mounted = 0;
    await fc.assert(
      fc.asyncProperty(callArb, async ({ source, mountpoint, groups, rareFlag, stray, plan }) => {
        const argv = [source, mountpoint, ...groups.flat(), ...(rareFlag ?? [])];
        if (stray !== undefined) argv.splice(argv.length > 2 ? 2 : argv.length, 0, stray);
        const { deps, record } = recordingMachine(plan);
        const printed: string[] = [];
        const outcome = await settleAsync(() => runMountHelper(argv, deps, { print: (line) => printed.push(line), printError: (line) => printed.push(line) }));
        const parsed = settle(() => parseMountHelperArgs(argv));
        expectGuarded(record, parsed.ok ? { mountpoint: parsed.value.mountpoint, optionTokens: typedOptionTokens(argv) } : undefined);

        const mounts = record.commands.filter(isMountCommand);
        if (mounts.length > 0) executed += 1;
        if (outcome.ok && mounts.length > 0) mounted += 1;
        if (!outcome.ok && outcome.error.exitCode === 1) {
          // bad input or not root: refused before anything is touched
          expect(record.commands.filter((command) => isMountCommand(command) || isUnmountCommand(command))).toEqual([]);
          expect(record.connects).toEqual([]);
          expect(record.lookups).toEqual([]);
        }
        if (parsed.ok && parsed.value.fake) expect(mounts).toEqual([]);
        if (!plan.root) expect(mounts).toEqual([]);
        // an unmount only ever follows a mount attempt on the same path
        if (record.commands.some(isUnmountCommand)) expect(mounts.length).toBeGreaterThan(0);
      }),
      { numRuns: runs(1_000) },
    );
    // the property is only worth something if the generators reach the exec
    expect(executed).toBeGreaterThan(runs(1_000) / 14);
    expect(mounted).toBeGreaterThan(0);
  });

  it('when mount.ha gets a loose argv of flags and hostile strings then it ends in a mount(8) code and never runs an unvalidated command', async () => {
    await fc.assert(
      fc.asyncProperty(looseArgvArb, machinePlanArb, async (argv, plan) => {
        const { deps, record } = recordingMachine(plan);
        await settleAsync(() => runMountHelper(argv, deps, { print: () => {}, printError: () => {} }));
        const parsed = settle(() => parseMountHelperArgs(argv));
        expectGuarded(record, parsed.ok ? { mountpoint: parsed.value.mountpoint, optionTokens: typedOptionTokens(argv) } : undefined);
      }),
      { numRuns: runs(500) },
    );
  });

  it('when a spec is mounted with -f (dry run) then the command it would run is as guarded as one it runs', async () => {
    const dryArb = fc.record({
      source: sourceTextArb,
      mountpoint: fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...KNOWN_DIRECTORIES) }, { weight: 2, arbitrary: mountpointArb }, { weight: 1, arbitrary: fc.constantFrom(...ODD_DIRECTORIES) }),
      options: fc.oneof(
        fc.array(benignOptionTokenArb, { maxLength: 4 }),
        fc.array(optionStringArb, { maxLength: 2 }).map((lists) => lists.flatMap(({ text }) => text.split(','))),
      ),
      type: fc.constantFrom('ha', 'ha.glusterfs', 'ha.moosefs', 'ha.lizardfs'),
      plan: machinePlanArb,
    });
    let built = 0;
    await fc.assert(
      fc.asyncProperty(dryArb, async ({ source, mountpoint, options, type, plan }) => {
        const tokens = options.filter((token) => token !== '');
        const spec = settle(() => buildHelperMountSpec({ source, mountpoint, options: tokens, type, sloppy: true }));
        if (!spec.ok) return;
        const { deps, record } = recordingMachine(plan);
        const outcome = await settleAsync(() => mountSpec(spec.value.spec, deps, { dryRun: true }));
        expect(record.commands.filter(isMountCommand)).toEqual([]);
        if (!outcome.ok) return;
        built += 1;
        expect(outcome.value.dryRun).toBe(true);
        expect(checkCommand(outcome.value.command, { mountpoint, optionTokens: tokens })).toEqual([]);
      }),
      { numRuns: runs(400) },
    );
    expect(built).toBeGreaterThan(runs(400) / 10);
  });
});
