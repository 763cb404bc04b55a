// The ha-mount command line: one commander program; each subcommand registers itself with one
// line below. `mount` is the default command, so `ha-mount rep_vol1 /data` mounts.
import { Command, CommanderError } from 'commander';
import type { ReadText } from '../config/load-config.js';
import { ExitCode, HaMountError } from '../errors.js';
import { runCommand } from '../exec/run.js';
import { escapeControl } from '../text/escape-control.js';
import { readLocalText } from '../mount/local-path.js';
import { createMounterDeps, type MounterDeps } from '../mount/mounter-deps.js';
import { createAgentHookFactory } from '../agent/agent-hooks.js';
import { registerAgentCommand } from './agent-command.js';
import { registerCheckCommand } from './check-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerInstallCommands } from './install-command.js';
import { registerMountCommand } from './mount-command.js';
import { registerNotifyTestCommand } from './notify-test-command.js';
import { registerStatusCommand } from './status-command.js';
import { registerUmountCommand } from './umount-command.js';
import { formatVersion } from './version.js';

/** What every subcommand gets: output and the edges it touches, so tests inject fakes. */
export interface CliContext {
  /** writes to stdout (a newline is added) */
  print(line: string): void;
  /** writes to stderr (a newline is added) */
  printError(line: string): void;
  /** the mounter's edges: exec, DNS, TCP connect, /proc, clock */
  mounterDeps(): MounterDeps;
  /** reads the config file (a local regular file only: never one on a network mount, never a FIFO) */
  readText: ReadText;
  /** a command's own exit status when it is not mount(8)'s (check's Nagios codes); bin/ exits with it */
  exitStatus?: number;
}

/** The signature of every `register...Command(program, context)` function. */
export type RegisterCommand = (program: Command, context: CliContext) => void;

/** The real machine's context. */
export function createCliContext(): CliContext {
  return {
    // the last guard before the terminal: text from a user, the config or the volume is in these lines
    print: (line) => process.stdout.write(`${escapeControl(line, { keepNewlines: true })}\n`),
    printError: (line) => process.stderr.write(`${escapeControl(line, { keepNewlines: true })}\n`),
    mounterDeps: () => createMounterDeps(runCommand),
    readText: async (path) => readLocalText('the file', path),
  };
}

/** The global `-c/--config` value, from any subcommand's action. */
export function configOption(command: Command): string | undefined {
  return (command.optsWithGlobals() as { config?: string }).config;
}

/**
 * Builds the program. Usage errors throw a CommanderError (exitOverride) with exit code 1; a
 * subcommand's failure throws a HaMountError; bin/ turns either into the exit status.
 */
export function createProgram(context: CliContext = createCliContext()): Command {
  const program = new Command('ha-mount')
    .description('High-availability mounts of GlusterFS, MooseFS and LizardFS: mount through a VIP or a server list, and keep them working')
    .option('-c, --config <file>', 'config file (default: /etc/ha-mount/ha-mount.yaml)')
    .version(formatVersion('ha-mount'), '-V, --version', 'print the version and exit')
    .exitOverride()
    .configureOutput({ writeOut: (text) => process.stdout.write(escapeControl(text, { keepNewlines: true })), writeErr: (text) => process.stderr.write(escapeControl(text, { keepNewlines: true })) })
    .showHelpAfterError('(run ha-mount --help for usage)');
  registerMountCommand(program, context);
  registerUmountCommand(program, context);
  registerAgentCommand(program, context, createAgentHookFactory());
  registerStatusCommand(program, context);
  registerCheckCommand(program, context);
  registerNotifyTestCommand(program, context);
  registerInstallCommands(program);
  registerDemoCommand(program, context);
  return program;
}

/** Parses argv (without node and script), runs the chosen subcommand and gives its exit status. */
export async function runCli(argv: readonly string[], context: CliContext = createCliContext()): Promise<number> {
  await createProgram(context).parseAsync([...argv], { from: 'user' });
  return context.exitStatus ?? ExitCode.OK;
}

/**
 * The exit status and the message for stderr of anything runCli threw: usage errors 1 (commander
 * printed them already), HaMountError its own mount(8) code, anything else 4 (internal).
 */
export function describeFailure(error: unknown): { exitCode: ExitCode; message?: string } {
  if (error instanceof CommanderError) return { exitCode: error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE };
  if (error instanceof HaMountError) return { exitCode: error.exitCode, message: escapeControl(error.message, { keepNewlines: true }) };
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { exitCode: ExitCode.INTERNAL, message: escapeControl(`internal error: ${text}`, { keepNewlines: true }) };
}
