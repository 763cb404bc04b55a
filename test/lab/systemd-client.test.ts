// Issue 11: the client as users run it, under a real systemd 252. A Debian 12 root (debootstrap,
// cached in /var/cache/ha-mount-lab) booted by systemd-nspawn in the lab's client network
// namespace, with the .deb of this tree installed by apt, an `ha` line in /etc/fstab through the
// VIP and `systemctl enable ha-mount`. Run `npm run build` first (`npm run test:lab` does).
//
// One boot serves the tests that need a running client (adoption, kill -9, watchdog, stop,
// restart, reload, journald), ended by a shutdown with a dead mount; three more boots: the VIP
// nowhere, every server down, no D-Bus. Each test names the failure it reproduces.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../src/agent/status-file.js';
import { glusterOf, glusterServer, waitUntil } from '../../src/lab/lab-access.js';
import { installSignalCleanup, startLab } from '../../src/lab/lab.js';
import type { Lab } from '../../src/lab/lab-types.js';
import { sleep } from '../../src/lab/procs.js';
import { type Boot, SystemdHost } from '../../src/lab/systemd-host.js';
import { analyzeWrites } from '../../src/lab/writer-analysis.js';
import { buildDeb } from '../../src/package/build-deb.js';
import { WriterProcess } from './support/writer-process.js';

const MOUNTPOINT = '/mnt/rep_vol1';
const UNIT = 'mnt-rep_vol1.mount';
/** the bound this file holds a shutdown with a dead mount to (README: measured 15-16 s; the agent's TimeoutStopSec is 20 s) */
const DEAD_MOUNT_SHUTDOWN_BOUND_MS = 30_000;

let lab: Lab;
let host: SystemdHost | undefined;
let removeSignalCleanup: () => void = () => undefined;
const measured: Record<string, number> = {};

const log = (message: string): void => console.log(`[systemd-client] ${message}`);

function fstabLine(first: string): string {
  const [gfs1, gfs2] = [glusterServer(lab, 0).ip, glusterServer(lab, 1).ip];
  return `${first}:/rep_vol1 ${MOUNTPOINT} ha servers=${gfs1}:${gfs2},ping-timeout=10,probe-interval=1s,_netdev,nofail 0 0\n`;
}

function agentStatus(): AgentStatus | undefined {
  try {
    return JSON.parse(readFileSync(client().hostPath('/run/ha-mount/status.json'), 'utf8')) as AgentStatus;
  } catch {
    return undefined;
  }
}

function client(): SystemdHost {
  if (!host) throw new Error('the systemd client was not set up (see beforeAll)');
  return host;
}

/** The one FUSE daemon of the mount (fails when there are none or several). */
function fusePid(): number {
  const pids = client().fuseDaemons(MOUNTPOINT);
  expect(pids, `FUSE daemons of ${MOUNTPOINT} in the client`).toHaveLength(1);
  return pids[0] as number;
}

async function waitHealthy(timeoutMs: number): Promise<AgentStatus> {
  return waitUntil('the agent to report the mount healthy', () => {
    const status = agentStatus();
    return status?.mounts.some((mount) => mount.mountpoint === MOUNTPOINT && mount.state === 'healthy') ? status : undefined;
  }, timeoutMs);
}

async function journal(args: string[]): Promise<string[]> {
  const out = await client().execChecked('journalctl', ['--no-pager', '-o', 'cat', ...args]);
  return out.split('\n').filter((line) => line.trim() !== '');
}

async function nRestarts(): Promise<number> {
  return Number(await client().unitProperty('ha-mount.service', 'NRestarts'));
}

async function waitAgentActive(timeoutMs = 30_000): Promise<void> {
  await waitUntil('ha-mount.service active', async () => (await client().unitProperty('ha-mount.service', 'ActiveState')) === 'active', timeoutMs, 200);
}

/** Boots the client, ending a boot an earlier failed test left running. */
async function bootFresh(): Promise<Boot> {
  if (client().running) await client().kill();
  return client().start();
}

