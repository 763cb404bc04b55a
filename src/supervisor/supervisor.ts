import { DEFAULTS } from '../defaults.js';
import { toFailureReason, type FailureReason } from '../metrics/failure-reason.js';
import { checkDaemon, findDaemon, type DaemonRef } from '../probes/daemon.js';
import { watchDaemon, type StopWatching } from '../probes/daemon-watcher.js';
import type { BrickStatus } from '../probes/gluster-log.js';
import { inspectMountPresence, type MountPresence } from '../probes/mount-presence.js';
import type { ProbeResult, RunningProbe } from '../probes/probe-types.js';
import type { MountSpec, TransitionEvent } from '../types.js';
import type { TimerHandle } from '../clock.js';
import { decide, type DecideContext, type StateChange } from './decide.js';
import { createInitialHealth, type MountHealth } from './health.js';
import { performRemount, type RemountResult } from './remount.js';
import { nextTransitionSeq } from './sequence.js';
import { ServerRotation } from './server-rotation.js';
import type { HealthSignal, RepairAction } from './signals.js';
import type { BrickSource, LastProbe, MountStatus, RepairSettings, SupervisorDeps } from './supervisor-types.js';
import { weighProbe } from './weigh-probe.js';

interface ProbeInFlight {
  probe: RunningProbe;
  generation: number;
  deadline: TimerHandle;
  timedOut: boolean;
}

/** The metrics reason of a signal (a fixed set, so labels stay bounded). */
function causeOf(signal: HealthSignal, probeCause: string | undefined): FailureReason {
  switch (signal.kind) {
    case 'probe':
      return toFailureReason(probeCause ?? 'other');
    case 'probe-timeout':
    case 'hang-deadline':
      return 'hung';
    case 'mount-absent':
    case 'mount-foreign':
      return 'not_mounted';
    case 'daemon-died':
      return 'daemon_dead';
    default:
      return 'other';
  }
}

/**
 * Watches one mount and repairs what a remount can repair. Runs probes (one at a time, each
 * with a deadline), watches the FUSE daemon, reads brick state, feeds every event to the pure
 * `decide` and carries out its actions. It never touches the mount from this process: probes
 * are children, mountinfo and /proc are kernel memory.
 */
export class Supervisor {
  private health: MountHealth;
  private readonly repair: RepairSettings;
  private readonly settleIntervalMs: number;
  private inFlight: ProbeInFlight | undefined;
  private probeTimer: TimerHandle | undefined;
  private repairTimer: TimerHandle | undefined;
  private hangTimer: TimerHandle | undefined;
  private daemon: DaemonRef | undefined;
  private stopWatching: StopWatching | undefined;
  private bricks: BrickSource | undefined;
  private downBricks: BrickStatus[] = [];
  private lastProbe: LastProbe | undefined;
  private remountBusy = false;
  private generation = 0;
  /** bumped when the probe file itself went bad (EIO, wrong token): the next write probe uses a fresh file */
  private probeFileGeneration = 0;
  private stopped = false;
  private readonly rotation: ServerRotation;
  private lastCause: FailureReason = 'other';
  /** false until the mount was adopted or mounted once: the first mount is no "remount" */
  private mountedOnce = false;

  constructor(
    readonly spec: MountSpec,
    private readonly deps: SupervisorDeps,
  ) {
    this.repair = { ...DEFAULTS.repair, ...deps.repair };
    this.settleIntervalMs = deps.settleIntervalMs ?? DEFAULTS.probe.settleIntervalMs;
    this.rotation = new ServerRotation(this.repair.recentFailureMs);
    this.health = createInitialHealth(deps.clock.now());
  }

  get name(): string {
    return this.spec.name;
  }

