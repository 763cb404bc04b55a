// Issue 12 on the real lab (run `npm run build` first; `npm run test:lab` does): a fleet of 12
// client hosts, each in its own network namespace with its own agent (a real `ha-mount agent`
// process) and two mounts of the GlusterFS volume rep_vol1, scraped by a real Prometheus that runs
// the shipped rules (monitoring/prometheus/ha-mount.rules.yml, for: shortened) and notifies a real
// Alertmanager routed like the shipped example (group_by alertname, volume), which posts to a
// webhook receiver. Failures reproduced:
// 1. every server of the volume down: 12 clients lose their mounts at once, and ONE grouped
//    notification says so, naming 12 clients; recovery resolves it;
// 2. one client frozen (its agent stopped with SIGSTOP, as a hung host): one notification naming
//    that client; thawing it resolves it;
// 3. one client cut off from the servers (unreachable routes in its namespace) while its FUSE
//    clients die, so its agent cannot repair: one notification naming that client (both its
//    mounts), resolved once the routes are back and the agent remounted.
// The scrape cost per agent and the series per client are measured here as well (docs/fleet.md).
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runCommand } from '../../src/exec/run.js';
import { findMissingPackages, installPackages } from '../../src/lab/install.js';
import { glusterOf, glusterServer, waitUntil } from '../../src/lab/lab-access.js';
import { installSignalCleanup, startLab } from '../../src/lab/lab.js';
import type { Lab, LabHost } from '../../src/lab/lab-types.js';
import { systemProc } from '../../src/probes/proc.js';
import { AgentProcess } from './support/agent-process.js';
import { daemonsFor, ROOT } from './support/lab-helpers.js';
import { MonitoringStack, type Notification } from './support/monitoring-stack.js';

const CLIENTS = 12;
const MOUNTS_PER_CLIENT = 2;
const METRICS_PORT = 9716;
const KEEP_DIR = '/tmp/ha-mount-fleet-last'; // configs, logs and notifications, kept after the lab is gone
/** Test timings: Prometheus scrapes and evaluates every second; every alert's for: is FOR_S. */
const SCRAPE_S = 1;
const FOR_S = 5;
/** Alertmanager's timings for the ha-mount route (the shipped example says 30s and 2m). */
const GROUP_WAIT_S = 5;
const GROUP_INTERVAL_S = 5;

let lab: Lab;
let stack: MonitoringStack | undefined;
const agents: Array<{ host: LabHost; agent: AgentProcess; mountpoints: string[] }> = [];
let removeSignalCleanup: () => void = () => undefined;

/** The shipped rules with every for: set to the test's (the expressions are untouched). */
function testRules(): string {
  const rules = parse(readFileSync(join(ROOT, 'monitoring/prometheus/ha-mount.rules.yml'), 'utf8')) as { groups: Array<{ rules: Array<{ for?: string }> }> };
  for (const group of rules.groups) for (const rule of group.rules) if (rule.for !== undefined) rule.for = `${FOR_S}s`;
  return stringify(rules);
}

/** The shipped Alertmanager example's ha-mount route (grouping, inhibition) with the test's waits. */
function testRoute(): { route: Record<string, unknown>; inhibitRules: unknown[] } {
  const shipped = parse(readFileSync(join(ROOT, 'monitoring/alertmanager/alertmanager.yml'), 'utf8')) as { route: { routes: Array<{ group_by: string[] }> }; inhibit_rules: unknown[] };
  const haMount = shipped.route.routes[0];
  return {
    route: { group_by: haMount?.group_by, group_wait: `${GROUP_WAIT_S}s`, group_interval: `${GROUP_INTERVAL_S}s`, repeat_interval: '1h' },
    inhibitRules: shipped.inhibit_rules,
  };
}

function instanceOf(host: LabHost): string {
  return `${host.ip}:${METRICS_PORT}`;
}

