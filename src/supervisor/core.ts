import { connectionOfDevice } from '../probes/fuse-connection.js';
import { toFailureReason, type FailureReason } from '../metrics/failure-reason.js';
import type { MountSpec, ServerAddress } from '../types.js';
import type { CoreEffect, CoreInput, CoreSettings, MountCore, MountEvent, Presence, RemountEnd, ServerAnswer, Step, StepEnv, TimerName } from './core-types.js';
import { decide, type DecideContext } from './decide.js';
import { createInitialHealth } from './health.js';
import { parseServerText } from './server-text.js';
import type { HealthSignal, RepairAction } from './signals.js';
import type { MountStatus } from './supervisor-types.js';
import { weighProbe, type WeighedProbe } from './weigh-probe.js';

/** A mount the supervisor has just started to watch. */
export function createCore(now: number): MountCore {
  return { health: createInitialHealth(now), mountedOnce: false, nextProbeId: 1, fileGeneration: 0, bricksDown: [], failedServers: {}, cause: 'other', remountWaitsForProbe: false, stopped: false, daemonDead: false, socketAborts: {} };
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
    case 'stuck-request':
      return 'stuck_request';
    default:
      return 'other';
  }
}

/** The probe cadence: faster while a fresh mount settles. */
export function probeIntervalOf(core: MountCore, settings: CoreSettings): number {
  const { health } = core;
  const settling = health.state === 'recovering' || (health.state === 'starting' && health.goodCount === 0);
  return settling ? Math.min(settings.settleIntervalMs, settings.spec.probe.intervalMs) : settings.spec.probe.intervalMs;
}

/** The servers to try last now (failed within `recentFailureMs`), and the table without the old ones. */
export function avoidListOf(failedServers: Readonly<Record<string, number>>, now: number, forgetAfterMs: number): { avoid: ServerAddress[]; kept: Record<string, number> } {
  const kept: Record<string, number> = {};
  for (const [server, at] of Object.entries(failedServers)) if (now - at <= forgetAfterMs) kept[server] = at;
  return { avoid: Object.keys(kept).map(parseServerText), kept };
}

const describeDeath = (pid: number, status: string): string => `FUSE daemon ${pid} ${status === 'gone' ? 'died' : status === 'zombie' ? 'died (zombie)' : 'died (pid reused)'}`;

/** One step: collects the next state and the effects while the input is handled. */
class Stepper {
  readonly effects: CoreEffect[] = [];
  constructor(
    public core: MountCore,
    private readonly settings: CoreSettings,
    private readonly env: StepEnv,
  ) {}

  /** whether `core` is this step's own copy yet: the caller's state is never changed (measured: a
   * whole copy per change was the agent's largest allocation, docs/agent-cost.md round 3) */
  private copied = false;
  private set(patch: Partial<MountCore>): void {
    if (!this.copied) {
      this.core = { ...this.core };
      this.copied = true;
    }
    Object.assign(this.core, patch);
  }
  private emit(event: MountEvent): void {
    this.effects.push({ type: 'emit', event });
  }
  private timer(timer: TimerName, delayMs: number): void {
    this.effects.push({ type: 'set-timer', timer, delayMs });
  }
  private cancel(timer: TimerName): void {
    this.effects.push({ type: 'cancel-timer', timer });
  }
  private get remounting(): boolean {
    return this.core.health.repair === 'remounting';
  }
  private noteServerFailure(server: string | undefined): void {
    if (server !== undefined && server !== '') this.set({ failedServers: { ...this.core.failedServers, [server]: this.env.now } });
  }

