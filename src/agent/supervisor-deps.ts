import type { Backend } from '../backends/backend.js';
import { getBackend } from '../backends/registry.js';
import { DEFAULTS } from '../defaults.js';
import type { Runner } from '../exec/run.js';
import type { Logger } from '../log/logger.js';
import { mountSpec, unmountMountpoint } from '../mount/mounter.js';
import { createMounterDeps, type MounterDeps } from '../mount/mounter-deps.js';
import { spawnRunner } from '../mount/spawn-runner.js';
import type { HaMountMetrics } from '../metrics/metrics.js';
import { describeMountSpec } from '../metrics/mount-info.js';
import { GlusterLogReader, glusterLogPath } from '../probes/gluster-log.js';
import { readMountInfo } from '../probes/mount-presence.js';
import { createProbeRunner } from '../probes/probe-runner.js';
import { systemProc } from '../probes/proc.js';
import { systemClock } from '../clock.js';
import { killDaemon, sendSignal } from '../supervisor/kill-daemon.js';
import { checkServers } from '../supervisor/reachability.js';
import type { SupervisorDeps, SupervisorMetrics } from '../supervisor/supervisor-types.js';
import { buildScopeUnitName, wrapInScope } from '../supervisor/systemd-scope.js';
import type { MountSpec, TransitionEvent } from '../types.js';

/** The hooks the agent's owner wires: notifier, watchdog, metrics. All optional. */
export interface SupervisorHooks {
  onTransition?(event: TransitionEvent): void;
  onProgress?(name: string): void;
  metrics?: SupervisorMetrics;
  /** the fleet series: what each mount is, and whether its servers answered the last reachability check */
  mountInfo?: Pick<HaMountMetrics, 'describeMount' | 'setServersReachable'>;
}

const UNMOUNT_TOOLS = new Set(['umount', 'fusermount', 'fusermount3']);

/** A runner that starts mount commands in their own systemd scope when under systemd (see wrapInScope). */
export function createScopedRunner(mountName: string, env: NodeJS.ProcessEnv = process.env, runner: Runner = spawnRunner): Runner {
  return (command, options) => {
    const base = command.file.split('/').pop() ?? command.file;
    return runner(UNMOUNT_TOOLS.has(base) ? command : wrapInScope(command, buildScopeUnitName(mountName), env), options);
  };
}

/**
 * Mounter edges for the agent: mount commands in a scope, and the mountpoint checks run as
 * `stat` and `realpath` children with deadlines, never in this process's thread pool (the path
 * may be a hung mount).
 */
function createAgentMounterDeps(spec: MountSpec, env: NodeJS.ProcessEnv): MounterDeps {
  const runner = createScopedRunner(spec.name, env);
  const deps = createMounterDeps(runner);
  return {
    ...deps,
    stat: async (path) => {
      const result = await spawnRunner({ file: 'stat', args: ['--printf', '%F', '--', path] }, { timeoutMs: 5_000, env: { ...process.env, LC_ALL: 'C' } });
      if (result.timedOut) return new Promise(() => undefined); // the mounter's own deadline reports it
      if (result.exitCode !== 0) {
        const code = /No such file or directory/.test(result.stderr) ? 'ENOENT' : /Not a directory/.test(result.stderr) ? 'ENOTDIR' : /Permission denied/.test(result.stderr) ? 'EACCES' : 'EIO';
        throw Object.assign(new Error(result.stderr || `stat ${path} failed`), { code });
      }
      return { isDirectory: () => result.stdout === 'directory' };
    },
    // realpath lstat()s the mountpoint itself, the root of a possibly hung mount: a child with a deadline too
    realpath: async (path) => {
      const result = await spawnRunner({ file: 'realpath', args: ['-e', '--', path] }, { timeoutMs: 5_000, env: { ...process.env, LC_ALL: 'C' } });
      return result.exitCode === 0 && result.stdout !== '' ? result.stdout : path;
    },
  };
}

/** The real machine's supervisor edges for one mount. */
export function createSupervisorDeps(spec: MountSpec, options: { logger: Logger; host: string; hooks?: SupervisorHooks; env?: NodeJS.ProcessEnv; onTransition(event: TransitionEvent): void }): SupervisorDeps {
  const env = options.env ?? process.env;
  const backend: Backend = getBackend(spec.backend);
  const mounterDeps = createAgentMounterDeps(spec, env);
  const probe = createProbeRunner();
  options.hooks?.mountInfo?.describeMount(spec.name, describeMountSpec(spec));
  const deps: SupervisorDeps = {
    clock: systemClock,
    random: Math.random,
    host: options.host,
    backend,
    probe,
    readMounts: readMountInfo,
    proc: systemProc,
    mounts: {
      mount: (target, { avoid }) => mountSpec(target, mounterDeps, { avoid }),
      unmount: async (mountpoint, { lazy }) => {
        await unmountMountpoint(mountpoint, backend, { lazy }, mounterDeps);
      },
    },
    killDaemon: (daemon, mountpoint, options) => killDaemon(daemon, mountpoint, { proc: systemProc, backend, clock: systemClock, signal: sendSignal }, options),
    checkServers: async (target) => {
      const check = await checkServers(target.servers, backend.defaultPort);
      options.hooks?.mountInfo?.setServersReachable(spec.name, check.answered !== undefined);
      return check;
    },
    runPostRemount: async (command) => {
      const result = await spawnRunner(command, { timeoutMs: DEFAULTS.repair.postRemountTimeoutMs, cwd: '/' });
      if (result.exitCode !== 0) throw new Error(`post-remount ${command.file} failed: ${result.spawnError ?? result.stderr.split('\n').pop() ?? ''} (exit ${result.exitCode ?? result.signal})`);
      options.logger.info({ mount: spec.name, command: command.file }, 'post-remount command done');
    },
    openBrickSource: (target) => (target.backend === 'glusterfs' ? new GlusterLogReader(glusterLogPath(target.mountpoint, target.options)) : undefined),
    onTransition: options.onTransition,
    logger: options.logger,
  };
  if (options.hooks?.onProgress) deps.onProgress = options.hooks.onProgress;
  if (options.hooks?.metrics) deps.metrics = options.hooks.metrics;
  return deps;
}