/** Boots with `fstab`, returns ms from nspawn's start to the mount in the client's mount table (undefined: not mounted within `mountWithinMs`). */
async function bootWith(fstab: string, mountWithinMs: number): Promise<number | undefined> {
  client().writeFile('/etc/fstab', fstab);
  const boot = await bootFresh();
  try {
    await client().waitMounted(MOUNTPOINT, mountWithinMs);
    return Date.now() - boot.startedAt;
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  lab = await startLab({ onProgress: log });
  removeSignalCleanup = installSignalCleanup(lab);
  const deb = await buildDeb({ outDir: lab.dir });
  log(`built ${deb}`);
  host = await SystemdHost.create(lab, { deb, fstab: fstabLine(glusterOf(lab).vip), progress: log });
  log(`client root ${host.root}`);
});

afterAll(async () => {
  console.log(`[systemd-client] measured: ${JSON.stringify(measured)}`);
  try {
    await host?.kill();
  } finally {
    removeSignalCleanup();
    await lab?.stop();
  }
});

describe('a Debian 12 client under systemd 252, with the .deb installed', () => {
  it('boot mounts the fstab line through the VIP, the agent adopts that mount, and the system is running', async () => {
    const toMounted = await bootWith(fstabLine(glusterOf(lab).vip), 60_000);
    expect(toMounted, `mounted at boot; console: ${client().consoleLog().slice(-2000)}`).toBeDefined();
    measured.bootToMountedMs = toMounted as number;
    expect(await client().waitRunning()).toBe('running');
    const mounts = client().mounts().filter((entry) => entry.mountpoint === MOUNTPOINT);
    expect(mounts).toHaveLength(1);
    expect(mounts[0]?.fstype).toBe('fuse.glusterfs');
    expect(mounts[0]?.source).toContain(glusterOf(lab).vip);
    const daemon = fusePid();
    const status = await waitHealthy(30_000);
    const mine = status.mounts.find((mount) => mount.mountpoint === MOUNTPOINT);
    // adopted: the FUSE daemon mount.ha started at boot, no remount
    expect(mine?.remounts).toBe(0);
    expect(fusePid()).toBe(daemon);
    expect(await client().unitProperty(UNIT, 'ActiveState')).toBe('active');
  });

  it('journalctl -u ha-mount reads as text; a killed FUSE client shows at -p warning with HA_MOUNT_NAME=, and is remounted', async () => {
    const before = fusePid();
    process.kill(before, 'SIGKILL');
    await waitUntil('a new FUSE daemon', () => client().fuseDaemons(MOUNTPOINT).find((pid) => pid !== before), 30_000);
    await waitHealthy(30_000);
    const all = await journal(['-u', 'ha-mount']);
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((line) => line.startsWith('{')), 'raw JSON lines in journalctl -u ha-mount').toEqual([]);
    const warnings = await journal(['-u', 'ha-mount', '-p', 'warning']);
    expect(warnings.some((line) => /rep_vol1: healthy -> failed/.test(line)), `warnings: ${warnings.join(' | ')}`).toBe(true);
    // healthy again is information, not a warning
    expect(warnings.some((line) => /-> healthy/.test(line))).toBe(false);
    const name = agentStatus()?.mounts.find((mount) => mount.mountpoint === MOUNTPOINT)?.name ?? 'rep_vol1';
    const forMount = await journal(['-u', 'ha-mount', `HA_MOUNT_NAME=${name}`]);
    expect(forMount.some((line) => /healthy -> failed/.test(line))).toBe(true);
    expect(await journal(['-u', 'ha-mount', 'HA_MOUNT_NAME=no-such-mount'])).toEqual([]);
    // the agent's remount ran in a scope of its own, outside ha-mount.service (systemd-run --scope)
    const after = fusePid();
    expect(client().cgroupOf(after)).toMatch(/ha-mount-.*\.scope$/);
  });

  it('kill -9 of the agent: systemd restarts it, the same FUSE daemon is adopted, a writer sees 0 failed writes', async () => {
    const daemon = fusePid();
    const restarts = await nRestarts();
    const writer = new WriterProcess(lab.dir, client().hostPath(`${MOUNTPOINT}/writer-kill9`));
    await sleep(1_000);
    const killedAt = Date.now();
    await client().execChecked('systemctl', ['kill', '--kill-who=main', '--signal=KILL', 'ha-mount.service']);
    await waitUntil('NRestarts to grow', async () => (await nRestarts()) > restarts, 30_000, 200);
    await waitAgentActive();
    const status = await waitUntil('the restarted agent to adopt the mount', () => {
      const current = agentStatus();
      return current && current.startedAt > killedAt && current.mounts.some((mount) => mount.mountpoint === MOUNTPOINT && mount.state === 'healthy') ? current : undefined;
    }, 30_000);
    measured.agentRestartToAdoptedMs = status.updatedAt - killedAt;
    await sleep(1_000);
    const records = await writer.stop();
    const analysis = analyzeWrites(records, 2_000);
    expect(fusePid()).toBe(daemon);
    expect(status.mounts.find((mount) => mount.mountpoint === MOUNTPOINT)?.remounts).toBe(0);
    expect(analysis.total).toBeGreaterThan(10);
    expect(analysis.failed).toBe(0);
  });

  it('a stuck agent (SIGSTOP) is killed by the watchdog and restarted, keeping the mount', async () => {
    const daemon = fusePid();
    const restarts = await nRestarts();
    await client().execChecked('systemctl', ['kill', '--kill-who=main', '--signal=STOP', 'ha-mount.service']);
    // WatchdogSec=20s, RestartSec=2s
    await waitUntil('the watchdog restart', async () => (await nRestarts()) > restarts, 45_000, 500);
    await waitAgentActive();
    const lines = await journal(['-u', 'ha-mount', '-p', 'err']);
    expect(lines.some((line) => /Watchdog timeout/.test(line)), lines.slice(-5).join(' | ')).toBe(true);
    await waitHealthy(30_000);
    expect(fusePid()).toBe(daemon);
  });

  it('systemctl stop and restart of the agent leave the mount serving (same FUSE daemon, 0 failed writes)', async () => {
    const daemon = fusePid();
    const writer = new WriterProcess(lab.dir, client().hostPath(`${MOUNTPOINT}/writer-stop`));
    await sleep(500);
    await client().execChecked('systemctl', ['stop', 'ha-mount.service']);
    await sleep(1_000);
    expect(client().mountAt(MOUNTPOINT)).toBeDefined();
    await client().execChecked('systemctl', ['start', 'ha-mount.service']);
    await client().execChecked('systemctl', ['restart', 'ha-mount.service']);
    await waitAgentActive();
    await waitHealthy(30_000);
    await sleep(500);
    const analysis = analyzeWrites(await writer.stop(), 2_000);
    expect(fusePid()).toBe(daemon);
    expect(analysis.total).toBeGreaterThan(10);
    expect(analysis.failed).toBe(0);
  });

  it('systemctl reload applies a config edit (a second mount appears); a broken edit is logged at -p err and changes nothing', async () => {
    const vip = glusterOf(lab).vip;
    const second = '/mnt/second';
    // as the admin does: the agent does not create mountpoints
    mkdirSync(join(client().root, second), { recursive: true });
    client().writeFile(
      '/etc/ha-mount/ha-mount.yaml',
      `mounts:\n  - name: second\n    backend: glusterfs\n    volume: rep_vol1\n    servers: [${vip}, ${glusterServer(lab, 0).ip}, ${glusterServer(lab, 1).ip}]\n    mountpoint: ${second}\n`,
    );
    await client().execChecked('systemctl', ['reload', 'ha-mount.service']);
    await client().waitMounted(second, 30_000);
    const daemon = fusePid();
    client().writeFile('/etc/ha-mount/ha-mount.yaml', 'mounts: [\n  this is not yaml\n');
    await client().execChecked('systemctl', ['reload', 'ha-mount.service']);
    const errors = await waitUntil('the reload failure at -p err', async () => {
      const lines = await journal(['-u', 'ha-mount', '-p', 'err']);
      return lines.some((line) => /reload failed/.test(line)) ? lines : undefined;
    }, 15_000, 300);
    expect(errors.some((line) => /ha-mount\.yaml/.test(line))).toBe(true);
    expect(client().mountAt(second)).toBeDefined();
    expect(fusePid()).toBe(daemon);
    // back to no config mounts: the agent stops watching it and, by design, leaves it mounted
    client().writeFile('/etc/ha-mount/ha-mount.yaml', 'mounts: []\n');
    await client().execChecked('systemctl', ['reload', 'ha-mount.service']);
    await waitUntil('the agent to drop the removed mount', () => agentStatus()?.mounts.every((mount) => mount.mountpoint !== second), 15_000);
    expect((await journal(['-u', 'ha-mount', '-g', 'removed=\\["second"\\]'])).length).toBeGreaterThan(0);
    await client().execChecked('umount', [second]);
  });

  it(`shutdown with a dead mount (every server's link cut) finishes within ${DEAD_MOUNT_SHUTDOWN_BOUND_MS / 1000} s`, async () => {
    const servers = glusterOf(lab).servers;
    for (const server of servers) await lab.faults.partitionHost(server);
    try {
      // the agent has reported it hung (probes time out), as on a client whose servers vanished
      await waitUntil('the agent to see the mount hung', () => agentStatus()?.mounts.some((mount) => mount.mountpoint === MOUNTPOINT && mount.state === 'hung'), 40_000);
      const took = await client().shutdown(DEAD_MOUNT_SHUTDOWN_BOUND_MS + 30_000);
      measured.shutdownDeadMountMs = took;
      expect(took).toBeLessThan(DEAD_MOUNT_SHUTDOWN_BOUND_MS);
    } finally {
      for (const server of servers) await lab.faults.healHost(server);
    }
  });

  it('boot with the VIP nowhere mounts through a backup server of servers=', async () => {
    const nowhere = lab.subnet.replace(/\.0\/24$/, '.250');
    const toMounted = await bootWith(fstabLine(nowhere), 60_000);
    expect(toMounted, `mounted at boot; console: ${client().consoleLog().slice(-2000)}`).toBeDefined();
    measured.bootVipDownToMountedMs = toMounted as number;
    expect(await client().waitRunning()).toBe('running');
    const source = client().mountAt(MOUNTPOINT)?.source ?? '';
    expect([glusterServer(lab, 0).ip, glusterServer(lab, 1).ip].some((ip) => source.includes(ip)), source).toBe(true);
    measured.shutdownHealthyMs = await client().shutdown();
  });

  it('every server down at boot: boot finishes (nofail), the agent mounts once the servers are back, and the system ends running', async () => {
    const servers = glusterOf(lab).servers;
    for (const server of servers) await lab.faults.crashHost(server);
    let restarted = false;
    try {
      const boot = await bootFresh();
      const state = await client().waitRunning();
      measured.bootAllDownMs = Date.now() - boot.startedAt;
      expect(client().mountAt(MOUNTPOINT)).toBeUndefined();
      log(`every server down: boot ended ${state}; ${UNIT} ${await client().unitProperty(UNIT, 'ActiveState')}`);
      expect(['running', 'degraded']).toContain(state);
      const restarting = Date.now();
      // watched while the servers restart: the agent may mount before restartHost returns
      const mountedAt = client().waitMounted(MOUNTPOINT, 90_000).then(() => Date.now());
      mountedAt.catch(() => undefined);
      await Promise.all(servers.map((server) => lab.faults.restartHost(server)));
      restarted = true;
      measured.serversRestartMs = Date.now() - restarting;
      // from the servers' restart (glusterd, bricks, keepalived started again) to the agent's mount
      measured.serversRestartToMountedMs = (await mountedAt) - restarting;
      await waitUntil('the system to be running again', async () => (await client().exec('systemctl', ['is-system-running'])).stdout.trim() === 'running', 30_000, 300);
      expect(await client().unitProperty(UNIT, 'ActiveState')).toBe('active');
      await client().shutdown();
    } finally {
      if (!restarted) await Promise.all(servers.map((server) => lab.faults.restartHost(server)));
    }
  });

  it('a client without D-Bus: boot mounts, and the agent still remounts in a scope of its own (systemd-run --scope uses systemd\'s private socket)', async () => {
    await client().systemctlOffline(['mask', 'dbus.socket', 'dbus.service']);
    try {
      const toMounted = await bootWith(fstabLine(glusterOf(lab).vip), 60_000);
      expect(toMounted).toBeDefined();
      await client().waitRunning();
      expect((await client().exec('systemctl', ['is-active', 'dbus.socket'])).stdout.trim()).not.toBe('active');
      const scope = await client().exec('systemd-run', ['--scope', '--quiet', '--collect', '--', 'true']);
      expect(scope.exitCode, `systemd-run --scope without D-Bus: ${scope.stderr}`).toBe(0);
      await waitHealthy(30_000);
      const before = fusePid();
      process.kill(before, 'SIGKILL');
      const after = await waitUntil('a new FUSE daemon', () => client().fuseDaemons(MOUNTPOINT).find((pid) => pid !== before), 30_000);
      expect(client().cgroupOf(after)).toMatch(/ha-mount-.*\.scope$/);
      await client().shutdown();
    } finally {
      await client().systemctlOffline(['unmask', 'dbus.socket', 'dbus.service']);
    }
  });
});
