import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../types.js';
import type { LabContext } from './context.js';
import { inHostNamespaces, netnsPath, spawnDaemon } from './context.js';
import { LAB_DEFAULTS } from './lab-defaults.js';
import { labError, runChecked, waitFor } from './lab-error.js';
import { createHostMountNamespace } from './mountns.js';
import type { PlannedHost } from './plan.js';
import { findProcessesInNamespaces, isProcessAlive, readComm, readNamespaceInode, readTcpSockets } from './procs.js';

export const GLUSTERD_PORT = 24007;

/** One brick or daemon line of `gluster volume status VOL --xml`. */
export interface BrickStatus {
  hostname: string;
  path: string;
  online: boolean;
  port: number | undefined;
  pid: number | undefined;
}

function readTag(block: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(block);
  return match?.[1];
}

/** Parses the <node> entries of `gluster volume status VOL --xml`. Pure. */
export function parseVolumeStatus(xml: string): BrickStatus[] {
  const nodes: BrickStatus[] = [];
  for (const match of xml.matchAll(/<node>([\s\S]*?)<\/node>/g)) {
    const block = match[1] ?? '';
    const port = Number(readTag(block, 'port'));
    const pid = Number(readTag(block, 'pid'));
    nodes.push({
      hostname: readTag(block, 'hostname') ?? '',
      path: readTag(block, 'path') ?? '',
      online: readTag(block, 'status') === '1',
      port: Number.isFinite(port) && port > 0 ? port : undefined,
      pid: Number.isFinite(pid) && pid > 0 ? pid : undefined,
    });
  }
  return nodes;
}

/** Client addresses (IP only) connected to each brick, from `gluster volume status VOL clients --xml`. Pure. */
export function parseBrickClients(xml: string): Map<string, string[]> {
  const clients = new Map<string, string[]>();
  for (const match of xml.matchAll(/<node>([\s\S]*?)<\/node>/g)) {
    const block = match[1] ?? '';
    const brick = `${readTag(block, 'hostname') ?? ''}:${readTag(block, 'path') ?? ''}`;
    const addresses = [...block.matchAll(/<client>\s*<hostname>([^<]*)<\/hostname>/g)].map((client) => (client[1] ?? '').replace(/:\d+$/, ''));
    clients.set(brick, addresses);
  }
  return clients;
}

/** Addresses connected to `others` that `target` lacks (counted, so two mounts from one host count twice). Pure. */
export function findMissingClients(target: readonly string[], others: readonly string[]): string[] {
  const left = [...target];
  const missing: string[] = [];
  for (const address of others) {
    const index = left.indexOf(address);
    if (index >= 0) left.splice(index, 1);
    else missing.push(address);
  }
  return missing;
}

/** Peers `gluster peer status` lists as "Peer in Cluster (Connected)". Pure. */
export function countConnectedPeers(peerStatus: string): number {
  return (peerStatus.match(/State: Peer in Cluster \(Connected\)/g) ?? []).length;
}

/** The brick folder of a gluster host. */
export function brickPath(host: PlannedHost): string {
  return `${host.dir}/brick`;
}

export function glusterCommand(ctx: LabContext, host: PlannedHost, args: string[]): Command {
  return inHostNamespaces(ctx.plan, host, { file: 'gluster', args: ['--mode=script', ...args] });
}

/** Runs the gluster CLI against the glusterd of `host`; throws naming `what` on failure. */
export async function runGluster(ctx: LabContext, host: PlannedHost, args: string[], what: string): Promise<string> {
  const result = await runChecked(glusterCommand(ctx, host, args), `${what} (gluster on ${host.name})`);
  return result.stdout;
}

/** Prepares the host's folders and mount namespace, then starts glusterd and waits until it listens. */
export async function setUpGlusterHost(ctx: LabContext, host: PlannedHost): Promise<void> {
  for (const sub of ['lib', 'run/gluster', 'log', 'brick']) mkdirSync(`${host.dir}/${sub}`, { recursive: true });
  await createHostMountNamespace(ctx, host, [
    { source: `${host.dir}/lib`, target: '/var/lib/glusterd' },
    { source: `${host.dir}/run`, target: '/run' },
    { source: `${host.dir}/log`, target: LAB_DEFAULTS.glusterLogDir },
  ]);
  await startGlusterd(ctx, host);
}

/** The glusterd process of a host, found in its network namespace (every host shares one pid namespace). */
export function findHostProcesses(host: PlannedHost, comm: string): number[] {
  const inode = readNamespaceInode(netnsPath(host.netns));
  if (inode === undefined) return [];
  return findProcessesInNamespaces(new Set([inode]))
    .map((found) => found.pid)
    .filter((pid) => readComm(pid) === comm);
}

/** Starts glusterd in the host's namespaces (foreground, so the pid we get is glusterd's) and waits until it listens. */
export async function startGlusterd(ctx: LabContext, host: PlannedHost): Promise<number> {
  const pid = await spawnDaemon(
    ctx,
    host,
    'glusterd',
    inHostNamespaces(ctx.plan, host, { file: 'glusterd', args: ['-N', '--log-level', 'INFO'] }),
    `${host.dir}/glusterd.out`,
  );
  await waitFor(
    `glusterd on ${host.name} (${host.ip}:${GLUSTERD_PORT})`,
    () => {
      if (!isProcessAlive(pid)) throw labError('ha-mount.lab.command', `glusterd on ${host.name} exited at start: see ${host.dir}/log/glusterd.log and ${host.dir}/glusterd.out`);
      return readTcpSockets(pid).some((socket) => socket.state === 'LISTEN' && socket.localPort === GLUSTERD_PORT);
    },
    { timeoutMs: LAB_DEFAULTS.daemonReadyMs, signal: ctx.signal, hint: `see ${host.dir}/log/glusterd.log` },
  );
  return pid;
}

