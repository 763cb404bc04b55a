import { hostname } from 'node:os';
import { DEFAULTS } from '../defaults.js';
import type { Logger } from '../log/logger.js';
import { logTransition } from '../notify/transition-log.js';
import { createSupervisor, type Supervisor } from '../supervisor/supervisor.js';
import type { SupervisorDeps } from '../supervisor/supervisor-types.js';
import type { MountSpec, TransitionEvent } from '../types.js';
import { loadAllMounts, type MountSource } from './mount-sources.js';
import { writeStatusFile, type AgentStatus } from './status-file.js';
import { createSupervisorDeps, type SupervisorHooks } from './supervisor-deps.js';

/** How an agent runs. */
export interface AgentOptions {
  /** where mounts are declared (config file, fstab...), first wins on a shared mountpoint */
  sources: MountSource[];
  /** status.json goes here */
  stateDir: string;
  logger: Logger;
  /** notifier, watchdog and metrics hooks (the lead wires them) */
  hooks?: SupervisorHooks;
  host?: string;
  statusIntervalMs?: number;
  /** the supervisor edges for a mount; default: the real machine (tests inject fakes) */
  createDeps?: (spec: MountSpec, onTransition: (event: TransitionEvent) => void) => SupervisorDeps;
  /** writes status.json; default: atomically to `stateDir` */
  writeStatus?: (stateDir: string, status: AgentStatus) => void;
}

/** What changed when the agent applied a new list of mounts. */
export interface MountChanges {
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: string[];
}

/**
 * Watches every declared mount with one supervisor each: adopts healthy mounts as they are,
 * mounts missing ones, writes status.json on every transition and every few seconds. Stopping
 * the agent never unmounts anything.
 */
export class Agent {
  private readonly supervisors = new Map<string, { spec: MountSpec; supervisor: Supervisor }>();
  private statusTimer: NodeJS.Timeout | undefined;
  private statusPending = false;
  private readonly startedAt = Date.now();
  readonly host: string;

  constructor(private readonly options: AgentOptions) {
    this.host = options.host ?? hostname();
  }

  /** Starts a supervisor per mount of `specs` (default: loads every source; throws when one cannot be read). */
  async start(loaded?: readonly MountSpec[]): Promise<MountChanges> {
    const specs = loaded ?? (await loadAllMounts(this.options.sources, this.options.logger));
    const changes = this.applyMounts(specs);
    this.writeStatusNow();
    // this timer is what keeps the agent's process alive (the supervisors' timers are unref'd)
    this.statusTimer = setInterval(() => this.writeStatusNow(), this.options.statusIntervalMs ?? DEFAULTS.agent.statusIntervalMs);
    this.options.logger.info({ mounts: specs.map((spec) => spec.name), sources: this.options.sources.map((source) => source.name) }, `agent watching ${specs.length} mount(s)`);
    return changes;
  }

  /** Applies freshly loaded mounts (SIGHUP, a file watcher: src/agent/run-agent.ts loads them) and writes the status. */
  reload(specs: readonly MountSpec[]): MountChanges {
    const changes = this.applyMounts(specs);
    this.writeStatusNow();
    return changes;
  }

  /**
   * Starts supervisors for new mounts, stops those of removed ones (leaving them mounted), and
   * restarts those whose spec changed (the new supervisor adopts the mount: no remount).
   * Unchanged mounts are not touched.
   */
  applyMounts(specs: readonly MountSpec[]): MountChanges {
    const changes: MountChanges = { added: [], removed: [], changed: [], unchanged: [] };
    const wanted = new Map(specs.map((spec) => [spec.name, spec]));
    for (const [name, entry] of this.supervisors) {
      if (!wanted.has(name)) {
        entry.supervisor.stop();
        this.supervisors.delete(name);
        changes.removed.push(name);
      }
    }
    for (const spec of specs) {
      const existing = this.supervisors.get(spec.name);
      if (existing !== undefined && JSON.stringify(existing.spec) === JSON.stringify(spec)) {
        changes.unchanged.push(spec.name);
        continue;
      }
      if (existing !== undefined) {
        existing.supervisor.stop();
        changes.changed.push(spec.name);
      } else changes.added.push(spec.name);
      const onTransition = (event: TransitionEvent): void => this.onTransition(event);
      const deps = this.options.createDeps?.(spec, onTransition) ?? createSupervisorDeps(spec, { logger: this.options.logger, host: this.host, onTransition, ...(this.options.hooks ? { hooks: this.options.hooks } : {}) });
      const supervisor = createSupervisor(spec, deps);
      this.supervisors.set(spec.name, { spec, supervisor });
      supervisor.start();
    }
    return changes;
  }

  /** Stops every supervisor and writes a last status. Mounts stay as they are. */
  stop(): void {
    if (this.statusTimer !== undefined) clearInterval(this.statusTimer);
    this.statusTimer = undefined;
    for (const { supervisor } of this.supervisors.values()) supervisor.stop();
    this.writeStatusNow();
    this.options.logger.info('agent stopped; mounts left as they are');
  }

  status(): AgentStatus {
    return {
      version: 1,
      pid: process.pid,
      host: this.host,
      startedAt: this.startedAt,
      updatedAt: Date.now(),
      sources: this.options.sources.map((source) => source.name),
      mounts: [...this.supervisors.values()].map(({ supervisor }) => supervisor.status()),
    };
  }

  /** The supervisors, by mount name (tests, `mount --watch`). */
  supervisor(name: string): Supervisor | undefined {
    return this.supervisors.get(name)?.supervisor;
  }

  private onTransition(event: TransitionEvent): void {
    logTransition(this.options.logger, event);
    try {
      this.options.hooks?.onTransition?.(event);
    } catch (error) {
      this.options.logger.error({ err: error }, 'transition hook failed');
    }
    // several transitions in one turn (failed -> recovering) make one write
    if (this.statusPending) return;
    this.statusPending = true;
    queueMicrotask(() => {
      this.statusPending = false;
      this.writeStatusNow();
    });
  }

  private writeStatusNow(): void {
    try {
      (this.options.writeStatus ?? writeStatusFile)(this.options.stateDir, this.status());
    } catch (error) {
      this.options.logger.error({ err: error, stateDir: this.options.stateDir }, `cannot write the status file in ${this.options.stateDir}`);
    }
  }
}

/** Creates and starts an agent. */
export async function startAgent(options: AgentOptions): Promise<Agent> {
  const agent = new Agent(options);
  await agent.start();
  return agent;
}
