// `ha-mount agent [-c FILE]`: watch and repair every mount of the config file and the `ha` lines
// of fstab, until SIGTERM/SIGINT; SIGHUP reloads. Stopping never unmounts.
import type { Command } from 'commander';
import { startAgent, type Agent } from '../agent/agent.js';
import { createConfigSource, createFstabSource, type MountSource } from '../agent/mount-sources.js';
import { prepareStateDir, resolveStateDir } from '../agent/status-file.js';
import type { SupervisorHooks } from '../agent/supervisor-deps.js';
import type { HaMountConfig } from '../config/load-config.js';
import { DEFAULTS } from '../defaults.js';
import { createLogger, type Logger } from '../log/logger.js';
import { configOption, type CliContext } from './program.js';

interface AgentFlags {
  stateDir?: string;
  fstab?: string | false;
}

/** Hooks for one agent run, and what to do around it (the lead wires notifier, metrics, watchdog here). */
export interface AgentHookSet extends SupervisorHooks {
  /** after the initial mounts were tried (sd_notify READY=1, metrics server start...) */
  onStarted?(agent: Agent): void | Promise<void>;
  /** before the agent stops (STOPPING=1, drain the mail queue...) */
  onStopping?(agent: Agent): void | Promise<void>;
  /** after a reload (SIGHUP) with the freshly loaded config */
  onReloaded?(agent: Agent, config: HaMountConfig | undefined): void | Promise<void>;
  /** a reload was refused (the running mounts are kept); the error names file and line */
  onReloadFailed?(error: Error): void;
}

/** Builds the hooks of one agent run from the loaded config (its notify/metrics sections). */
export type AgentHookFactory = (input: { config: HaMountConfig | undefined; logger: Logger; files: string[] }) => AgentHookSet | Promise<AgentHookSet>;

/** Resolves on the first SIGTERM or SIGINT; SIGHUP calls `onHangup` meanwhile. */
function waitForStopSignal(onHangup: () => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      process.off('SIGHUP', onHangup);
      resolve(signal);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('SIGHUP', onHangup);
  });
}

/** Runs the agent until SIGTERM/SIGINT. */
export async function runAgentCommand(context: CliContext, flags: AgentFlags, configPath: string | undefined, hookFactory?: AgentHookFactory): Promise<void> {
  const logger = createLogger();
  const path = configPath ?? DEFAULTS.configPath;
  let config: HaMountConfig | undefined;
  // the default config file may be absent when every mount is in fstab; a file given with -c must exist
  const configSource = createConfigSource(path, context.readText, (loaded) => (config = loaded), { missingOk: configPath === undefined });
  const sources: MountSource[] = [configSource];
  // the fstab is read as the config is: a local regular file only, never through a network mount
  if (flags.fstab !== false) sources.push(createFstabSource(flags.fstab ?? DEFAULTS.fstabPath, logger, () => config?.probe, context.readText));
  const stateDir = resolveStateDir(flags.stateDir);
  prepareStateDir(stateDir); // an unsafe state folder is refused before anything is mounted

  // load once first so the hooks can read the config's notify and metrics sections
  await configSource.load();
  const files = flags.fstab === false ? [path] : [path, flags.fstab ?? DEFAULTS.fstabPath];
  const hooks = (await hookFactory?.({ config, logger, files })) ?? {};
  const agent = await startAgent({ sources, stateDir, logger, hooks });
  await hooks.onStarted?.(agent);

  let reloading = Promise.resolve();
  const stopSignal = await waitForStopSignal(() => {
    reloading = reloading.then(async () => {
      try {
        const changes = await agent.reload();
        logger.info(changes, 'reloaded');
        await hooks.onReloaded?.(agent, config);
      } catch (error) {
        logger.error({ err: error }, `reload failed, keeping the running mounts: ${(error as Error).message}`);
        hooks.onReloadFailed?.(error as Error);
      }
    });
  });
  logger.info({ signal: stopSignal }, 'stopping');
  // a reload still running would start supervisors after the agent said it stopped
  const ignoreHangup = (): void => logger.info('SIGHUP while stopping: ignored');
  process.on('SIGHUP', ignoreHangup);
  await reloading;
  await hooks.onStopping?.(agent);
  agent.stop();
  process.off('SIGHUP', ignoreHangup);
}

/** Registers `agent`. `hookFactory` is where notifier, metrics and watchdog are wired. */
export function registerAgentCommand(program: Command, context: CliContext, hookFactory?: AgentHookFactory): void {
  program
    .command('agent')
    .description('watch every mount of the config file and the ha lines of fstab; remount what fails (SIGHUP reloads; stopping never unmounts)')
    .option('--state-dir <dir>', 'where status.json goes (default: HA_MOUNT_STATE_DIR or /run/ha-mount)')
    .option('--fstab <file>', `fstab file whose ha lines are managed too (default ${DEFAULTS.fstabPath})`)
    .option('--no-fstab', 'manage the config file\'s mounts only')
    .action(async (flags: AgentFlags, command: Command) => runAgentCommand(context, flags, configOption(command), hookFactory));
}
