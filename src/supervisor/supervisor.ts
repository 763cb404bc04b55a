import { DEFAULTS } from '../defaults.js';
import { createDaemonStatReader, findDaemon, type DaemonStatReader } from '../probes/daemon.js';
import { watchDaemon, type StopWatching } from '../probes/daemon-watcher.js';
import type { RunningProbe } from '../probes/probe-types.js';
import { describeFirstAnswer } from '../resolve/first-answer.js';
import type { MountSpec } from '../types.js';
import { createNamedTimers, type NamedTimers } from '../clock.js';
import { abortFuseConnection, abortSockets, checkDaemonServers, leverSettings } from './connection-effects.js';
import { createCore, describeStatus, step } from './core.js';
import type { CoreEffect, CoreInput, CoreSettings, MountCore, TimerName } from './core-types.js';
import { presenceOf } from './presence.js';
import { deliverEvent, observeProbe, probeErrorResult } from './observe.js';
import { runPostRemount, runRemount } from './remount.js';
import { alignTickDelay } from './tick-grid.js';
import type { BrickSource, MountStatus, SupervisorDeps } from './supervisor-types.js';

/**
 * Watches one mount: carries out what the pure core (core.ts) decides, and reports back what
 * happened. Holds only handles (timers, the probe in flight, the daemon watch), never a decision.
 * It never touches the mount from this process: probes are children, mountinfo and /proc are kernel memory.
 */
export class Supervisor {
  private core: MountCore;
  private readonly settings: CoreSettings;
  private readonly timers: NamedTimers<TimerName>;
  /** the probe tick's timer, on the shared tick clock */
  private readonly ticks: NamedTimers<'tick'>;
  private readonly probes = new Map<number, RunningProbe>();
  private stopWatching: StopWatching | undefined;
  private bricks: BrickSource | undefined;
  /** the daemon's /proc/PID/stat kept open for the read after each probe */
  private readonly daemonStat: DaemonStatReader;
  private readonly queue: CoreInput[] = [];
  private draining = false;

  constructor(
    readonly spec: MountSpec,
    private readonly deps: SupervisorDeps,
  ) {
    this.settings = { spec, repair: { ...DEFAULTS.repair, ...deps.repair }, settleIntervalMs: deps.settleIntervalMs ?? DEFAULTS.probe.settleIntervalMs, ...leverSettings(spec, deps) };
    this.timers = createNamedTimers(deps.clock);
    this.ticks = createNamedTimers(deps.tickClock ?? deps.clock);
    this.daemonStat = createDaemonStatReader(deps.proc);
    this.core = createCore(deps.clock.now());
  }

  get name(): string {
    return this.spec.name;
  }

  /** Adopts the mount when it is there (no remount), mounts it when it is not. */
  start(): void {
    this.bricks = this.deps.openBrickSource?.(this.spec);
    this.feed({ kind: 'start' });
  }

  /** Stops timers and watches; kills a probe in flight without waiting for it. Leaves the mount as it is. */
  stop(): void {
    this.feed({ kind: 'stop' });
    this.bricks?.close?.();
    this.daemonStat.close();
  }

  /** The mount's status for status.json and `ha-mount status`. */
  status(): MountStatus {
    return describeStatus(this.core, this.spec);
  }