  handle(input: CoreInput): void {
    if (this.core.stopped) return;
    switch (input.kind) {
      case 'start':
        this.emit({ kind: 'state', state: this.core.health.state });
        this.effects.push({ type: 'inspect-mount', purpose: 'start' });
        return;
      case 'stop':
        this.stop();
        return;
      case 'timer':
        this.onTimer(input.timer);
        return;
      case 'inspected':
        if (input.purpose === 'start') this.onStartPresence(input.presence);
        else this.onProbePresence(input.presence);
        return;
      case 'probe-result':
        this.onProbeResult(input);
        return;
      case 'probe-exited':
        if (this.core.probe?.id !== input.id) return;
        this.set({ probe: undefined });
        if (this.core.remountWaitsForProbe) this.launchRemount();
        return;
      case 'daemon-found':
        this.set({ daemon: input.daemon, daemonDead: false });
        if (input.daemon !== undefined) this.effects.push({ type: 'watch-daemon', daemon: input.daemon });
        return;
      case 'daemon-died':
        if (this.core.daemon?.pid !== input.daemon.pid || this.core.daemon.startTime !== input.daemon.startTime) return;
        this.emit({ kind: 'daemon-rss', bytes: undefined });
        this.set({ daemonDead: true });
        if (this.remounting) return; // we are replacing it
        this.apply({ kind: 'daemon-died', reason: describeDeath(input.daemon.pid, input.status) });
        return;
      case 'servers-checked':
        if (this.core.health.repair !== 'waiting-for-server') return;
        if (input.answered !== undefined) this.apply({ kind: 'server-answers', server: input.answered });
        else this.timer('repair', this.settings.spec.probe.intervalMs);
        return;
      case 'remount-ended':
        this.onRemountEnded(input.result);
        return;
      case 'daemon-servers-checked':
        this.onServersChecked(input.probeId, input.servers);
        return;
      case 'fuse-waiting':
        this.onFuseWaiting(input.waiting);
        return;
      case 'fuse-aborted':
        if (input.waiting > 0) this.emit({ kind: 'abort', target: 'fuse-connection', reason: 'daemon_dead', detail: `FUSE connection ${input.connection} of the dead daemon aborted: ${input.waiting} request(s) waiting failed` });
        return;
    }
  }

  private stop(): void {
    for (const timer of ['tick', 'probe-deadline', 'repair', 'hang', 'probe-exit'] as const) this.cancel(timer);
    if (this.settings.partition !== undefined) this.cancel('stall');
    this.effects.push({ type: 'unwatch-daemon' });
    if (this.core.probe !== undefined) this.effects.push({ type: 'kill-probe', id: this.core.probe.id });
    this.set({ stopped: true });
  }

  private onTimer(timer: TimerName): void {
    const { health, probe } = this.core;
    switch (timer) {
      case 'tick':
        this.effects.push({ type: 'heartbeat' });
        this.timer('tick', probeIntervalOf(this.core, this.settings));
        this.sampleWaiting();
        // at most one probe per mount: a probe past its deadline blocks the next until its child is gone
        if (this.remounting || probe !== undefined) return;
        this.effects.push({ type: 'inspect-mount', purpose: 'probe' });
        return;
      case 'probe-deadline': {
        if (probe === undefined || probe.overdue) return;
        this.set({ probe: { ...probe, overdue: true } });
        this.effects.push({ type: 'kill-probe', id: probe.id });
        if (probe.stale) return; // about the mount a remount just replaced
        const timeoutMs = this.settings.spec.probe.timeoutMs;
        this.effects.push({ type: 'heartbeat' });
        this.set({ lastProbe: { at: this.env.now, latencyMs: timeoutMs, verdict: 'timeout', detail: `no answer within ${timeoutMs} ms` } });
        this.emit({ kind: 'probe', latencyMs: timeoutMs });
        this.noteServerFailure(health.server);
        this.checkDaemonServers();
        this.apply({ kind: 'probe-timeout', timeoutMs });
        return;
      }
      case 'stall':
        this.checkDaemonServers();
        return;
      case 'repair':
        if (health.repair === 'waiting-for-server') {
          this.effects.push({ type: 'heartbeat' }, { type: 'check-servers' });
        } else if (health.repair === 'backing-off') this.apply({ kind: 'retry-due' });
        return;
      case 'hang':
        this.apply({ kind: 'hang-deadline' });
        return;
      case 'probe-exit':
        if (this.core.remountWaitsForProbe) this.launchRemount();
        return;
    }
  }

