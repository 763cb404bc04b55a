// The four setups measured side by side on one lab, each with its own mountpoint and its own
// independent writer: (a) the ha-mount agent, (b) a plain mount with backup servers, (c) a
// cron-style check every 10 s that remounts, (d) a keepalived-style check (5 s, fall 3).
import { existsSync, mkdirSync, openSync, readFileSync, readSync, closeSync, fstatSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULTS } from '../src/defaults.js';
import type { AgentStatus } from '../src/agent/status-file.js';
import { runCommand } from '../src/exec/run.js';
import { abortStuckFuseConnections, fuseConnectionsAt } from '../src/lab/fuse-connections.js';
import { glusterOf, mooseOf, waitUntil } from '../src/lab/lab-access.js';
import type { Lab } from '../src/lab/lab-types.js';
import { parseWriteRecords, type WriteRecord } from '../src/lab/writer-analysis.js';
import type { BackendName, Command } from '../src/types.js';
import { trackChild } from './children.js';
import { findDaemons, isMounted, killDaemons, sleep, spawnLogged, type Spawned } from './processes.js';

export const SETUP_NAMES = ['ha-mount', 'plain', 'cron', 'keepalived'] as const;
/** One of the setups compared. */
export type SetupName = (typeof SETUP_NAMES)[number];

export const SETUP_LABELS: Record<SetupName, string> = {
  'ha-mount': 'ha-mount agent (1 s probes)',
  plain: 'plain mount, backup servers, no agent',
  cron: 'cron-style check every 10 s + remount',
  keepalived: 'keepalived-style check 5 s, fall 3 + remount',
};

/** A write slower than this counts as blocked: the user's "it does not work". */
export const BLOCKED_MS = 1_000;
const WRITER_INTERVAL_MS = 50;

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const DIST = join(ROOT, 'dist');

/** One running setup. */
export interface Setup {
  name: SetupName;
  backend: BackendName;
  mountpoint: string;
  /** logs and records of this setup (outside the lab folder, which teardown removes) */
  dir: string;
  writerOut: string;
  writer?: Spawned;
  /** the agent (ha-mount) or the check loop (cron, keepalived) */
  watcher?: Spawned;
  watcherLog: string;
  stateDir: string;
  /** how to mount it by hand (plain, baselines, and the restore after a trial) */
  mountCommand: Command;
}

/** The mount command the plain setup and the baselines use: the usual fstab line's equivalent. */
export function buildPlainMountCommand(lab: Lab, backend: BackendName, mountpoint: string): Command {
  if (backend === 'glusterfs') {
    const gluster = glusterOf(lab);
    return { file: 'mount', args: ['-t', 'glusterfs', `${gluster.vip}:/${gluster.volume}`, mountpoint, '-o', `backup-volfile-servers=${gluster.servers.map((server) => server.ip).join(':')}`] };
  }
  return { file: 'mfsmount', args: [mountpoint, '-H', mooseOf(lab).vip] };
}

/** A mount the agent watches; `backend` overrides the agent's default backend. */
export interface AgentMount {
  name: string;
  mountpoint: string;
  backend?: BackendName;
  /** GlusterFS subfolder of the volume, e.g. "/cost-7" */
  subdir?: string;
}

function buildAgentConfig(lab: Lab, defaultBackend: BackendName, mounts: readonly AgentMount[], extra: string[] = [], intervalS = 1): string {
  const lines = ['# written by the ha-mount bench', 'probe:', `  interval: ${intervalS}s`, '  timeout: 5s', 'mounts:'];
  for (const mount of mounts) {
    const backend = mount.backend ?? defaultBackend;
    lines.push(`  - name: ${mount.name}`, `    backend: ${backend}`);
    if (backend === 'glusterfs') {
      const gluster = glusterOf(lab);
      lines.push(`    volume: ${gluster.volume}`, `    servers: [${[gluster.vip, ...gluster.servers.map((server) => server.ip)].join(', ')}]`);
    } else lines.push(`    servers: [${mooseOf(lab).vip}]`);
    if (mount.subdir !== undefined) lines.push(`    subdir: ${mount.subdir}`);
    lines.push(`    mountpoint: ${mount.mountpoint}`);
  }
  return `${[...lines, ...extra].join('\n')}\n`;
}