  /** Hands one input to the core and carries out its effects; inputs raised meanwhile wait their turn. */
  private feed(input: CoreInput): void {
    this.queue.push(input);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        const result = step(this.core, next, this.settings, { now: this.deps.clock.now(), random: this.deps.random() });
        this.core = result.core;
        for (const effect of result.effects) this.carryOut(effect);
      }
    } finally {
      this.draining = false;
    }
  }

  private carryOut(effect: CoreEffect): void {
    const { deps, spec } = this;
    switch (effect.type) {
      case 'inspect-mount':
        return this.feed({ kind: 'inspected', purpose: effect.purpose, presence: presenceOf(deps.readMounts(), spec, deps.backend) });
      case 'start-probe':
        return this.startProbe(effect.id, deps.probe({ mountpoint: spec.mountpoint, device: effect.device, write: spec.probe.write, host: deps.host, fileGeneration: effect.fileGeneration }));
      case 'kill-probe':
        return this.probes.get(effect.id)?.kill();
      case 'find-daemon': {
        const daemon = findDaemon(spec.mountpoint, deps.backend, deps.proc);
        if (daemon === undefined) deps.logger.warn({ mount: spec.name, mountpoint: spec.mountpoint }, 'FUSE daemon of the mount not found in /proc: its death is seen by the probes only');
        return this.feed({ kind: 'daemon-found', ...(daemon === undefined ? {} : { daemon }) });
      }
      case 'watch-daemon':
        this.stopWatching?.();
        this.stopWatching = watchDaemon(effect.daemon, { proc: deps.proc, clock: deps.clock, ...(deps.processEnds ? { ends: deps.processEnds } : {}) }, (status) => this.feed({ kind: 'daemon-died', daemon: effect.daemon, status }));
        return;
      case 'unwatch-daemon':
        this.stopWatching?.();
        this.stopWatching = undefined;
        return;
      case 'set-timer': {
        const { timer } = effect;
        if (timer === 'tick') return this.ticks.set(timer, alignTickDelay(deps.clock.now(), effect.delayMs, deps.tickGridMs), () => this.feed({ kind: 'timer', timer }));
        return this.timers.set(timer, effect.delayMs, () => this.feed({ kind: 'timer', timer }));
      }
      case 'cancel-timer':
        return effect.timer === 'tick' ? this.ticks.clear(effect.timer) : this.timers.clear(effect.timer);
      case 'check-servers':
        void deps.resolveServers(spec, []).then((resolution) => this.feed({ kind: 'servers-checked', ...describeFirstAnswer(resolution) }));
        return;
      case 'remount':
        void runRemount({ spec, deps, oldDaemon: effect.daemon, avoid: effect.avoid, isStopped: () => this.core.stopped }).then((result) => {
          if (result.kind !== 'stopped') this.feed({ kind: 'remount-ended', result });
        });
        return;
      case 'run-post-remount':
        void runPostRemount(spec, deps);
        return;
      case 'read-fuse-waiting':
        return this.feed({ kind: 'fuse-waiting', waiting: deps.connections?.readWaiting(effect.connection) });
      case 'abort-fuse-connection':
        return abortFuseConnection(effect.connection, deps, spec, (input) => this.feed(input));
      case 'check-daemon-servers':
        void checkDaemonServers(effect.daemon, effect.probeId, deps, spec, (input) => this.feed(input));
        return;
      case 'abort-sockets':
        void abortSockets(effect.daemon, effect.ip, deps, spec);
        return;
      case 'emit':
        // one line per abort, beside the transitions: `jq 'select(.event=="abort")'` lists them
        if (effect.event.kind === 'abort') deps.logger.warn({ event: 'abort', mount: spec.name, mountpoint: spec.mountpoint, target: effect.event.target, reason: effect.event.reason }, `mount ${spec.name}: ${effect.event.detail}`);
        return deliverEvent(effect.event, spec, deps);
      case 'heartbeat':
        return deps.onProgress?.(spec.name);
    }
  }

  /** The probe's answer goes in with the side signals read at that moment; its exit only after it. */
  private startProbe(id: number, probe: RunningProbe): void {
    this.probes.set(id, probe);
    const answered = probe.result
      .catch(probeErrorResult)
      .then(async (result) => this.feed(await observeProbe(id, result, this.core, this.bricks, this.deps, this.spec.name, (daemon) => this.daemonStat.read(daemon))));
    void Promise.all([probe.exited, answered]).then(() => {
      this.probes.delete(id);
      this.feed({ kind: 'probe-exited', id });
    });
  }
}

export { formatServerAddress, parseServerText } from './server-text.js';

/** Creates a supervisor for one mount; call `start()` to begin. */
export function createSupervisor(spec: MountSpec, deps: SupervisorDeps): Supervisor {
  return new Supervisor(spec, deps);
}