  /** Adopts the mount when it is there (no remount), mounts it when it is not. */
  private onStartPresence(presence: Presence): void {
    if (presence.kind === 'mounted') {
      this.set({ device: presence.device });
      if (presence.server !== undefined) this.set({ health: { ...this.core.health, server: presence.server } });
      this.set({ mountedOnce: true });
      this.emit({ kind: 'server', server: presence.server });
      this.effects.push({ type: 'find-daemon' });
      this.timer('tick', 0);
      return;
    }
    this.timer('tick', this.settings.spec.probe.intervalMs);
    this.onProbePresence(presence);
  }

  private onProbePresence(presence: Presence): void {
    if (this.remounting || (presence.kind === 'mounted' && this.core.probe !== undefined)) return;
    if (presence.kind === 'absent') return this.apply({ kind: 'mount-absent' });
    if (presence.kind === 'foreign') return this.apply({ kind: 'mount-foreign', reason: presence.reason });
    this.set({ device: presence.device });
    if (this.core.daemon === undefined) this.effects.push({ type: 'find-daemon' });
    const id = this.core.nextProbeId;
    this.set({ probe: { id, overdue: false, stale: false }, nextProbeId: id + 1 });
    this.effects.push({ type: 'start-probe', id, device: presence.device, fileGeneration: this.core.fileGeneration });
    this.timer('probe-deadline', this.settings.spec.probe.timeoutMs);
    if (this.settings.partition !== undefined) this.timer('stall', this.settings.partition.stallCheckMs);
  }

  /** A stalled probe (out `stallCheckMs`, or overdue): ask which of the daemon's servers still take a TCP connection. One check at a time. */
  private checkDaemonServers(): void {
    const { probe, daemon } = this.core;
    if (this.settings.partition === undefined || probe === undefined || probe.stale || daemon === undefined || this.core.daemonDead || this.remounting) return;
    if (this.core.serverCheck !== undefined) return;
    this.set({ serverCheck: probe.id });
    this.effects.push({ type: 'check-daemon-servers', probeId: probe.id, daemon });
  }

  /**
   * The partition lever: while the probe is still stalled, the daemon's sockets to each server that
   * took no TCP connection are aborted, but only when another server did (that one can take over;
   * with every server silent, aborting helps nothing) and at most once per server per
   * `abortMinIntervalMs`. A server that answers is never aborted: a busy brick still completes the
   * handshake.
   */
  private onServersChecked(probeId: number, servers: readonly ServerAnswer[]): void {
    if (this.core.serverCheck !== probeId) return;
    this.set({ serverCheck: undefined });
    const { partition } = this.settings;
    const { daemon, probe } = this.core;
    const stillStalled = (probe?.id === probeId && !probe.stale) || this.core.health.state === 'hung';
    if (partition === undefined || daemon === undefined || this.remounting || this.core.daemonDead || !stillStalled) return;
    const answering = servers.filter((server) => server.answered).map((server) => server.ip);
    if (answering.length === 0) return;
    for (const server of servers) {
      if (server.answered) continue;
      const last = this.core.socketAborts[server.ip];
      if (last !== undefined && this.env.now - last < partition.abortMinIntervalMs) continue;
      this.set({ socketAborts: { ...this.core.socketAborts, [server.ip]: this.env.now } });
      this.effects.push({ type: 'abort-sockets', daemon, ip: server.ip });
      this.emit({ kind: 'abort', target: 'server-sockets', reason: 'server_unreachable', detail: `${server.ip} took no TCP connection while ${answering.join(', ')} did and a probe was stalled: the FUSE daemon's sockets to it were aborted` });
    }
  }