  /** Adopts the mount when it is there (no remount), mounts it when it is not. */
  start(): void {
    this.bricks = this.deps.openBrickSource?.(this.spec);
    const presence = this.inspect();
    if (presence.kind === 'mounted') {
      const server = this.deps.backend.serverOf(presence.entry);
      if (server !== undefined) this.health = { ...this.health, server };
      this.deps.metrics?.setServer(this.spec.name, server);
      this.mountedOnce = true;
      this.trackDaemon();
      this.scheduleProbe(0);
    } else if (presence.kind === 'absent') {
      this.apply({ kind: 'mount-absent' });
    } else {
      this.apply({ kind: 'mount-foreign', reason: this.describeForeign(presence) });
    }
    this.deps.metrics?.setState(this.spec.name, this.health.state);
  }

  /** Stops timers and watches; kills a probe in flight without waiting for it. Leaves the mount as it is. */
  stop(): void {
    this.stopped = true;
    for (const timer of [this.probeTimer, this.repairTimer, this.hangTimer]) if (timer !== undefined) this.deps.clock.clearTimeout(timer);
    this.probeTimer = this.repairTimer = this.hangTimer = undefined;
    this.stopWatching?.();
    this.stopWatching = undefined;
    if (this.inFlight) {
      this.deps.clock.clearTimeout(this.inFlight.deadline);
      this.inFlight.probe.kill();
    }
  }

  /** The mount's status for status.json and `ha-mount status`. */
  status(): MountStatus {
    const status: MountStatus = {
      name: this.spec.name,
      mountpoint: this.spec.mountpoint,
      backend: this.spec.backend,
      state: this.health.state,
      since: this.health.since,
      reason: this.health.reason,
      remounts: this.health.remounts,
    };
    if (this.health.server !== undefined) status.server = this.health.server;
    if (this.lastProbe !== undefined) status.lastProbe = { ...this.lastProbe };
    if (this.daemon !== undefined) status.daemonPid = this.daemon.pid;
    if (this.downBricks.length > 0) status.bricksDown = this.downBricks.map((brick) => brick.name);
    return status;
  }

  /** The decision history (tests and debugging). */
  currentHealth(): MountHealth {
    return this.health;
  }

  // ---- probes ----

  private probeInterval(): number {
    const settling = this.health.state === 'recovering' || (this.health.state === 'starting' && this.health.goodCount === 0);
    return settling ? Math.min(this.settleIntervalMs, this.spec.probe.intervalMs) : this.spec.probe.intervalMs;
  }

  private scheduleProbe(delayMs: number): void {
    if (this.stopped) return;
    if (this.probeTimer !== undefined) this.deps.clock.clearTimeout(this.probeTimer);
    this.probeTimer = this.deps.clock.setTimeout(() => this.tick(), delayMs);
  }

  private tick(): void {
    this.probeTimer = undefined;
    if (this.stopped) return;
    this.deps.onProgress?.(this.spec.name);
    this.scheduleProbe(this.probeInterval());
    // at most one probe per mount: a probe past its deadline blocks the next until its child is gone
    if (this.remountBusy || this.inFlight !== undefined) return;
    if (this.health.state === 'failed' && this.health.repair === 'remounting') return;
    const presence = this.inspect();
    if (presence.kind === 'absent') {
      this.apply({ kind: 'mount-absent' });
      return;
    }
    if (presence.kind === 'foreign') {
      this.apply({ kind: 'mount-foreign', reason: this.describeForeign(presence) });
      return;
    }
    if (this.daemon === undefined) this.trackDaemon();
    this.startProbe(presence.entry.device);
  }

  private startProbe(device: string): void {
    const probe = this.deps.probe({ mountpoint: this.spec.mountpoint, device, write: this.spec.probe.write, host: this.deps.host, fileGeneration: this.probeFileGeneration });
    const generation = this.generation;
    const deadline = this.deps.clock.setTimeout(() => this.onProbeDeadline(flight), this.spec.probe.timeoutMs);
    const flight: ProbeInFlight = { probe, generation, deadline, timedOut: false };
    this.inFlight = flight;
    probe.result.then(
      (result) => this.onProbeResult(flight, result),
      (error: unknown) => this.onProbeResult(flight, { verdict: 'bad', step: 'none', latencyMs: 0, detail: `probe error: ${String(error)}` }),
    );
    void probe.exited.then(() => {
      if (this.inFlight === flight) this.inFlight = undefined;
    });
  }

