import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULTS } from '../../../src/defaults.js';
import { FAILURE_REASONS, toFailureReason, type FailureReason } from '../../../src/metrics/failure-reason.js';
import { createMetrics, MOUNT_STATES, type HaMountMetrics } from '../../../src/metrics/metrics.js';
import { startMetricsServer, type MetricsServer } from '../../../src/metrics/metrics-server.js';

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** GET /metrics over real HTTP from a server on a free loopback port. */
async function scrape(metrics: HaMountMetrics): Promise<{ text: string; families: Map<string, ParsedFamily>; contentType: string | null }> {
  server ??= await startMetricsServer(metrics, { host: '127.0.0.1', port: 0 });
  const response = await fetch(server.url);
  expect(response.status).toBe(200);
  const text = await response.text();
  const families = new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
  return { text, families, contentType: response.headers.get('content-type') };
}

/** The value of the one sample of `family` whose labels are exactly `labels`, as a number. */
function valueOf(families: Map<string, ParsedFamily>, family: string, labels: Record<string, string>): number | undefined {
  const sample = families.get(family)?.metrics.find((m) => JSON.stringify(m.labels) === JSON.stringify(labels));
  return sample?.value === undefined ? undefined : Number(sample.value);
}

function seriesOf(families: Map<string, ParsedFamily>, family: string): Array<Record<string, string>> {
  return (families.get(family)?.metrics ?? []).map((m) => m.labels ?? {});
}

function feedTwoMounts(metrics: HaMountMetrics): void {
  metrics.setState('data', 'healthy');
  metrics.setState('home', 'hung');
  metrics.observeProbe('data', 3); // 0.003 s
  metrics.observeProbe('data', 1_500); // 1.5 s
  metrics.observeProbe('home', 5_000);
  metrics.countFailure('home', 'hung');
  metrics.countFailure('data', 'enotconn');
  metrics.countRemount('data', 'enotconn');
  metrics.countRemount('data', 'daemon_dead');
  metrics.countRemount('data', 'daemon_dead');
  metrics.setServer('data', '10.0.0.10:24007');
  metrics.setServer('data', '10.0.0.12:24007'); // rotated: only the current server has a series
  metrics.setDaemonRss('data', 52_428_800);
  metrics.countAbort('data', 'server_unreachable');
  metrics.describeMount('data', { backend: 'glusterfs', volume: 'rep_vol1', servers: '10.0.0.10,10.0.0.11,10.0.0.12' });
  metrics.setServersReachable('data', true);
}

