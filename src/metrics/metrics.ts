import { DEFAULTS } from '../defaults.js';
import type { AbortReason } from '../supervisor/core-types.js';
import type { MountState } from '../types.js';
import { FAILURE_REASONS, isFailureReason, type FailureReason } from './failure-reason.js';
import { Exposition } from './exposition.js';
import type { MountInfoLabels } from './mount-info.js';
import { addProcessMetrics } from './process-metrics.js';

// a Record keyed by MountState makes the compiler flag a state added to types.ts but not here
const stateFlags: Record<MountState, true> = { starting: true, healthy: true, degraded: true, hung: true, failed: true, recovering: true };
/** The abort reasons, the fixed label set of ha_mount_aborts_total. */
export const ABORT_REASONS: readonly AbortReason[] = ['server_unreachable', 'daemon_dead'];

/** Every mount state, the fixed label set of ha_mount_state. */
export const MOUNT_STATES = Object.keys(stateFlags) as MountState[];

// I/O through the mount works in these states (slowly or read-only perhaps), so the mount is "up"
const upStates: ReadonlySet<MountState> = new Set(['healthy', 'degraded']);

/**
 * The agent's Prometheus metrics, in a registry of their own. Every label value is a mount
 * name from the config, a state, a reason from the fixed FailureReason set, or the mount's
 * current server: the series count stays bounded.
 */
export interface HaMountMetrics {
  /** one probe's round trip, in ms (exported in seconds) */
  observeProbe(mount: string, latencyMs: number): void;
  setState(mount: string, state: MountState): void;
  countRemount(mount: string, reason: FailureReason): void;
  countFailure(mount: string, reason: FailureReason): void;
  /** the agent aborted a connection of the mount (issue 17): a server's sockets, or the FUSE connection */
  countAbort(mount: string, reason: AbortReason): void;
  /** the server the mount goes through now; undefined drops the series (not mounted) */
  setServer(mount: string, server: string | undefined): void;
  /** the FUSE daemon's resident memory; undefined drops the series (no daemon) */
  setDaemonRss(mount: string, bytes: number | undefined): void;
  /** what the mount is (backend, volume, configured servers): `ha_mount_info`, one series per mount, for fleet rules to join on */
  describeMount(mount: string, labels: MountInfoLabels): void;
  /** the last reachability check: true when some server took a TCP connection, false when none did */
  setServersReachable(mount: string, reachable: boolean): void;
  /** drops every series of a mount removed from the config */
  removeMount(mount: string): void;
  /** the text exposition format, as GET /metrics serves it */
  render(): string;
}

/** Options of createMetrics. */
export interface MetricsOptions {
  /** also export the agent's own process_* and nodejs_* metrics (memory, fds, event loop lag) */
  processMetrics?: boolean;
  latencyBucketsS?: readonly number[];
}