/** Probes the second server from the first and waits until both see each other in the cluster. */
export async function formCluster(ctx: LabContext, first: PlannedHost, second: PlannedHost): Promise<void> {
  await runGluster(ctx, first, ['peer', 'probe', second.ip], `probing ${second.name} from ${first.name}`);
  await waitFor(
    `gluster peers ${first.name} and ${second.name} connected`,
    async () => {
      const [a, b] = await Promise.all([
        runGluster(ctx, first, ['peer', 'status'], 'reading peer status'),
        runGluster(ctx, second, ['peer', 'status'], 'reading peer status'),
      ]);
      return countConnectedPeers(a) === 1 && countConnectedPeers(b) === 1;
    },
    { timeoutMs: LAB_DEFAULTS.peerReadyMs, intervalMs: 100, signal: ctx.signal, hint: `see ${first.dir}/log/glusterd.log` },
  );
}

/** Creates and starts the replica-2 volume with self-heal on, then waits until both bricks are online. */
export async function createVolume(ctx: LabContext, servers: readonly PlannedHost[]): Promise<void> {
  const [first] = servers;
  if (!first) return;
  const volume = LAB_DEFAULTS.volume;
  const bricks = servers.map((host) => `${host.ip}:${brickPath(host)}`);
  // bricks on the root file system need "force"
  await runGluster(ctx, first, ['volume', 'create', volume, 'replica', String(servers.length), ...bricks, 'force'], `creating volume ${volume}`);
  await runGluster(ctx, first, ['volume', 'set', volume, 'cluster.self-heal-daemon', 'on'], `turning self-heal on for ${volume}`);
  await runGluster(ctx, first, ['volume', 'start', volume], `starting volume ${volume}`);
  await waitForBricks(ctx, first, servers);
}

/** Reads the volume status from `via`'s glusterd. */
export async function readVolumeStatus(ctx: LabContext, via: PlannedHost): Promise<BrickStatus[]> {
  const stdout = await runGluster(ctx, via, ['volume', 'status', LAB_DEFAULTS.volume, '--xml'], `reading the status of ${LAB_DEFAULTS.volume}`);
  return parseVolumeStatus(stdout);
}

/** Waits until the bricks of `hosts` are online with a port (clients can connect). */
export async function waitForBricks(ctx: LabContext, via: PlannedHost, hosts: readonly PlannedHost[]): Promise<void> {
  await waitFor(
    `bricks of ${LAB_DEFAULTS.volume} on ${hosts.map((host) => host.name).join(', ')} online`,
    async () => {
      const status = await readVolumeStatus(ctx, via);
      return hosts.every((host) => status.some((node) => node.hostname === host.ip && node.path === brickPath(host) && node.online && node.port !== undefined));
    },
    { timeoutMs: LAB_DEFAULTS.brickReadyMs, intervalMs: 100, signal: ctx.signal, hint: `see ${hosts.map((host) => `${host.dir}/log/bricks/`).join(' and ')}` },
  );
}

/**
 * Waits until every client of the other bricks is connected to the brick of `host` again: a
 * FUSE client retries a restarted brick only every 3 s, and a fault injected before that
 * finds the volume with one replica. Internal clients (self-heal daemons) count too.
 */
export async function waitForBrickClients(ctx: LabContext, via: PlannedHost, host: PlannedHost, timeoutMs = 15_000): Promise<void> {
  let missing: string[] = [];
  await waitFor(
    `clients reconnected to the brick of ${LAB_DEFAULTS.volume} on ${host.name}`,
    async () => {
      const stdout = await runGluster(ctx, via, ['volume', 'status', LAB_DEFAULTS.volume, 'clients', '--xml'], `reading the clients of ${LAB_DEFAULTS.volume}`);
      const clients = parseBrickClients(stdout);
      const key = `${host.ip}:${brickPath(host)}`;
      const own = clients.get(key) ?? [];
      missing = [...clients]
        .filter(([brick]) => brick !== key)
        .map(([, others]) => findMissingClients(own, others))
        .reduce((worst, list) => (list.length > worst.length ? list : worst), [] as string[]);
      return missing.length === 0;
    },
    { timeoutMs, intervalMs: 200, signal: ctx.signal, hint: () => `still missing: ${missing.join(', ')}` },
  );
}

/**
 * Removes pid files of brick and self-heal processes that are dead. A killed brick stays a
 * zombie until init reaps it (seconds on some machines); until then glusterd takes the pid
 * file for a running brick ("discovered already-running brick") and does not restart it.
 */
export function removeStalePidFiles(host: PlannedHost): void {
  const walk = (folder: string): void => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.pid')) {
        const pid = Number(readFileSync(path, 'utf8').trim());
        if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) rmSync(path, { force: true });
      }
    }
  };
  walk(`${host.dir}/run/gluster`);
}

/** Waits until glusterd on `via` reports the brick of `host` online (with a port) or offline. */
export async function waitForBrickState(ctx: LabContext, via: PlannedHost, host: PlannedHost, online: boolean, timeoutMs: number = LAB_DEFAULTS.brickReadyMs): Promise<void> {
  await waitFor(
    `brick of ${LAB_DEFAULTS.volume} on ${host.name} ${online ? 'online' : 'offline'}`,
    async () => {
      const node = (await readVolumeStatus(ctx, via)).find((entry) => entry.hostname === host.ip && entry.path === brickPath(host));
      return online ? node?.online === true && node.port !== undefined : node?.online !== true;
    },
    { timeoutMs, intervalMs: 100, signal: ctx.signal, hint: `see ${host.dir}/log/bricks/` },
  );
}