  private onProbeResult(input: Extract<CoreInput, { kind: 'probe-result' }>): void {
    const { probe } = this.core;
    if (probe === undefined || probe.id !== input.id || probe.overdue) return;
    this.cancel('probe-deadline');
    if (this.settings.partition !== undefined) this.cancel('stall');
    if (probe.stale) return; // started before a remount: about the old mount
    const { result } = input;
    this.effects.push({ type: 'heartbeat' });
    this.set({ lastProbe: { at: this.env.now, latencyMs: Math.round(result.latencyMs), verdict: result.verdict, detail: result.detail } });
    this.emit({ kind: 'probe', latencyMs: result.latencyMs });
    // a probe file left in GlusterFS split-brain answers EIO forever, across remounts: use a new one
    if ((result.step === 'write' || result.step === 'read') && result.verdict === 'bad') this.set({ fileGeneration: this.core.fileGeneration + 1 });
    this.set({ bricksDown: input.bricks.filter((brick) => !brick.connected).map((brick) => brick.name) });
    if (!input.daemonAlive && this.core.daemon !== undefined) this.set({ daemonDead: true });
    if (this.core.daemon !== undefined) this.emit({ kind: 'daemon-rss', bytes: input.daemonAlive ? input.daemonRssBytes : undefined });
    const weighed = this.weighStuckRequest(weighProbe(result, input.bricks, this.settings.spec.probe.slowMs, input.daemonAlive));
    if (weighed.signal.verdict === 'hard' || weighed.signal.verdict === 'bad') this.noteServerFailure(this.core.health.server);
    this.apply(weighed.signal, weighed.cause);
  }

  /** One sample of the connection's `waiting` per tick, while the mount is in place. */
  private sampleWaiting(): void {
    const connection = this.core.device === undefined ? undefined : connectionOfDevice(this.core.device);
    if (this.settings.stuckRequestMs === undefined || connection === undefined || this.remounting) return;
    this.effects.push({ type: 'read-fuse-waiting', connection });
  }

  /**
   * A request waiting at every sample for `stuckRequestMs`: the mount works for new calls, but a
   * user's program is stuck (a replayed chunk lock). Degraded at that sample, with how long, so the
   * report comes within the threshold plus one interval (no `fall` probes to wait for).
   */
  private onFuseWaiting(waiting: number | undefined): void {
    if (waiting === undefined || waiting === 0) return this.set({ waitingSince: undefined });
    if (this.core.waitingSince === undefined) return this.set({ waitingSince: this.env.now });
    const waitedMs = this.env.now - this.core.waitingSince;
    const { stuckRequestMs } = this.settings;
    if (stuckRequestMs !== undefined && waitedMs >= stuckRequestMs) this.apply({ kind: 'stuck-request', waitedMs });
  }

  /** A good probe while a request is stuck keeps the mount degraded: it must not count toward `rise`. */
  private weighStuckRequest(weighed: WeighedProbe): WeighedProbe {
    const { stuckRequestMs } = this.settings;
    const since = this.core.waitingSince;
    if (stuckRequestMs === undefined || since === undefined || weighed.signal.verdict !== 'ok') return weighed;
    const waitedMs = this.env.now - since;
    if (waitedMs < stuckRequestMs) return weighed;
    return { signal: { ...weighed.signal, verdict: 'soft', answered: true, reason: `stuck request: the FUSE connection has held a request for ${Math.round(waitedMs / 1_000)} s while probes pass` }, cause: 'stuck_request' };
  }

  private onRemountEnded(result: RemountEnd): void {
    switch (result.kind) {
      case 'no-server':
        return this.apply({ kind: 'remount-failed', reason: result.reason, serverAnswered: false });
      case 'foreign':
        return this.apply({ kind: 'mount-foreign', reason: result.reason });
      case 'failed':
        this.set({ daemon: undefined });
        this.noteServerFailure(result.answered);
        return this.apply({ kind: 'remount-failed', reason: result.reason, serverAnswered: true });
      case 'mounted': {
        this.set({ daemon: result.daemon, daemonDead: false, serverCheck: undefined, waitingSince: undefined });
        this.emit({ kind: 'server', server: result.server });
        if (result.daemon !== undefined) this.effects.push({ type: 'watch-daemon', daemon: result.daemon });
        const initial = !this.core.mountedOnce;
        this.set({ mountedOnce: true });
        if (!initial) this.emit({ kind: 'remount', cause: this.core.cause });
        this.apply({ kind: 'remount-done', server: result.server, initial });
        this.timer('tick', 0);
        if (!initial) this.effects.push({ type: 'run-post-remount' });
        return;
      }
    }
  }

