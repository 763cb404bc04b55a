// mount.ha: the helper mount(8) calls for type `ha` as `mount.ha spec dir [-sfnv] [-N ns]
// [-o options] [-t type.subtype]`. The argv parser is pure; runMountHelper does the mount. This
// file runs at boot: it imports no logger, mailer, YAML or commander.
import { buildHelperMountSpec } from '../config/helper-spec.js';
import { quoteValue, splitOptionString } from '../config/validate.js';
import { ExitCode, HaMountError } from '../errors.js';
import { formatCommand } from '../mount/command-text.js';
import { mountSpec } from '../mount/mounter.js';
import type { MounterDeps } from '../mount/mounter-deps.js';
import { describeOutcome } from '../mount/outcome-text.js';
import { formatVerdict } from '../resolve/resolve-servers.js';
import { formatMountHelperUsage, MOUNT_HELPER_SYNOPSIS } from './mount-helper-usage.js';
import { formatVersion } from './version.js';

/** mount.ha's arguments as mount(8) passed them. */
export interface MountHelperArgs {
  source: string;
  mountpoint: string;
  /** -s: ignore options the backend does not know */
  sloppy: boolean;
  /** -f: print the command, run nothing */
  fake: boolean;
  /** -n: do not write mtab (there is none to write; accepted) */
  noMtab: boolean;
  /** -v: say what was resolved */
  verbose: boolean;
  /** -N: mount namespace (refused: see runMountHelper) */
  namespace?: string;
  /** every -o token, in order */
  options: string[];
  /** -t: "ha" or "ha.BACKEND" */
  type?: string;
  /** -h/--help */
  help: boolean;
  /** -V/--version */
  version: boolean;
}

/** Usage text for -h and usage errors (rendered from mount-helper-usage.ts, as mount.ha(8) is). */
export const MOUNT_HELPER_USAGE = formatMountHelperUsage();

/** The line after a usage error: mount(8) shows it, so it stays short. */
export const MOUNT_HELPER_SHORT_USAGE = `usage: ${MOUNT_HELPER_SYNOPSIS} (mount.ha -h lists the SOURCE forms and options)`;

function usage(message: string): HaMountError {
  return new HaMountError('ha-mount.helper.usage', `${message}\n${MOUNT_HELPER_SHORT_USAGE}`, ExitCode.USAGE);
}

/** Parses mount.ha's argv (without node and script). Pure; throws a usage error (exit 1). */
export function parseMountHelperArgs(argv: readonly string[]): MountHelperArgs {
  const parsed: MountHelperArgs = { source: '', mountpoint: '', sloppy: false, fake: false, noMtab: false, verbose: false, options: [], help: false, version: false };
  const positional: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    const takeValue = (flag: string): string => {
      const inline = arg.slice(2);
      if (inline !== '') return inline;
      index += 1;
      const value = argv[index];
      if (value === undefined) throw usage(`${flag} needs a value`);
      return value;
    };
    if (arg === '-h' || arg === '--help') parsed.help = true;
    else if (arg === '-V' || arg === '--version') parsed.version = true;
    else if (arg.startsWith('-o')) parsed.options.push(...splitOptionString(takeValue('-o')));
    else if (arg.startsWith('-t')) parsed.type = takeValue('-t');
    else if (arg.startsWith('-N')) parsed.namespace = takeValue('-N');
    else if (/^-[sfnv]+$/.test(arg)) {
      for (const flag of arg.slice(1)) {
        if (flag === 's') parsed.sloppy = true;
        if (flag === 'f') parsed.fake = true;
        if (flag === 'n') parsed.noMtab = true;
        if (flag === 'v') parsed.verbose = true;
      }
    } else if (arg.startsWith('-') && arg !== '-') throw usage(`unknown flag ${quoteValue(arg)}`);
    else positional.push(arg);
  }
  if (parsed.help || parsed.version) return parsed;
  if (positional.length !== 2) throw usage(positional.length < 2 ? 'expected a source and a directory' : `unexpected argument ${quoteValue(positional[2] ?? '')}`);
  [parsed.source, parsed.mountpoint] = positional as [string, string];
  return parsed;
}

/** Where mount.ha writes. */
export interface HelperOutput {
  print(line: string): void;
  printError(line: string): void;
}

/** Runs mount.ha: parse, build the spec (helper options out), mount. Throws HaMountError with mount(8)'s codes. */
export async function runMountHelper(argv: readonly string[], deps: MounterDeps, output: HelperOutput): Promise<void> {
  const args = parseMountHelperArgs(argv);
  if (args.help || args.version) {
    output.print(args.help ? MOUNT_HELPER_USAGE : formatVersion('mount.ha'));
    return;
  }
  if (args.namespace !== undefined) {
    // entering another mount namespace needs setns(2), which Node cannot do for its own process
    throw new HaMountError('ha-mount.helper.namespace', `mount.ha does not support -N ${quoteValue(args.namespace)} (mount --namespace); run the mount inside the namespace instead (nsenter -m -t PID mount ...)`, ExitCode.USAGE);
  }
  const built = buildHelperMountSpec({
    source: args.source,
    mountpoint: args.mountpoint,
    options: args.options,
    ...(args.type === undefined ? {} : { type: args.type }),
    sloppy: args.sloppy,
    origin: 'mount.ha',
  });
  if (args.verbose) {
    for (const problem of built.ignored) output.print(`mount.ha: ignoring option ${problem.option} (-s): ${problem.reason}`);
    if (built.stripped.length > 0) output.print(`mount.ha: not passed to ${built.spec.backend}: ${built.stripped.join(',')}`);
  }
  const outcome = await mountSpec(built.spec, deps, {
    dryRun: args.fake,
    waitForAll: args.verbose,
    onResolved: (resolution) => {
      if (args.verbose) for (const verdict of resolution.verdicts) output.print(`mount.ha: ${formatVerdict(verdict)}`);
    },
  });
  for (const warning of outcome.warnings ?? []) output.printError(`mount.ha: warning: ${warning}`);
  if (args.fake) output.print(formatCommand(outcome.command));
  else if (args.verbose) output.print(`mount.ha: ${describeOutcome(built.spec, outcome)}`);
}
