// `ha-mount status [--json]`: the agent's view of every mount, read from its status.json.
import type { Command } from 'commander';
import { describeAgentLiveness, readStatusFile, resolveStateDir } from '../agent/status-file.js';
import { checkStatusDocument } from '../agent/status-check.js';
import { buildStatusReport, formatStatus } from '../agent/status-format.js';
import { ExitCode, HaMountError } from '../errors.js';
import { systemProc } from '../probes/proc.js';
import { escapeControl } from '../text/escape-control.js';
import type { CliContext } from './program.js';

interface StatusFlags {
  json?: boolean;
  stateDir?: string;
}

/** Prints the status; throws (exit 1) when no agent ever wrote one in the state folder. */
export function showStatus(context: Pick<CliContext, 'print'>, flags: StatusFlags, now: number = Date.now(), exists: (pid: number) => boolean = systemProc.exists): void {
  const stateDir = resolveStateDir(flags.stateDir);
  let status;
  try {
    status = readStatusFile(stateDir);
  } catch (error) {
    throw new HaMountError('ha-mount.status.unreadable', `cannot read ${stateDir}/status.json: ${(error as Error).message}`, ExitCode.SYSTEM, { cause: error });
  }
  if (status === undefined) {
    throw new HaMountError(
      'ha-mount.status.no-agent',
      `no agent is running: ${stateDir}/status.json does not exist. Start it with "ha-mount agent" or "systemctl start ha-mount" (or give its --state-dir)`,
      ExitCode.USAGE,
    );
  }
  checkStatusDocument(status, `${stateDir}/status.json`);
  const liveness = describeAgentLiveness(status, now, exists);
  // JSON.stringify escapes C0 controls; escapeControl also the C1, line-separator and bidi ones
  if (flags.json) context.print(escapeControl(JSON.stringify(buildStatusReport(status, liveness), null, 2), { keepNewlines: true }));
  else for (const line of formatStatus(status, liveness, now)) context.print(line);
}

/** Registers `status`. */
export function registerStatusCommand(program: Command, context: CliContext): void {
  program
    .command('status')
    .description("each mount's state, since when, server, last probe latency and remount count, as the agent sees them")
    .option('--json', 'print JSON')
    .option('--state-dir <dir>', 'the agent\'s state folder (default: HA_MOUNT_STATE_DIR or /run/ha-mount)')
    .action((flags: StatusFlags) => showStatus(context, flags));
}