/** Creates the metrics; nothing is served until startMetricsServer. */
export function createMetrics(options: MetricsOptions = {}): HaMountMetrics {
  const exposition = new Exposition();
  if (options.processMetrics ?? true) addProcessMetrics(exposition);

  const up = exposition.gauge('ha_mount_up', '1 when I/O through the mount works (state healthy or degraded), else 0', ['mount']);
  const state = exposition.gauge('ha_mount_state', 'the mount state, one-hot: 1 for the current state, 0 for the others', ['mount', 'state']);
  const latency = exposition.histogram('ha_mount_probe_latency_seconds', 'round trip of health probes through the mount', ['mount'], options.latencyBucketsS ?? DEFAULTS.metrics.latencyBucketsS);
  const remounts = exposition.counter('ha_mount_remounts_total', 'remounts made by the agent, by the failure that caused them', ['mount', 'reason']);
  const failures = exposition.counter('ha_mount_failures_total', 'failures seen by probes, by reason', ['mount', 'reason']);
  const aborts = exposition.counter('ha_mount_aborts_total', 'connections the agent aborted: server_unreachable (the daemon\'s sockets to a server that vanished), daemon_dead (the FUSE connection of a dead daemon)', ['mount', 'reason']);
  const server = exposition.gauge('ha_mount_server', 'the server the mount currently goes through (always 1; only the current server has a series)', ['mount', 'server']);
  const rss = exposition.gauge('ha_mount_fuse_daemon_rss_bytes', 'resident memory of the mount\'s FUSE client daemon (VmRSS)', ['mount']);
  const info = exposition.gauge('ha_mount_info', 'what the mount is: backend, volume (GlusterFS volume, or the MooseFS/LizardFS master) and configured servers; always 1', ['mount', 'backend', 'volume', 'servers']);
  const reachable = exposition.gauge('ha_mount_servers_reachable', 'the last reachability check (made before a remount and while waiting for a server): 1 when a server took a TCP connection, 0 when none did', ['mount']);

  const known = new Set<string>();
  const currentInfo = new Map<string, MountInfoLabels>();
  const currentServer = new Map<string, string>();

  /** First sight of a mount: counters start at 0 for every reason, so rate() and increase() work from the start. */
  const ensureMount = (mount: string): void => {
    if (known.has(mount)) return;
    known.add(mount);
    for (const reason of FAILURE_REASONS) {
      remounts.inc({ mount, reason }, 0);
      failures.inc({ mount, reason }, 0);
    }
    for (const reason of ABORT_REASONS) aborts.inc({ mount, reason }, 0);
  };
  const boundedReason = (reason: string): FailureReason => (isFailureReason(reason) ? reason : 'other');

  return {
    observeProbe(mount, latencyMs) {
      ensureMount(mount);
      latency.observe({ mount }, latencyMs / 1_000);
    },
    setState(mount, next) {
      ensureMount(mount);
      for (const candidate of MOUNT_STATES) state.set({ mount, state: candidate }, candidate === next ? 1 : 0);
      up.set({ mount }, upStates.has(next) ? 1 : 0);
    },
    countRemount(mount, reason) {
      ensureMount(mount);
      remounts.inc({ mount, reason: boundedReason(reason) });
    },
    countFailure(mount, reason) {
      ensureMount(mount);
      failures.inc({ mount, reason: boundedReason(reason) });
    },
    countAbort(mount, reason) {
      ensureMount(mount);
      aborts.inc({ mount, reason: ABORT_REASONS.includes(reason) ? reason : 'server_unreachable' });
    },
    setServer(mount, next) {
      ensureMount(mount);
      const previous = currentServer.get(mount);
      if (previous !== undefined && previous !== next) server.remove({ mount, server: previous });
      if (next === undefined) {
        currentServer.delete(mount);
        return;
      }
      currentServer.set(mount, next);
      server.set({ mount, server: next }, 1);
    },
    setDaemonRss(mount, bytes) {
      ensureMount(mount);
      if (bytes === undefined) rss.remove({ mount });
      else rss.set({ mount }, bytes);
    },
    describeMount(mount, labels) {
      ensureMount(mount);
      const previous = currentInfo.get(mount);
      if (previous !== undefined) info.remove({ mount, ...previous });
      currentInfo.set(mount, labels);
      info.set({ mount, ...labels }, 1);
    },
    setServersReachable(mount, answered) {
      ensureMount(mount);
      reachable.set({ mount }, answered ? 1 : 0);
    },
    removeMount(mount) {
      up.remove({ mount });
      const described = currentInfo.get(mount);
      if (described !== undefined) info.remove({ mount, ...described });
      currentInfo.delete(mount);
      reachable.remove({ mount });
      for (const candidate of MOUNT_STATES) state.remove({ mount, state: candidate });
      latency.remove({ mount });
      for (const reason of FAILURE_REASONS) {
        remounts.remove({ mount, reason });
        failures.remove({ mount, reason });
      }
      for (const reason of ABORT_REASONS) aborts.remove({ mount, reason });
      const previous = currentServer.get(mount);
      if (previous !== undefined) server.remove({ mount, server: previous });
      currentServer.delete(mount);
      rss.remove({ mount });
      known.delete(mount);
    },
    render() {
      return exposition.render();
    },
  };
}