/** Starts `ha-mount agent` in the client namespace for the given mounts; JSON log to `log`. */
export function startAgent(lab: Lab, options: { dir: string; backend: BackendName; mounts: readonly AgentMount[]; log: string; stateDir: string; extraConfig?: string[]; entry?: string; intervalS?: number; cli?: string; nodeOptions?: string; nodeArgs?: readonly string[] }): Spawned {
  const config = join(options.dir, 'agent.yaml');
  writeFileSync(config, buildAgentConfig(lab, options.backend, options.mounts, options.extraConfig, options.intervalS));
  mkdirSync(options.stateDir, { recursive: true });
  const argv = options.entry === undefined
    ? [options.cli ?? join(DIST, 'bin/ha-mount.js'), '-c', config, 'agent', '--state-dir', options.stateDir, '--no-fstab']
    : [options.entry, '-c', config, '--state-dir', options.stateDir, '--no-fstab'];
  const env: Record<string, string> = { HA_MOUNT_LOG_FORMAT: 'json', HA_MOUNT_LOG_LEVEL: 'info' };
  if (options.nodeOptions !== undefined) env.NODE_OPTIONS = options.nodeOptions;
  return trackChild(spawnLogged(lab.clientCommand({ file: process.execPath, args: [...(options.nodeArgs ?? []), ...argv] }), options.log, env));
}

/** The agent's status.json, or undefined while there is none. */
export function readAgentStatus(stateDir: string): AgentStatus | undefined {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'status.json'), 'utf8')) as AgentStatus;
  } catch {
    return undefined;
  }
}

/** Mounts by hand from the client namespace; throws with mount's stderr on failure. */
export async function mountByHand(lab: Lab, command: Command): Promise<void> {
  const result = await runCommand(lab.clientCommand(command), { timeoutMs: 30_000 });
  if (result.exitCode !== 0) throw new Error(`${command.file} ${command.args.join(' ')}: exit ${result.exitCode ?? result.signal}: ${result.stderr.trim()}`);
}

function startWatcher(lab: Lab, setup: Setup): Spawned | undefined {
  const script = setup.name === 'cron' ? 'cron-remount.js' : setup.name === 'keepalived' ? 'keepalived-check.js' : undefined;
  if (script === undefined) return undefined;
  const argv = [join(DIST, 'bench/baselines', script), '--mountpoint', setup.mountpoint, '--log', setup.watcherLog, '--', setup.mountCommand.file, ...setup.mountCommand.args];
  return trackChild(spawnLogged(lab.clientCommand({ file: process.execPath, args: argv }), join(setup.dir, 'watcher.out')));
}

function startWriter(setup: Setup): Spawned {
  const target = join(setup.mountpoint, `bench-${setup.name}`);
  return trackChild(spawnLogged({ file: process.execPath, args: [join(DIST, 'src/lab/writer.js'), target, '--interval', String(WRITER_INTERVAL_MS), '--keep', '100', '--out', setup.writerOut] }, join(setup.dir, 'writer.err')));
}

/**
 * Brings up the four setups for `backend` on the lab: mounts (the agent mounts its own), the
 * watchers, then one writer each; resolves once every writer writes.
 */
export async function startSetups(lab: Lab, backend: BackendName, workDir: string, names: readonly SetupName[] = SETUP_NAMES): Promise<Setup[]> {
  const setups: Setup[] = names.map((name) => {
    const mountpoint = join(lab.dir, 'bench', `${backend}-${name}`);
    const dir = join(workDir, `${backend}-${name}`);
    mkdirSync(dir, { recursive: true });
    mkdirSync(mountpoint, { recursive: true });
    return { name, backend, mountpoint, dir, writerOut: join(dir, 'writes.jsonl'), watcherLog: join(dir, name === 'ha-mount' ? 'agent.log' : 'watcher.jsonl'), stateDir: join(dir, 'state'), mountCommand: buildPlainMountCommand(lab, backend, mountpoint) };
  });
  for (const setup of setups) {
    if (setup.name === 'ha-mount') {
      setup.watcher = startAgent(lab, { dir: setup.dir, backend, mounts: [{ name: `bench-${backend}`, mountpoint: setup.mountpoint }], log: setup.watcherLog, stateDir: setup.stateDir, nodeArgs: DEFAULTS.agent.nodeFlags });
      continue;
    }
    await mountByHand(lab, setup.mountCommand);
    setup.watcher = startWatcher(lab, setup);
  }
  const agent = setups.find((setup) => setup.name === 'ha-mount');
  if (agent) await waitForAgentHealthy(agent, 60_000);
  for (const setup of setups) {
    mkdirSync(join(setup.mountpoint, `bench-${setup.name}`), { recursive: true });
    setup.writer = startWriter(setup);
  }
  await waitUntil('every writer writes', () => setups.every((setup) => isWriterHealthy(setup)), 30_000);
  // a few seconds of good writes before the first fault
  await sleep(3_000);
  return setups;
}