  private onProbeDeadline(flight: ProbeInFlight): void {
    if (this.stopped) return;
    flight.timedOut = true;
    flight.probe.kill();
    if (flight.generation !== this.generation) return; // about the mount a remount just replaced
    this.deps.onProgress?.(this.spec.name);
    this.lastProbe = { at: this.deps.clock.now(), latencyMs: this.spec.probe.timeoutMs, verdict: 'timeout', detail: `no answer within ${this.spec.probe.timeoutMs} ms` };
    this.deps.metrics?.observeProbe(this.spec.name, this.spec.probe.timeoutMs);
    this.noteServerFailure();
    this.apply({ kind: 'probe-timeout', timeoutMs: this.spec.probe.timeoutMs });
  }

  private onProbeResult(flight: ProbeInFlight, result: ProbeResult): void {
    if (flight.timedOut || this.stopped) return;
    this.deps.clock.clearTimeout(flight.deadline);
    if (flight.generation !== this.generation) return; // started before a remount: about the old mount
    this.deps.onProgress?.(this.spec.name);
    this.lastProbe = { at: this.deps.clock.now(), latencyMs: Math.round(result.latencyMs), verdict: result.verdict, detail: result.detail };
    this.deps.metrics?.observeProbe(this.spec.name, result.latencyMs);
    this.deps.logger.debug({ mount: this.spec.name, verdict: result.verdict, latencyMs: Math.round(result.latencyMs), detail: result.detail }, 'probe');
    // a probe file left in GlusterFS split-brain answers EIO forever, across remounts: use a new one
    if ((result.step === 'write' || result.step === 'read') && result.verdict === 'bad') this.probeFileGeneration += 1;
    this.downBricks = this.readBricks();
    const daemonAlive = this.daemon === undefined || checkDaemon(this.daemon, this.deps.proc) === 'alive';
    if (this.daemon !== undefined) this.deps.metrics?.setDaemonRss(this.spec.name, daemonAlive ? (this.deps.proc.readStat(this.daemon.pid)?.rssPages ?? 0) * 4096 : undefined);
    const weighed = weighProbe(result, this.downBricks, this.spec.probe.slowMs, daemonAlive);
    if (weighed.signal.verdict === 'hard' || weighed.signal.verdict === 'bad') this.noteServerFailure();
    this.apply(weighed.signal, weighed.cause);
  }

  private readBricks(): BrickStatus[] {
    try {
      return this.bricks?.poll() ?? [];
    } catch (error) {
      this.deps.logger.warn({ mount: this.spec.name, err: error }, 'cannot read the client log for brick state');
      return [];
    }
  }

  // ---- the FUSE daemon ----

  private trackDaemon(): void {
    this.watch(findDaemon(this.spec.mountpoint, this.deps.backend, this.deps.proc));
  }

  /** Watches `daemon` (the mount's FUSE client) so that its death is seen within one poll. */
  private watch(daemon: DaemonRef | undefined): void {
    this.stopWatching?.();
    this.stopWatching = undefined;
    this.daemon = daemon;
    if (daemon === undefined) {
      this.deps.logger.warn({ mount: this.spec.name, mountpoint: this.spec.mountpoint }, 'FUSE daemon of the mount not found in /proc: its death is seen by the probes only');
      return;
    }
    this.stopWatching = watchDaemon(daemon, { proc: this.deps.proc, clock: this.deps.clock }, (status) => {
      if (this.stopped || this.daemon !== daemon) return;
      this.stopWatching = undefined;
      this.deps.metrics?.setDaemonRss(this.spec.name, undefined);
      if (this.remountBusy) return; // we are replacing it
      this.apply({ kind: 'daemon-died', reason: `FUSE daemon ${daemon.pid} ${status === 'gone' ? 'died' : status === 'zombie' ? 'died (zombie)' : 'died (pid reused)'}` });
    });
  }