  /** Feeds a signal to the health policy and turns its answer into effects. */
  private apply(signal: HealthSignal, probeCause?: string): void {
    const before = this.core.health;
    const context: DecideContext = {
      now: this.env.now,
      probe: this.settings.spec.probe,
      onHang: this.settings.spec.onHang,
      backoff: { baseMs: this.settings.repair.backoffBaseMs, capMs: this.settings.repair.backoffCapMs, jitter: this.settings.repair.backoffJitter },
      holdDownMs: this.settings.repair.holdDownMs,
      random: this.env.random,
    };
    const decision = decide(before, signal, context);
    this.set({ health: decision.health });
    const change = decision.transition;
    if (change !== undefined) {
      const cause = causeOf(signal, probeCause);
      if (change.to === 'failed' || change.to === 'hung' || change.to === 'degraded') this.set({ cause });
      this.emit({ kind: 'transition', change, ...(decision.health.server === undefined ? {} : { server: decision.health.server }) });
      const wasUp = before.state !== 'starting' && before.state !== 'recovering';
      if (change.to === 'failed' && wasUp) this.emit({ kind: 'failure', cause });
      // a hang timer only runs while the mount is hung
      if (change.from === 'hung') this.cancel('hang');
    }
    for (const action of decision.actions) this.act(action);
  }

  private act(action: RepairAction): void {
    switch (action.type) {
      case 'remount':
        return this.beginRemount();
      case 'wait-for-server':
        return this.timer('repair', this.settings.spec.probe.intervalMs);
      case 'retry-after':
        return this.timer('repair', action.delayMs);
      case 'arm-hang-timer':
        return this.timer('hang', action.delayMs);
      case 'cancel-repair':
        this.cancel('repair');
        this.cancel('hang');
        return;
    }
  }

  /**
   * A probe still running on the mount being replaced is killed and waited for (bounded): a
   * probe step must not walk the path while the new mount is being made.
   */
  private beginRemount(): void {
    const { probe } = this.core;
    if (probe === undefined) return this.launchRemount();
    this.set({ probe: { ...probe, stale: true }, remountWaitsForProbe: true });
    this.effects.push({ type: 'kill-probe', id: probe.id });
    this.timer('probe-exit', this.settings.repair.probeExitWaitMs);
  }

  private launchRemount(): void {
    if (this.core.remountWaitsForProbe) this.cancel('probe-exit');
    const { avoid, kept } = avoidListOf(this.core.failedServers, this.env.now, this.settings.repair.recentFailureMs);
    this.set({ remountWaitsForProbe: false, failedServers: kept, probe: this.core.probe === undefined ? undefined : { ...this.core.probe, stale: true } });
    // a dead daemon's connection can still hold requests (a thread of it in D state keeps /dev/fuse
    // open): users' processes stay stuck there and the daemon never goes. Fail them first.
    const connection = this.core.device === undefined ? undefined : connectionOfDevice(this.core.device);
    if (this.core.daemonDead && connection !== undefined) this.effects.push({ type: 'abort-fuse-connection', connection });
    this.effects.push({ type: 'unwatch-daemon' }, { type: 'remount', avoid, ...(this.core.daemon === undefined ? {} : { daemon: this.core.daemon }) });
  }
}

/**
 * The whole per-mount machine: state + input -> next state + effects. Pure: the time and the
 * random draw come in `env`, every outside action goes out as an effect (src/supervisor/supervisor.ts
 * carries them out). The health policy proper is `decide` (decide.ts).
 */
export function step(core: MountCore, input: CoreInput, settings: CoreSettings, env: StepEnv): Step {
  const stepper = new Stepper(core, settings, env);
  stepper.handle(input);
  return { core: stepper.core, effects: stepper.effects };
}

/** The mount's status for status.json and `ha-mount status`. Pure. */
export function describeStatus(core: MountCore, spec: Pick<MountSpec, 'name' | 'mountpoint' | 'backend'>): MountStatus {
  const { health } = core;
  const status: MountStatus = { name: spec.name, mountpoint: spec.mountpoint, backend: spec.backend, state: health.state, since: health.since, reason: health.reason, remounts: health.remounts };
  if (health.server !== undefined) status.server = health.server;
  if (core.lastProbe !== undefined) status.lastProbe = { ...core.lastProbe };
  if (core.daemon !== undefined) status.daemonPid = core.daemon.pid;
  if (core.bricksDown.length > 0) status.bricksDown = [...core.bricksDown];
  return status;
}