export async function waitForAgentHealthy(setup: Setup, timeoutMs: number): Promise<void> {
  await waitUntil(`ha-mount agent healthy on ${setup.mountpoint}`, () => readAgentStatus(setup.stateDir)?.mounts.every((mount) => mount.state === 'healthy') === true, timeoutMs);
}

/** The last few KiB of a file as records: enough to judge "writes work now". */
function readRecentRecords(path: string, bytes = 4_096): WriteRecord[] {
  if (!existsSync(path)) return [];
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const text = buffer.toString('utf8');
    return parseWriteRecords(size > length ? text.slice(text.indexOf('\n') + 1) : text);
  } finally {
    closeSync(fd);
  }
}

/** Writes work now: the last 3 writes succeeded quickly and the latest began within 1.5 s. */
export function isWriterHealthy(setup: Setup, now = Date.now()): boolean {
  const recent = readRecentRecords(setup.writerOut).slice(-3);
  if (recent.length < 3) return false;
  const latest = recent[recent.length - 1]!;
  return now - latest.t < 1_500 && recent.every((record) => record.ok && record.latencyMs < BLOCKED_MS);
}

/** All of the writer's records so far. */
export function readWriterRecords(setup: Setup): WriteRecord[] {
  return existsSync(setup.writerOut) ? parseWriteRecords(readFileSync(setup.writerOut, 'utf8')) : [];
}

/**
 * Puts a setup that did not recover by itself back to work (as an admin would): lazy unmount,
 * kill its daemons, mount again. Never used on the agent's mount. Returns true when it acted.
 */
export async function restoreByHand(lab: Lab, setup: Setup): Promise<boolean> {
  if (setup.name === 'ha-mount' || isWriterHealthy(setup)) return false;
  await runCommand({ file: 'umount', args: ['-l', setup.mountpoint] }, { timeoutMs: 10_000 });
  killDaemons(setup.mountpoint, setup.backend);
  await mountByHand(lab, setup.mountCommand);
  return true;
}

/** Stops writers and watchers, unmounts every mount of the setups and kills their daemons. */
export async function stopSetups(setups: readonly Setup[]): Promise<void> {
  await Promise.all(setups.map((setup) => setup.writer?.stop()));
  await Promise.all(setups.map((setup) => setup.watcher?.stop()));
  for (const setup of setups) await unmountAll(setup.mountpoint, setup.backend);
}

/**
 * Lazy-unmounts `mountpoint` until nothing is mounted there, then kills its daemons. A daemon that
 * cannot be reaped 5 s after SIGKILL (a thread stuck on its own mount) gets its FUSE connection
 * aborted (src/lab/fuse-connections.ts).
 */
export async function unmountAll(mountpoint: string, backend: BackendName): Promise<void> {
  const connections: string[] = [];
  for (let round = 0; round < 10 && isMounted(mountpoint); round += 1) {
    connections.push(...fuseConnectionsAt(mountpoint));
    await runCommand({ file: 'umount', args: ['-l', mountpoint] }, { timeoutMs: 10_000 });
  }
  const daemons = findDaemons(mountpoint, backend);
  killDaemons(mountpoint, backend);
  const reaped = (): boolean => daemons.every((pid) => !existsSync(`/proc/${pid}`));
  await waitUntil(`daemons of ${mountpoint} gone`, reaped, 5_000).catch(() => undefined);
  if (!reaped()) {
    const aborted = await abortStuckFuseConnections([...new Set(connections)]);
    if (aborted.length > 0) process.stderr.write(`${mountpoint}: FUSE client ${daemons.join(', ')} could not die (a thread stuck on its own mount): aborted FUSE connection ${aborted.join(', ')}\n`);
  }
}
