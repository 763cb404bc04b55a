// The agent's life cycle: load (once per start or reload), start, reload on SIGHUP or a file
// edit, stop on SIGTERM/SIGINT. Stopping never unmounts. `ha-mount agent` (src/cli/) only parses.
import { ensureFusectl } from '../probes/fuse-connection.js';
import { readMountInfo } from '../mount/mountinfo.js';
import { runCommand } from '../exec/run.js';
import type { HaMountConfig, ReadText } from '../config/load-config.js';
import { DEFAULTS } from '../defaults.js';
import { createLogger, type Logger } from '../log/logger.js';
import { Agent } from './agent.js';
import { startHeapCompaction } from './heap.js';
import { createConfigSource, createFstabSource, loadAllMounts, type MountSource } from './mount-sources.js';
import { prepareStateDir, resolveStateDir } from './status-file.js';
import type { SupervisorHooks } from './supervisor-deps.js';

/** Hooks for one agent run, and what to do around it (notifier, metrics, watchdog: agent-hooks.ts). */
export interface AgentHookSet extends SupervisorHooks {
  /** after the initial mounts were tried (sd_notify READY=1, metrics server start...) */
  onStarted?(agent: Agent): void | Promise<void>;
  /** before the agent stops (STOPPING=1, drain the mail queue...) */
  onStopping?(agent: Agent): void | Promise<void>;
  /**
   * a reload's config, before its mounts are applied: applies the `notify:` and `metrics:`
   * sections; throws (the error names file and line) to refuse the whole reload
   */
  applyConfig?(config: HaMountConfig | undefined): void | Promise<void>;
  /** after a reload was applied */
  onReloaded?(agent: Agent, config: HaMountConfig | undefined): void | Promise<void>;
  /** a reload was refused (the running mounts are kept); the error names file and line */
  onReloadFailed?(error: Error): void;
}

/** Builds the hooks of one agent run from the loaded config (its notify/metrics sections). */
export type AgentHookFactory = (input: { config: HaMountConfig | undefined; logger: Logger; files: string[] }) => AgentHookSet | Promise<AgentHookSet>;

/** How `ha-mount agent` runs. */
export interface RunAgentOptions {
  /** the config file given with -c; undefined: the default path, which may be absent when every mount is in fstab */
  configPath?: string;
  /** fstab whose `ha` lines are managed too; false: none */
  fstab?: string | false;
  stateDir?: string;
  readText: ReadText;
  hookFactory?: AgentHookFactory;
  logger?: Logger;
}

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

/** The config file and fstab as mount sources; `loaded()` is the config the last load read (each load reads it once). */
function createSources(options: RunAgentOptions, logger: Logger): { sources: MountSource[]; files: string[]; loaded(): HaMountConfig | undefined } {
  const path = options.configPath ?? DEFAULTS.configPath;
  let config: HaMountConfig | undefined;
  // the default config file may be absent when every mount is in fstab; a file given with -c must exist
  const configSource = createConfigSource(path, options.readText, (loaded) => (config = loaded), { missingOk: options.configPath === undefined });
  const sources: MountSource[] = [configSource];
  const files = [path];
  if (options.fstab !== false) {
    const fstab = options.fstab ?? DEFAULTS.fstabPath;
    // the fstab is read as the config is: a local regular file only, never through a network mount
    sources.push(createFstabSource(fstab, logger, () => config?.probe, options.readText));
    files.push(fstab);
  }
  return { sources, files, loaded: () => config };
}

/** Runs the agent until SIGTERM/SIGINT; SIGHUP (and a file edit, through the hooks' watcher) reloads. */
export async function runAgent(options: RunAgentOptions): Promise<void> {
  const logger = options.logger ?? createLogger();
  const stateDir = prepareStateDir(resolveStateDir(options.stateDir)); // an unsafe state folder is refused before anything is mounted
  const { sources, files, loaded } = createSources(options, logger);
  const specs = await loadAllMounts(sources, logger);
  const hooks = (await options.hookFactory?.({ config: loaded(), logger, files })) ?? {};
  const agent = new Agent({ sources, stateDir, logger, hooks });
  const fusectl = await ensureFusectl(readMountInfo(), (command) => runCommand(command, { timeoutMs: DEFAULTS.commands.umountTimeoutMs }));
  if (typeof fusectl === 'object') logger.warn(`cannot mount fusectl, so FUSE connections of dead daemons cannot be aborted: ${fusectl.failed}`);
  else logger.debug({ fusectl }, 'fusectl');
  await agent.start(specs);
  await hooks.onStarted?.(agent);
  const stopCompacting = startHeapCompaction();

  let reloading = Promise.resolve();
  const reload = async (): Promise<void> => {
    try {
      const next = await loadAllMounts(sources, logger);
      const config = loaded();
      await hooks.applyConfig?.(config);
      const changes = agent.reload(next);
      logger.info(changes, 'reloaded');
      await hooks.onReloaded?.(agent, config);
    } catch (error) {
      logger.error({ err: error }, `reload failed, keeping the running mounts: ${(error as Error).message}`);
      hooks.onReloadFailed?.(error as Error);
    }
  };
  const stopSignal = await waitForStopSignal(() => {
    reloading = reloading.then(reload);
  });
  logger.info({ signal: stopSignal }, 'stopping');
  // a reload still running would start supervisors after the agent said it stopped
  const ignoreHangup = (): void => logger.info('SIGHUP while stopping: ignored');
  process.on('SIGHUP', ignoreHangup);
  await reloading;
  await hooks.onStopping?.(agent);
  stopCompacting();
  agent.stop();
  process.off('SIGHUP', ignoreHangup);
}