/** Starts the agent of one client: MOUNTS_PER_CLIENT mounts of rep_vol1 through the VIP, metrics on the client's lab address. */
function startClientAgent(host: LabHost): { host: LabHost; agent: AgentProcess; mountpoints: string[] } {
  const gluster = glusterOf(lab);
  const dir = join(lab.dir, 'fleet', host.name);
  mkdirSync(join(dir, 'state'), { recursive: true });
  const mountpoints = Array.from({ length: MOUNTS_PER_CLIENT }, (_, index) => join(lab.dir, 'mnt', `${host.name}-m${index + 1}`));
  for (const mountpoint of mountpoints) mkdirSync(mountpoint, { recursive: true });
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      'probe:',
      '  interval: 2s', // 24 mounts on 2 shared cores: half the usual probe rate
      '  timeout: 5s',
      'mounts:',
      ...mountpoints.flatMap((mountpoint, index) => [
        `  - name: m${index + 1}`,
        '    backend: glusterfs',
        `    volume: ${gluster.volume}`,
        `    servers: [${[gluster.vip, glusterServer(lab, 0).ip, glusterServer(lab, 1).ip].join(', ')}]`,
        `    mountpoint: ${mountpoint}`,
      ]),
      'notify:',
      '  email:',
      '    enabled: false # Alertmanager only: no mail per client',
      '    to: [ops@example.com]',
      'metrics:',
      `  listen: ${host.ip}:${METRICS_PORT}`,
    ].join('\n'),
  );
  const agent = new AgentProcess({ ...lab, clientCommand: (command) => lab.hostCommand(host, command) }, { dir });
  return { host, agent, mountpoints };
}

function firing(notifications: Notification[]): Notification[] {
  return notifications.filter((notification) => notification.status === 'firing');
}

function describeNotifications(notifications: Notification[]): string {
  return notifications.map((n) => `${new Date(n.at).toISOString()} ${n.status} ${JSON.stringify(n.groupLabels)}: ${n.alerts.map((a) => `${a.status} ${a.annotations.summary ?? a.labels.alertname}`).join(' | ')}`).join('\n');
}

beforeAll(async () => {
  const missing = await findMissingPackages(['prometheus', 'prometheus-alertmanager']);
  if (missing.length > 0) await installPackages(missing, (line) => console.log(`[fleet] ${line}`));
  lab = await startLab({ gluster: true, clients: CLIENTS, monitor: true, onProgress: (line) => console.log(`[fleet] ${line}`) });
  removeSignalCleanup = installSignalCleanup(lab);
  const started = Date.now();
  for (const host of lab.clients) agents.push(startClientAgent(host));
  const monitor = lab.monitor;
  if (monitor === undefined) throw new Error('the fleet lab has no monitoring host');
  const dir = join(lab.dir, 'fleet', 'monitoring');
  mkdirSync(dir, { recursive: true });
  stack = new MonitoringStack(lab, monitor, { dir, targets: lab.clients.map(instanceOf), rules: testRules(), ...testRoute(), scrapeIntervalS: SCRAPE_S });
  await stack.start();
  await Promise.all(agents.map(({ agent }) => agent.waitForHealthy(['m1', 'm2'], 90_000)));
  const ready = stack;
  await waitUntil(`Prometheus sees ${CLIENTS} agents up with ${CLIENTS * MOUNTS_PER_CLIENT} mounts up`, async () => {
    const [up] = await ready.query('sum(up{job="ha-mount"})');
    const [mounts] = await ready.query('sum(ha_mount_up)');
    return up?.value === CLIENTS && mounts?.value === CLIENTS * MOUNTS_PER_CLIENT;
  }, 60_000, 1_000);
  console.log(`[fleet] ${CLIENTS} agents with ${MOUNTS_PER_CLIENT} mounts each healthy and scraped ${((Date.now() - started) / 1000).toFixed(1)} s after the lab was up`);
}, 400_000);

afterAll(async () => {
  try {
    await stack?.stop();
    await Promise.all(agents.map(({ agent }) => (agent.running ? agent.stop(5_000) : undefined)));
    if (lab !== undefined) {
      rmSync(KEEP_DIR, { recursive: true, force: true });
      cpSync(join(lab.dir, 'fleet'), KEEP_DIR, { recursive: true, filter: (source) => !source.includes('-data') });
    }
    for (const { mountpoints } of agents) {
      for (const mountpoint of mountpoints) {
        await runCommand({ file: 'umount', args: ['-l', mountpoint] }, { timeoutMs: 10_000 });
        for (const pid of daemonsFor(mountpoint, 'glusterfs')) if (systemProc.exists(pid)) process.kill(pid, 'SIGKILL');
      }
    }
  } finally {
    removeSignalCleanup();
    await lab?.stop();
  }
}, 120_000);