  // ---- decisions and actions ----

  private context(): DecideContext {
    return {
      now: this.deps.clock.now(),
      probe: this.spec.probe,
      onHang: this.spec.onHang,
      backoff: { baseMs: this.repair.backoffBaseMs, capMs: this.repair.backoffCapMs, jitter: this.repair.backoffJitter },
      holdDownMs: this.repair.holdDownMs,
      random: this.deps.random(),
    };
  }

  private apply(signal: HealthSignal, probeCause?: string): void {
    if (this.stopped) return;
    const before = this.health;
    const decision = decide(before, signal, this.context());
    this.health = decision.health;
    if (decision.transition) this.emit(decision.transition, causeOf(signal, probeCause));
    const wasAlive = before.state !== 'starting' && before.state !== 'recovering';
    if (decision.transition?.to === 'failed' && wasAlive) this.deps.metrics?.countFailure(this.spec.name, causeOf(signal, probeCause));
    for (const action of decision.actions) this.execute(action);
  }

  private emit(change: StateChange, cause: FailureReason): void {
    if (change.to === 'failed' || change.to === 'hung' || change.to === 'degraded') this.lastCause = cause;
    const event: TransitionEvent = {
      seq: (this.deps.nextSeq ?? nextTransitionSeq)(),
      at: this.deps.clock.now(),
      host: this.deps.host,
      mount: this.spec.name,
      mountpoint: this.spec.mountpoint,
      from: change.from,
      to: change.to,
      reason: change.reason,
    };
    if (this.health.server !== undefined) event.server = this.health.server;
    if (change.action !== undefined) event.action = change.action;
    if (change.outageMs !== undefined) event.outageMs = change.outageMs;
    this.deps.metrics?.setState(this.spec.name, change.to);
    if (change.to === 'healthy' || change.to === 'degraded') this.clearRepairTimers();
    try {
      this.deps.onTransition(event);
    } catch (error) {
      this.deps.logger.error({ mount: this.spec.name, err: error }, 'transition handler failed');
    }
  }

  private execute(action: RepairAction): void {
    const { clock } = this.deps;
    switch (action.type) {
      case 'remount':
        void this.remount();
        return;
      case 'wait-for-server':
        this.setRepairTimer(() => void this.pollServers(), this.spec.probe.intervalMs);
        return;
      case 'retry-after':
        this.setRepairTimer(() => this.apply({ kind: 'retry-due' }), action.delayMs);
        return;
      case 'arm-hang-timer':
        if (this.hangTimer !== undefined) clock.clearTimeout(this.hangTimer);
        this.hangTimer = clock.setTimeout(() => {
          this.hangTimer = undefined;
          this.apply({ kind: 'hang-deadline' });
        }, action.delayMs);
        return;
      case 'cancel-repair':
        this.clearRepairTimers();
        return;
    }
  }

  private setRepairTimer(callback: () => void, delayMs: number): void {
    if (this.repairTimer !== undefined) this.deps.clock.clearTimeout(this.repairTimer);
    this.repairTimer = this.deps.clock.setTimeout(() => {
      this.repairTimer = undefined;
      if (!this.stopped) callback();
    }, delayMs);
  }

  private clearRepairTimers(): void {
    if (this.repairTimer !== undefined) this.deps.clock.clearTimeout(this.repairTimer);
    if (this.hangTimer !== undefined) this.deps.clock.clearTimeout(this.hangTimer);
    this.repairTimer = this.hangTimer = undefined;
  }

  /** While no server answers: one cheap check per probe interval, and a remount as soon as one answers. */
  private async pollServers(): Promise<void> {
    this.deps.onProgress?.(this.spec.name);
    if (this.health.repair !== 'waiting-for-server') return;
    const check = await this.deps.checkServers(this.spec);
    if (this.stopped || this.health.repair !== 'waiting-for-server') return;
    if (check.answered !== undefined) this.apply({ kind: 'server-answers', server: check.answered });
    else this.setRepairTimer(() => void this.pollServers(), this.spec.probe.intervalMs);
  }