describe('metrics endpoint', () => {
  it('when the process metrics start then the event loop delay is sampled once a second, not every 10 ms', () => {
    const perfHooks = createRequire(import.meta.url)('node:perf_hooks') as typeof import('node:perf_hooks');
    const spy = vi.spyOn(perfHooks, 'monitorEventLoopDelay');
    try {
      createMetrics();
      expect(spy).toHaveBeenCalledWith(expect.objectContaining({ resolution: DEFAULTS.metrics.eventLoopPrecisionMs }));
      expect(DEFAULTS.metrics.eventLoopPrecisionMs).toBe(1_000);
    } finally {
      spy.mockRestore();
    }
  });

  it('when two mounts are fed then GET /metrics parses and each family has the expected labels and values', async () => {
    const metrics = createMetrics({ processMetrics: false });
    feedTwoMounts(metrics);
    const { families, contentType } = await scrape(metrics);

    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(families.get('ha_mount_up')?.type).toBe('GAUGE');
    expect(valueOf(families, 'ha_mount_up', { mount: 'data' })).toBe(1);
    expect(valueOf(families, 'ha_mount_up', { mount: 'home' })).toBe(0);

    for (const state of MOUNT_STATES) {
      expect(valueOf(families, 'ha_mount_state', { mount: 'data', state })).toBe(state === 'healthy' ? 1 : 0);
      expect(valueOf(families, 'ha_mount_state', { mount: 'home', state })).toBe(state === 'hung' ? 1 : 0);
    }

    expect(families.get('ha_mount_remounts_total')?.type).toBe('COUNTER');
    expect(valueOf(families, 'ha_mount_remounts_total', { mount: 'data', reason: 'daemon_dead' })).toBe(2);
    expect(valueOf(families, 'ha_mount_remounts_total', { mount: 'data', reason: 'enotconn' })).toBe(1);
    expect(valueOf(families, 'ha_mount_remounts_total', { mount: 'data', reason: 'estale' })).toBe(0);
    expect(valueOf(families, 'ha_mount_failures_total', { mount: 'home', reason: 'hung' })).toBe(1);
    // every counter series carries a reason from the fixed set, one per reason and mount
    const reasons = new Set(seriesOf(families, 'ha_mount_failures_total').map((labels) => labels.reason));
    expect(reasons).toEqual(new Set(FAILURE_REASONS));
    expect(seriesOf(families, 'ha_mount_failures_total')).toHaveLength(2 * FAILURE_REASONS.length);

    expect(valueOf(families, 'ha_mount_aborts_total', { mount: 'data', reason: 'server_unreachable' })).toBe(1);
    expect(valueOf(families, 'ha_mount_aborts_total', { mount: 'home', reason: 'daemon_dead' })).toBe(0);
    expect(seriesOf(families, 'ha_mount_server')).toEqual([{ mount: 'data', server: '10.0.0.12:24007' }]);
    expect(valueOf(families, 'ha_mount_server', { mount: 'data', server: '10.0.0.12:24007' })).toBe(1);
    expect(valueOf(families, 'ha_mount_fuse_daemon_rss_bytes', { mount: 'data' })).toBe(52_428_800);
    expect(families.get('ha_mount_probe_latency_seconds')?.type).toBe('HISTOGRAM');
  });

  it('when probes are observed then the histogram buckets, sum and count are in seconds per mount', async () => {
    // parse-prometheus-text-format folds a labelled histogram into one unlabelled sample (its
    // flattenMetrics handles unlabelled histograms only), so the series are read from the text
    const metrics = createMetrics({ processMetrics: false });
    feedTwoMounts(metrics);
    const { text } = await scrape(metrics);
    const line = (series: string) => Number(new RegExp(`^${series.replace(/[{}.+"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(line('ha_mount_probe_latency_seconds_bucket{le="0.005",mount="data"}')).toBe(1);
    expect(line('ha_mount_probe_latency_seconds_bucket{le="2",mount="data"}')).toBe(2);
    expect(line('ha_mount_probe_latency_seconds_bucket{le="+Inf",mount="data"}')).toBe(2);
    expect(line('ha_mount_probe_latency_seconds_sum{mount="data"}')).toBeCloseTo(1.503, 6);
    expect(line('ha_mount_probe_latency_seconds_count{mount="data"}')).toBe(2);
    expect(line('ha_mount_probe_latency_seconds_bucket{le="2",mount="home"}')).toBe(0);
    expect(line('ha_mount_probe_latency_seconds_bucket{le="5",mount="home"}')).toBe(1);
  });

  it('when a mount is removed then none of its series remain and the other mount keeps its own', async () => {
    const metrics = createMetrics({ processMetrics: false });
    feedTwoMounts(metrics);
    metrics.removeMount('data');
    const { text, families } = await scrape(metrics);
    expect(text).not.toContain('mount="data"');
    expect(valueOf(families, 'ha_mount_up', { mount: 'home' })).toBe(0);
    expect(valueOf(families, 'ha_mount_failures_total', { mount: 'home', reason: 'hung' })).toBe(1);
  });

  it('when a mount is described again with other servers then ha_mount_info keeps one series, the new one', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.describeMount('data', { backend: 'glusterfs', volume: 'rep_vol1', servers: 'vip,gfs1' });
    metrics.describeMount('data', { backend: 'glusterfs', volume: 'rep_vol1', servers: 'vip,gfs2' });
    metrics.describeMount('mfs', { backend: 'moosefs', volume: 'mfsmaster:9421', servers: 'mfsmaster:9421' });
    metrics.setServersReachable('data', false);
    const { families } = await scrape(metrics);
    expect(seriesOf(families, 'ha_mount_info')).toEqual([
      { mount: 'data', backend: 'glusterfs', volume: 'rep_vol1', servers: 'vip,gfs2' },
      { mount: 'mfs', backend: 'moosefs', volume: 'mfsmaster:9421', servers: 'mfsmaster:9421' },
    ]);
    expect(valueOf(families, 'ha_mount_info', { mount: 'data', backend: 'glusterfs', volume: 'rep_vol1', servers: 'vip,gfs2' })).toBe(1);
    expect(valueOf(families, 'ha_mount_servers_reachable', { mount: 'data' })).toBe(0);
    expect(seriesOf(families, 'ha_mount_servers_reachable')).toEqual([{ mount: 'data' }]);
  });

  it('when a reason outside the fixed set is passed then it is counted as other', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.countFailure('data', 'EHOSTDOWN: host is down' as FailureReason);
    const { families } = await scrape(metrics);
    expect(valueOf(families, 'ha_mount_failures_total', { mount: 'data', reason: 'other' })).toBe(1);
  });

  it('when the server and daemon are gone then their series are dropped', async () => {
    const metrics = createMetrics({ processMetrics: false });
    feedTwoMounts(metrics);
    metrics.setServer('data', undefined);
    metrics.setDaemonRss('data', undefined);
    const { families } = await scrape(metrics);
    expect(seriesOf(families, 'ha_mount_server')).toEqual([]);
    expect(seriesOf(families, 'ha_mount_fuse_daemon_rss_bytes')).toEqual([]);
  });

  it('when process metrics are on then the agent reports its own memory and open fds', async () => {
    const metrics = createMetrics();
    const { families } = await scrape(metrics);
    expect(Number(families.get('process_resident_memory_bytes')?.metrics[0]?.value)).toBeGreaterThan(0);
    expect(Number(families.get('process_open_fds')?.metrics[0]?.value)).toBeGreaterThan(0);
  });

  it('when another path is asked then the answer is 404', async () => {
    const metrics = createMetrics({ processMetrics: false });
    server = await startMetricsServer(metrics, { host: '127.0.0.1', port: 0 });
    const response = await fetch(server.url.replace('/metrics', '/'));
    expect(response.status).toBe(404);
  });

  it('when the port is taken then the error names the address and what to do', async () => {
    const metrics = createMetrics({ processMetrics: false });
    server = await startMetricsServer(metrics, { host: '127.0.0.1', port: 0 });
    const port = Number(new URL(server.url).port);
    await expect(startMetricsServer(metrics, { host: '127.0.0.1', port })).rejects.toThrow(
      `cannot serve metrics on 127.0.0.1:${port}: EADDRINUSE; set metrics.listen to a free local address or metrics.enabled: false`,
    );
  });
});

describe('toFailureReason', () => {
  it.each([
    ['ENOTCONN', 'enotconn'],
    ['ESTALE', 'estale'],
    ['EDQUOT', 'enospc'],
    ['EROFS', 'erofs'],
    ['brick_down', 'brick_down'],
    ['EHOSTDOWN', 'other'],
    ['mount="x"', 'other'],
  ])('when the reason is %s then the label is %s', (text, reason) => {
    expect(toFailureReason(text)).toBe(reason);
  });
});
