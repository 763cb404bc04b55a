// What a fleet costs, measured (docs/fleet.md): `npm run bench:fleet -- [--targets 250,1000] [--seconds 120] [--mounts 5]`.
// 1. The agent's side: the real metrics registry (src/metrics/metrics.ts) with N mounts fed as a
//    running agent feeds them, rendered and served over real HTTP: series, bytes and time per scrape.
// 2. Prometheus's side: K endpoints of that same exporter in this process, each with its own
//    registry (process metrics included) and its own loopback port, scraped every 15 s by a real
//    Prometheus (Debian's 2.42) running the shipped rules; its own /metrics says what it holds
//    and uses. Everything listens on 127.0.0.1 only; Prometheus is started and stopped by pid, its
//    data folder removed.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { createMetrics, type HaMountMetrics } from '../src/metrics/metrics.js';
import { startMetricsServer, type MetricsServer } from '../src/metrics/metrics-server.js';

const ROOT = new URL('../../', import.meta.url).pathname;

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

/** Feeds a mount the way a day of an agent does: described, probed, one remount, one failure, a server, a daemon. */
function feedMount(metrics: HaMountMetrics, index: number): void {
  const mount = `vol${index}`;
  metrics.describeMount(mount, { backend: 'glusterfs', volume: `vol${index}`, servers: 'vip.example.com,gfs1.example.com,gfs2.example.com' });
  metrics.setState(mount, 'healthy');
  for (let probe = 0; probe < 50; probe += 1) metrics.observeProbe(mount, 2 + (probe % 7) * 3);
  metrics.countFailure(mount, 'enotconn');
  metrics.countRemount(mount, 'daemon_dead');
  metrics.setServer(mount, 'vip.example.com:24007');
  metrics.setDaemonRss(mount, 60_000_000 + index);
  metrics.setServersReachable(mount, true);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function measureAgentSide(mounts: number): Promise<void> {
  const metrics = createMetrics();
  for (let index = 0; index < mounts; index += 1) feedMount(metrics, index);
  const server = await startMetricsServer(metrics, { host: '127.0.0.1', port: 0 });
  try {
    const times: number[] = [];
    let text = '';
    for (let round = 0; round < 200; round += 1) {
      const started = performance.now();
      const response = await fetch(server.url);
      text = await response.text();
      times.push(performance.now() - started);
    }
    const lines = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    const own = lines.filter((line) => line.startsWith('ha_mount_'));
    console.log(
      `agent, ${mounts} mount(s): ${lines.length} series (ha_mount_* ${own.length}, ${own.length / mounts} per mount; process/nodejs ${lines.length - own.length}), ${Buffer.byteLength(text)} bytes, GET /metrics ${median(times).toFixed(2)} ms median of 200 (p90 ${[...times].sort((a, b) => a - b)[180]?.toFixed(2)} ms)`,
    );
  } finally {
    await server.close();
  }
}

/** GET a text over loopback, or undefined. */
async function get(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}

function readMetric(text: string, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
}

async function freePort(): Promise<number> {
  const probe = await startMetricsServer(createMetrics({ processMetrics: false }), { host: '127.0.0.1', port: 0 });
  const port = Number(new URL(probe.url).port);
  await probe.close();
  return port;
}

async function measurePrometheus(targets: number, mounts: number, seconds: number): Promise<void> {
  const servers: MetricsServer[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ha-mount-fleet-scale-'));
  let prometheus: ReturnType<typeof spawn> | undefined;
  try {
    for (let target = 0; target < targets; target += 1) {
      const metrics = createMetrics();
      for (let index = 0; index < mounts; index += 1) feedMount(metrics, index);
      servers.push(await startMetricsServer(metrics, { host: '127.0.0.1', port: 0 }));
    }
    const port = await freePort();
    copyFileSync(join(ROOT, 'monitoring/prometheus/ha-mount.rules.yml'), join(dir, 'ha-mount.rules.yml'));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '15s', evaluation_interval: '15s', scrape_timeout: '5s' },
        rule_files: [join(dir, 'ha-mount.rules.yml')],
        scrape_configs: [{ job_name: 'ha-mount', static_configs: [{ targets: servers.map((server) => new URL(server.url).host) }] }],
      }),
    );
    prometheus = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--enable-feature=extra-scrape-metrics'], {
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const started = Date.now();
    const base = `http://127.0.0.1:${port}`;
    while ((await get(`${base}/-/ready`)) === undefined) {
      if (Date.now() - started > 60_000) throw new Error('Prometheus not ready within 60 s');
      await new Promise((done) => setTimeout(done, 500));
    }
    const cpuAt = (text: string): number => readMetric(text, 'process_cpu_seconds_total');
    // the first scrapes create the series; CPU is counted from the end of the first full cycle
    await new Promise((done) => setTimeout(done, 20_000));
    const first = (await get(`${base}/metrics`)) ?? '';
    const firstAt = Date.now();
    await new Promise((done) => setTimeout(done, seconds * 1_000));
    const last = (await get(`${base}/metrics`)) ?? '';
    const elapsedS = (Date.now() - firstAt) / 1_000;
    const query = async (expr: string): Promise<number> => {
      const text = await get(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const parsed = JSON.parse(text ?? '{}') as { data?: { result?: Array<{ value: [number, string] }> } };
      return Number(parsed.data?.result?.[0]?.value[1]);
    };
    const series = readMetric(last, 'prometheus_tsdb_head_series');
    const rss = readMetric(last, 'process_resident_memory_bytes');
    const cpu = (cpuAt(last) - cpuAt(first)) / elapsedS;
    const scrapeP50 = await query('quantile(0.5, scrape_duration_seconds{job="ha-mount"})');
    const scrapeP99 = await query('quantile(0.99, scrape_duration_seconds{job="ha-mount"})');
    const bytes = await query('sum(scrape_body_size_bytes{job="ha-mount"})');
    const groups = [...last.matchAll(/^prometheus_rule_group_last_duration_seconds\{rule_group="[^"]*;([^"]+)"\} (\S+)$/gm)].map((match) => `${match[1]} ${(Number(match[2]) * 1000).toFixed(0)} ms`);
    const up = await query('sum(up{job="ha-mount"})');
    console.log(
      `prometheus, ${targets} targets x ${mounts} mounts, ${elapsedS.toFixed(0)} s measured: ${up} up, head series ${series} (${(series / targets).toFixed(0)} per target), RSS ${(rss / 2 ** 20).toFixed(0)} MiB (${(rss / series).toFixed(0)} bytes per series), CPU ${(cpu * 100).toFixed(1)} % of a core, ingest ${(series / 15).toFixed(0)} samples/s, bytes per cycle ${(bytes / 2 ** 20).toFixed(2)} MiB (${(bytes / 15 / 1024).toFixed(0)} KiB/s), scrape p50 ${(scrapeP50 * 1000).toFixed(1)} ms p99 ${(scrapeP99 * 1000).toFixed(1)} ms, last evaluation of the rule groups: ${groups.join(', ')}`,
    );
  } finally {
    if (prometheus?.pid !== undefined && prometheus.exitCode === null) {
      const exited = new Promise((done) => prometheus?.once('exit', done));
      prometheus.kill('SIGTERM');
      const timer = setTimeout(() => prometheus?.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await Promise.all(servers.map((server) => server.close()));
    rmSync(dir, { recursive: true, force: true });
  }
}

const mounts = Number(argument('mounts', '5'));
const seconds = Number(argument('seconds', '90'));
const targetCounts = argument('targets', '250,1000').split(',').map(Number);
for (const count of [1, 5, 10]) await measureAgentSide(count);
for (const targets of targetCounts) await measurePrometheus(targets, mounts, seconds);