describe('a fleet of 12 clients behind Prometheus and Alertmanager', () => {
  it('when every server of the volume is down then ONE grouped notification names 12 clients, and recovery resolves it', async () => {
    const active = stack as MonitoringStack;
    const before = active.notifications().length;
    const servers = [glusterServer(lab, 0), glusterServer(lab, 1)];
    const faultAt = Date.now();
    await Promise.all(servers.map((server) => lab.faults.crashHost(server)));
    const page = await waitUntil('a firing notification for rep_vol1', () => firing(active.notifications().slice(before)).find((n) => n.groupLabels.volume === 'rep_vol1'), 90_000, 250);
    const pageAfterS = (page.at - faultAt) / 1000;
    // every client's mounts: failed, no server answering
    const unreachable = await active.query('count(ha_mount_servers_reachable == 0)');
    // hold the fault for two more group intervals: nothing else may be sent for it meanwhile
    await new Promise((done) => setTimeout(done, (2 * GROUP_INTERVAL_S + 2) * 1000));
    const duringFault = active.notifications().slice(before);
    console.log(`[fleet] all servers down: first notification after ${pageAfterS.toFixed(1)} s (for: ${FOR_S} s, group_wait: ${GROUP_WAIT_S} s, scrape and evaluation every ${SCRAPE_S} s); mounts with no server answering: ${unreachable[0]?.value}\n${describeNotifications(duringFault)}`);

    expect(firing(duringFault)).toHaveLength(1);
    expect(page.groupLabels).toEqual({ alertname: 'HaMountServersUnreachable', volume: 'rep_vol1' });
    expect(page.alerts).toHaveLength(1);
    expect(page.alerts[0]?.labels).toMatchObject({ scope: 'fleet', class: 'unreachable', volume: 'rep_vol1' });
    expect(page.alerts[0]?.annotations.summary).toMatch(new RegExp(`answers ${CLIENTS} clients$`));
    expect(unreachable[0]?.value).toBe(CLIENTS * MOUNTS_PER_CLIENT);
    // detection (a probe every 2 s, then a 1.5 s connect check) + for: + group_wait + scrape/evaluation steps
    expect(pageAfterS).toBeLessThan(FOR_S + GROUP_WAIT_S + 20);

    const recoverAt = Date.now();
    await Promise.all(servers.map((server) => lab.faults.restartHost(server)));
    const resolved = await waitUntil('the resolved notification of that group', () => active.notifications().slice(before).find((n) => n.status === 'resolved' && n.groupLabels.alertname === 'HaMountServersUnreachable'), 120_000, 250);
    await Promise.all(agents.map(({ agent }) => agent.waitForHealthy(['m1', 'm2'], 60_000)));
    console.log(`[fleet] servers restarted: resolved ${((resolved.at - recoverAt) / 1000).toFixed(1)} s after the restart began\n${describeNotifications(active.notifications().slice(before))}`);
    expect(resolved.alerts.every((alert) => alert.status === 'resolved')).toBe(true);
    // one page and its resolution: no other group was notified for this incident
    expect(firing(active.notifications().slice(before))).toHaveLength(1);
  }, 300_000);

  it('when one client freezes then one notification names that client, and thawing resolves it', async () => {
    const active = stack as MonitoringStack;
    await waitUntil('every alert of the first incident resolved', async () => (await active.query('ALERTS{alertstate="firing"}')).length === 0, 60_000, 1_000);
    const before = active.notifications().length;
    const victim = agents[4];
    if (victim === undefined) throw new Error('no fifth client');
    const faultAt = Date.now();
    process.kill(victim.agent.pid, 'SIGSTOP');
    try {
      const page = await waitUntil('a firing notification for the frozen client', () => firing(active.notifications().slice(before))[0], 60_000, 250);
      console.log(`[fleet] ${victim.host.name} frozen: notification after ${((page.at - faultAt) / 1000).toFixed(1)} s\n${describeNotifications(active.notifications().slice(before))}`);
      expect(page.groupLabels).toEqual({ alertname: 'HaMountAgentDown' });
      expect(page.alerts).toHaveLength(1);
      expect(page.alerts[0]?.labels.instance).toBe(instanceOf(victim.host));
      expect(page.alerts[0]?.annotations.summary).toBe(`${instanceOf(victim.host)}: the ha-mount agent does not answer scrapes`);
    } finally {
      process.kill(victim.agent.pid, 'SIGCONT');
    }
    const resolved = await waitUntil('the resolved notification for the thawed client', () => active.notifications().slice(before).find((n) => n.status === 'resolved'), 60_000, 250);
    expect(resolved.alerts[0]?.labels.instance).toBe(instanceOf(victim.host));
    expect(firing(active.notifications().slice(before))).toHaveLength(1);
  }, 180_000);

  it('when one client loses its routes to the servers and its FUSE clients die then one notification names that client, and recovery resolves it', async () => {
    const active = stack as MonitoringStack;
    await waitUntil('every alert before this fault resolved', async () => (await active.query('ALERTS{alertstate="firing"}')).length === 0, 60_000, 1_000);
    const before = active.notifications().length;
    const victim = agents[7];
    if (victim === undefined) throw new Error('no eighth client');
    const gluster = glusterOf(lab);
    const storage = [gluster.vip, glusterServer(lab, 0).ip, glusterServer(lab, 1).ip];
    const route = (action: 'add' | 'del', ip: string) => runCommand(lab.hostCommand(victim.host, { file: 'ip', args: ['route', action, 'unreachable', `${ip}/32`] }), { timeoutMs: 10_000 });
    const faultAt = Date.now();
    for (const ip of storage) expect((await route('add', ip)).exitCode).toBe(0);
    try {
      // the agent remounts a dead FUSE client at once: with no route to a server it cannot
      for (const mount of victim.agent.status()?.mounts ?? []) if (mount.daemonPid !== undefined) process.kill(mount.daemonPid, 'SIGKILL');
      const page = await waitUntil('a firing notification for the cut-off client', () => firing(active.notifications().slice(before))[0], 60_000, 250);
      console.log(`[fleet] ${victim.host.name} cut off from the servers: notification after ${((page.at - faultAt) / 1000).toFixed(1)} s\n${describeNotifications(active.notifications().slice(before))}`);
      expect(page.groupLabels).toEqual({ alertname: 'HaMountServersUnreachable', volume: 'rep_vol1' });
      expect(page.alerts.map((alert) => alert.labels.mount).sort()).toEqual(['m1', 'm2']);
      for (const alert of page.alerts) {
        expect(alert.labels).toMatchObject({ scope: 'client', instance: instanceOf(victim.host) });
        expect(alert.annotations.summary).toBe(`${instanceOf(victim.host)}: no server of volume rep_vol1 (${storage.join(',')}) answers this client`);
      }
    } finally {
      for (const ip of storage) await route('del', ip);
    }
    const resolved = await waitUntil('the resolved notification for the client', () => active.notifications().slice(before).find((n) => n.status === 'resolved'), 60_000, 250);
    expect(resolved.alerts.every((alert) => alert.labels.instance === instanceOf(victim.host))).toBe(true);
    expect(firing(active.notifications().slice(before))).toHaveLength(1);
    await victim.agent.waitForHealthy(['m1', 'm2'], 30_000);
  }, 180_000);

  it('when the fleet is scraped then each agent exports the same bounded set of series (scrape cost measured)', async () => {
    const active = stack as MonitoringStack;
    const perTarget = async (expr: string): Promise<number[]> => (await active.query(expr)).map((sample) => sample.value).sort((a, b) => a - b);
    const median = (values: number[]): number => values[Math.floor(values.length / 2)] ?? Number.NaN;
    const samples = await perTarget('scrape_samples_scraped{job="ha-mount"}');
    const bytes = await perTarget('scrape_body_size_bytes{job="ha-mount"}');
    const seconds = await perTarget('avg_over_time(scrape_duration_seconds{job="ha-mount"}[20s])');
    const mountSeries = await perTarget('count by (instance) ({__name__=~"ha_mount_.*", job="ha-mount"})');
    const own = (await active.fetch(active.url(9090, '/metrics'))) ?? '';
    const read = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(own)?.[1]);
    // timings are printed, not asserted: speed targets live in benchmarks (bench/fleet-scale.ts)
    console.log(
      `[fleet] per agent (${MOUNTS_PER_CLIENT} mounts): ${median(samples)} samples (ha_mount_* ${median(mountSeries)}), ${median(bytes)} bytes; scrape ${(median(seconds) * 1000).toFixed(1)} ms median of 20 s averages (slowest ${(Math.max(...seconds) * 1000).toFixed(1)} ms); Prometheus: head series ${read('prometheus_tsdb_head_series')}, RSS ${(read('process_resident_memory_bytes') / 2 ** 20).toFixed(0)} MiB`,
    );
    expect(samples).toHaveLength(CLIENTS);
    // what happened to a client (remounts, failures, frozen) adds no series: the same count everywhere
    expect(new Set(mountSeries).size).toBe(1);
    expect(median(mountSeries)).toBeLessThan(60 * MOUNTS_PER_CLIENT);
    expect(median(bytes)).toBeGreaterThan(0);
  }, 60_000);
});
