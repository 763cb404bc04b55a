// `ha-mount agent [-c FILE]`: parses the flags; the life cycle is src/agent/run-agent.ts.
import type { Command } from 'commander';
import type { AgentHookFactory } from '../agent/run-agent.js';
import { runAgent } from '../agent/run-agent.js';
import { DEFAULTS } from '../defaults.js';
import { configOption, type CliContext } from './program.js';

interface AgentFlags {
  stateDir?: string;
  fstab?: string | false;
}

/** Registers `agent`. `hookFactory` is where notifier, metrics and watchdog are wired. */
export function registerAgentCommand(program: Command, context: CliContext, hookFactory?: AgentHookFactory): void {
  program
    .command('agent')
    .description('watch every mount of the config file and the ha lines of fstab; remount what fails (SIGHUP reloads; stopping never unmounts)')
    .option('--state-dir <dir>', 'where status.json goes (default: HA_MOUNT_STATE_DIR or /run/ha-mount)')
    .option('--fstab <file>', `fstab file whose ha lines are managed too (default ${DEFAULTS.fstabPath})`)
    .option('--no-fstab', 'manage the config file\'s mounts only')
    .action(async (flags: AgentFlags, command: Command) => {
      const configPath = configOption(command);
      await runAgent({
        readText: context.readText,
        ...(configPath === undefined ? {} : { configPath }),
        ...(flags.fstab === undefined ? {} : { fstab: flags.fstab }),
        ...(flags.stateDir === undefined ? {} : { stateDir: flags.stateDir }),
        ...(hookFactory === undefined ? {} : { hookFactory }),
      });
    });
}
