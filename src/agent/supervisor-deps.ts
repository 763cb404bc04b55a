import type { Backend } from '../backends/backend.js';
import { getBackend } from '../backends/registry.js';
import { DEFAULTS } from '../defaults.js';
import { runCommand, type Runner } from '../exec/run.js';
import type { Logger } from '../log/logger.js';
import { mountSpec, unmountMountpoint } from '../mount/mounter.js';
import { createMounterDeps } from '../mount/mounter-deps.js';
import type { HaMountMetrics } from '../metrics/metrics.js';
import { describeMountSpec } from '../metrics/mount-info.js';
import { GlusterLogReader, glusterLogPath } from '../probes/gluster-log.js';
import { readMountInfo, withMountInfoSnapshot } from '../mount/mountinfo.js';
import { sharedProbeHelper } from '../probes/probe-helper.js';
import { createProbeRunner } from '../probes/probe-runner.js';
import { systemProc } from '../probes/proc.js';
import { systemClock } from '../clock.js';
import { createConnectionLevers } from '../supervisor/connection-levers.js';
import { killDaemon, sendSignal } from '../supervisor/kill-daemon.js';
import { resolveServers } from '../resolve/resolve-servers.js';
import type { MountEvent } from '../supervisor/core-types.js';
import type { SupervisorDeps } from '../supervisor/supervisor-types.js';
import { buildScopeUnitName, wrapInScope } from '../supervisor/systemd-scope.js';
import { createGridClock } from '../supervisor/tick-grid.js';
import type { MountSpec, TransitionEvent } from '../types.js';

/** The hooks the agent's owner wires: notifier, watchdog, metrics. All optional. */
export interface SupervisorHooks {
  onTransition?(event: TransitionEvent): void;
  onProgress?(name: string): void;
  /** every mount event (the metrics subscribe here) */
  onEvent?(mount: string, event: MountEvent): void;
  /** the fleet series: what each mount is, and whether its servers answered the last reachability check */
  mountInfo?: Pick<HaMountMetrics, 'describeMount' | 'setServersReachable'>;
}

/** One tick clock for every mount of the process: the ticks of one grid point wake it once and share one mountinfo read. */
const tickClock = createGridClock(systemClock, withMountInfoSnapshot);

const UNMOUNT_TOOLS = new Set(['umount', 'fusermount', 'fusermount3']);

/** A runner that starts mount commands in their own systemd scope when under systemd (see wrapInScope). */
export function createScopedRunner(mountName: string, env: NodeJS.ProcessEnv = process.env, runner: Runner = runCommand): Runner {
  return (command, options) => {
    const base = command.file.split('/').pop() ?? command.file;
    return runner(UNMOUNT_TOOLS.has(base) ? command : wrapInScope(command, buildScopeUnitName(mountName), env), options);
  };
}

/** The real machine's supervisor edges for one mount. */
export function createSupervisorDeps(spec: MountSpec, options: { logger: Logger; host: string; hooks?: SupervisorHooks; env?: NodeJS.ProcessEnv; onTransition(event: TransitionEvent): void }): SupervisorDeps {
  const env = options.env ?? process.env;
  const backend: Backend = getBackend(spec.backend);
  const mounterDeps = createMounterDeps(createScopedRunner(spec.name, env)); // mountpoint checks run out of process, as for the CLI
  const helper = sharedProbeHelper();
  const probe = createProbeRunner(helper);
  options.hooks?.mountInfo?.describeMount(spec.name, describeMountSpec(spec));
  const deps: SupervisorDeps = {
    clock: systemClock,
    random: Math.random,
    host: options.host,
    backend,
    probe,
    readMounts: readMountInfo,
    proc: systemProc,
    processEnds: helper,
    tickGridMs: DEFAULTS.probe.tickGridMs,
    tickClock,
    mounts: {
      mount: (target, { avoid, resolution }) => mountSpec(target, mounterDeps, { avoid, resolution }),
      unmount: async (mountpoint, { lazy }) => {
        await unmountMountpoint(mountpoint, backend, { lazy }, mounterDeps);
      },
    },
    killDaemon: (daemon, mountpoint, options) => killDaemon(daemon, mountpoint, { proc: systemProc, backend, clock: systemClock, signal: sendSignal }, options),
    resolveServers: async (target, avoid) => {
      const resolution = await resolveServers(target.servers, mounterDeps.resolver, { defaultPort: backend.defaultPort, avoid, ...(backend.ipv4Only ? { ipv4Only: true } : {}) });
      options.hooks?.mountInfo?.setServersReachable(spec.name, resolution.reachable.length > 0);
      return resolution;
    },
    runPostRemount: async (command) => {
      const result = await runCommand(command, { timeoutMs: DEFAULTS.repair.postRemountTimeoutMs, cwd: '/' });
      if (result.exitCode !== 0) throw new Error(`post-remount ${command.file} failed: ${result.spawnError ?? result.stderr.split('\n').pop() ?? ''} (exit ${result.exitCode ?? result.signal})`);
      options.logger.info({ mount: spec.name, command: command.file }, 'post-remount command done');
    },
    openBrickSource: (target) => {
      if (target.backend !== 'glusterfs') return undefined;
      const path = glusterLogPath(target.mountpoint, target.options);
      return new GlusterLogReader(path, { readMounts: readMountInfo, warn: (message) => options.logger.warn({ mount: spec.name, path }, message) });
    },
    onTransition: options.onTransition,
    logger: options.logger,
    connections: createConnectionLevers(),
  };
  if (options.hooks?.onProgress) deps.onProgress = options.hooks.onProgress;
  if (options.hooks?.onEvent) deps.onEvent = options.hooks.onEvent;
  return deps;
}