  // ---- remount ----

  private noteServerFailure(): void {
    this.rotation.noteFailure(this.health.server, this.deps.clock.now());
  }

  /**
   * Kills the probe still running on the mount being replaced and waits (bounded) for its child
   * to exit: a probe step must not walk the path while the new mount is being made.
   */
  private async endProbeInFlight(): Promise<void> {
    const flight = this.inFlight;
    if (flight === undefined) return;
    flight.probe.kill();
    let timer: TimerHandle | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = this.deps.clock.setTimeout(resolve, this.repair.probeExitWaitMs);
    });
    await Promise.race([flight.probe.exited, waited]);
    if (timer !== undefined) this.deps.clock.clearTimeout(timer);
  }

  /** Runs one remount (src/supervisor/remount.ts) and feeds its end to the decision. */
  private async remount(): Promise<void> {
    if (this.remountBusy || this.stopped) return;
    this.remountBusy = true;
    this.generation += 1;
    const cause = this.lastCause;
    await this.endProbeInFlight();
    this.stopWatching?.();
    this.stopWatching = undefined;
    let result: RemountResult;
    try {
      result = await performRemount({
        spec: this.spec,
        deps: this.deps,
        oldDaemon: this.daemon,
        avoid: this.rotation.avoidList(this.deps.clock.now()),
        isStopped: () => this.stopped,
      });
    } catch (error) {
      this.deps.logger.error({ mount: this.spec.name, err: error }, 'remount failed unexpectedly');
      result = { kind: 'failed', reason: String(error), answered: '' };
    }
    this.remountBusy = false;
    if (this.stopped || result.kind === 'stopped') return;
    if (result.kind === 'no-server') {
      this.apply({ kind: 'remount-failed', reason: result.reason, serverAnswered: false });
      return;
    }
    if (result.kind === 'foreign') {
      this.apply({ kind: 'mount-foreign', reason: this.describeForeign(result.presence) });
      return;
    }
    this.daemon = undefined;
    if (result.kind === 'failed') {
      if (result.answered !== '') this.rotation.noteFailure(result.answered, this.deps.clock.now());
      this.apply({ kind: 'remount-failed', reason: result.reason, serverAnswered: true });
      return;
    }
    this.deps.metrics?.setServer(this.spec.name, result.server);
    this.watch(result.daemon);
    const initial = !this.mountedOnce;
    this.mountedOnce = true;
    if (!initial) this.deps.metrics?.countRemount(this.spec.name, cause);
    this.apply({ kind: 'remount-done', server: result.server, initial });
    this.scheduleProbe(0);
    if (this.spec.postRemount !== undefined && this.spec.postRemount.length > 0 && !initial) void this.runPostRemount(this.spec.postRemount);
  }

  private async runPostRemount(argv: string[]): Promise<void> {
    const [file, ...args] = argv;
    if (file === undefined || this.deps.runPostRemount === undefined) return;
    try {
      await this.deps.runPostRemount({ file, args });
    } catch (error) {
      this.deps.logger.warn({ mount: this.spec.name, err: error }, 'post-remount command failed');
    }
  }

  // ---- helpers ----

  private inspect(): MountPresence {
    return inspectMountPresence(this.deps.readMounts(), this.spec.mountpoint, this.deps.backend);
  }

  private describeForeign(presence: Extract<MountPresence, { kind: 'foreign' }>): string {
    return `another filesystem is mounted at ${this.spec.mountpoint}: ${presence.entry.fstype} ${presence.entry.source}`;
  }
}

export { formatServerAddress, parseServerText } from './server-rotation.js';

/** Creates a supervisor for one mount; call `start()` to begin. */
export function createSupervisor(spec: MountSpec, deps: SupervisorDeps): Supervisor {
  return new Supervisor(spec, deps);
}
