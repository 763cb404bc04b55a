import { chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { LabContext } from './context.js';
import { inNetns, spawnDaemon } from './context.js';
import { LAB_DEFAULTS } from './lab-defaults.js';
import { labError, waitFor } from './lab-error.js';
import type { PlannedHost } from './plan.js';
import { isProcessAlive, readTcpSockets } from './procs.js';

export const MOOSEFS_PORTS = { metalogger: 9419, chunkserver: 9420, client: 9421 } as const;

export type MooseDaemon = 'mfsmaster' | 'mfsmetalogger' | 'mfschunkserver';

/** A MooseFS config file: `KEY = value` lines. Pure. */
export function renderMooseConfig(comment: string, entries: Record<string, string | number>): string {
  const lines = Object.entries(entries).map(([key, value]) => `${key} = ${value}`);
  return `# ${comment}\n${lines.join('\n')}\n`;
}

/** mfsexports.cfg: the whole tree read-write for every lab client, root kept as root (tests write as root). Pure. */
export function renderExports(): string {
  return '# ha-mount lab: every client of the lab subnet may mount everything\n* / rw,alldirs,admin,maproot=0:0\n* . rw\n';
}

/** Folders of a MooseFS host, all below its own folder. */
export function mooseFolders(host: PlannedHost): { master: string; metalogger: string; chunkserver: string; hdd: string } {
  return {
    master: `${host.dir}/master`,
    metalogger: `${host.dir}/metalogger`,
    chunkserver: `${host.dir}/chunkserver`,
    hdd: `${host.dir}/hdd`,
  };
}

/** Config file of one daemon of one host, in the run's root-only folder. */
function configPath(ctx: LabContext, host: PlannedHost, daemon: MooseDaemon): string {
  return `${ctx.plan.etcDir}/${host.name}-${daemon}.cfg`;
}

function exportsPath(ctx: LabContext): string {
  return `${ctx.plan.etcDir}/mfsexports.cfg`;
}

function makeMfsFolder(path: string, uid: number, gid: number): void {
  mkdirSync(path, { recursive: true, mode: 0o755 });
  chownSync(path, uid, gid);
}

/** Reads uid and gid of the `mfs` user the Debian packages create. */
export function readMfsUser(passwd: string = readFileSync('/etc/passwd', 'utf8')): { uid: number; gid: number } {
  const line = passwd.split('\n').find((entry) => entry.startsWith('mfs:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw labError('ha-mount.lab.install', 'user "mfs" does not exist: the moosefs-master package creates it; reinstall moosefs-common');
  }
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Writes the config of `daemon` on `host`. A master started on a metalogger host (takeover)
 * uses the metalogger's folder as its DATA_PATH, so `mfsmaster -a` finds the metalogger's data.
 */
export function writeMooseConfig(ctx: LabContext, host: PlannedHost, daemon: MooseDaemon, vip: string, dataPath?: string): string {
  const { uid, gid } = readMfsUser();
  const folders = mooseFolders(host);
  const common = { WORKING_USER: 'mfs', WORKING_GROUP: 'mfs', SYSLOG_IDENT: `${daemon}-${host.netns}` };
  const comment = `ha-mount lab ${ctx.plan.prefix}: ${daemon} on ${host.name}`;
  let text: string;
  if (daemon === 'mfsmaster') {
    const data = dataPath ?? folders.master;
    makeMfsFolder(data, uid, gid);
    writeFileSync(exportsPath(ctx), renderExports(), { mode: 0o644 });
    text = renderMooseConfig(comment, {
      ...common,
      DATA_PATH: data,
      EXPORTS_FILENAME: exportsPath(ctx),
      TOPOLOGY_FILENAME: `${ctx.plan.etcDir}/mfstopology.cfg`,
    });
  } else if (daemon === 'mfsmetalogger') {
    makeMfsFolder(folders.metalogger, uid, gid);
    text = renderMooseConfig(comment, {
      ...common,
      DATA_PATH: folders.metalogger,
      MASTER_HOST: vip,
      MASTER_RECONNECTION_DELAY: LAB_DEFAULTS.moosefs.reconnectDelayS,
      META_DOWNLOAD_FREQ: 1,
    });
  } else {
    makeMfsFolder(folders.chunkserver, uid, gid);
    makeMfsFolder(folders.hdd, uid, gid);
    const hddConfig = `${ctx.plan.etcDir}/${host.name}-mfshdd.cfg`;
    writeFileSync(hddConfig, `${folders.hdd}\n`, { mode: 0o644 });
    text = renderMooseConfig(comment, {
      ...common,
      DATA_PATH: folders.chunkserver,
      HDD_CONF_FILENAME: hddConfig,
      MASTER_HOST: vip,
      MASTER_RECONNECTION_DELAY: LAB_DEFAULTS.moosefs.reconnectDelayS,
    });
  }
  const path = configPath(ctx, host, daemon);
  mkdirSync(ctx.plan.etcDir, { recursive: true, mode: 0o755 });
  writeFileSync(path, text, { mode: 0o644 });
  return path;
}

/** Gives a fresh master the empty metadata the package ships (a new file system). */
export function seedMasterMetadata(host: PlannedHost): void {
  const { uid, gid } = readMfsUser();
  const target = `${mooseFolders(host).master}/metadata.mfs`;
  if (existsSync(target)) return;
  makeMfsFolder(mooseFolders(host).master, uid, gid);
  copyFileSync('/var/lib/mfs/metadata.mfs.empty', target);
  chownSync(target, uid, gid);
}

/** Starts one MooseFS daemon in the foreground inside the host's netns. */
export async function startMooseDaemon(ctx: LabContext, host: PlannedHost, daemon: MooseDaemon, vip: string, extraArgs: string[] = [], dataPath?: string): Promise<number> {
  const config = writeMooseConfig(ctx, host, daemon, vip, dataPath);
  return spawnDaemon(ctx, host, daemon, inNetns(host.netns, { file: daemon, args: ['-f', ...extraArgs, '-c', config] }), `${host.dir}/${daemon}.log`);
}

/** Waits until a master listens for clients on its host. */
export async function waitForMaster(ctx: LabContext, host: PlannedHost, pid: number): Promise<void> {
  await waitFor(
    `mfsmaster on ${host.name} (${host.ip}:${MOOSEFS_PORTS.client})`,
    () => {
      if (!isProcessAlive(pid)) throw labError('ha-mount.lab.command', `mfsmaster on ${host.name} exited at start: ${tailLog(`${host.dir}/mfsmaster.log`)}`);
      return readTcpSockets(pid).some((socket) => socket.state === 'LISTEN' && socket.localPort === MOOSEFS_PORTS.client);
    },
    { timeoutMs: LAB_DEFAULTS.daemonReadyMs, signal: ctx.signal, hint: `see ${host.dir}/mfsmaster.log` },
  );
}

/** Waits until the metalogger is connected to the master at the VIP and has downloaded the metadata (what a takeover needs). */
export async function waitForMetalogger(ctx: LabContext, host: PlannedHost, pid: number, vip: string): Promise<void> {
  const log = `${host.dir}/mfsmetalogger.log`;
  await waitFor(
    `metalogger on ${host.name} connected to the master at ${vip}:${MOOSEFS_PORTS.metalogger} with metadata downloaded`,
    () => {
      if (!isProcessAlive(pid)) throw labError('ha-mount.lab.command', `mfsmetalogger on ${host.name} exited: ${tailLog(log)}`);
      const connected = readTcpSockets(pid).some((socket) => socket.state === 'ESTABLISHED' && socket.remoteIp === vip && socket.remotePort === MOOSEFS_PORTS.metalogger);
      return connected && /metadata downloaded/.test(readLog(log));
    },
    { timeoutMs: LAB_DEFAULTS.mooseReadyMs, intervalMs: 100, signal: ctx.signal, hint: `see ${log}` },
  );
}

/** The master's log line that says a chunkserver's registration is complete (it can take chunks now). Pure. */
export function hasChunkserverRegistered(masterLog: string, ip: string, port = 9422): boolean {
  return masterLog.split('\n').some((line) => line.includes('chunkserver register end') && line.includes(`ip: ${ip} / port: ${port}`));
}

/** Waits until the master on `master` logs the registration of the chunkserver on `host`. */
export async function waitForChunkserver(ctx: LabContext, master: PlannedHost, host: PlannedHost, pid: number): Promise<void> {
  const log = `${host.dir}/mfschunkserver.log`;
  await waitFor(
    `chunkserver on ${host.name} registered with the master on ${master.name}`,
    () => {
      if (!isProcessAlive(pid)) throw labError('ha-mount.lab.command', `mfschunkserver on ${host.name} exited: ${tailLog(log)}`);
      return hasChunkserverRegistered(readLog(`${master.dir}/mfsmaster.log`), host.ip);
    },
    { timeoutMs: LAB_DEFAULTS.mooseReadyMs, intervalMs: 100, signal: ctx.signal, hint: `see ${log} and ${master.dir}/mfsmaster.log` },
  );
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function tailLog(path: string): string {
  return readLog(path).trimEnd().split('\n').slice(-4).join(' | ') || '(empty log)';
}

/** A takeover master reads the metalogger's folder: it must hold downloaded metadata, or the new master starts empty. */
export function checkMetaloggerData(host: PlannedHost): void {
  const log = readLog(`${host.dir}/mfsmetalogger.log`);
  if (!/metadata downloaded/.test(log)) {
    throw labError('ha-mount.lab.fault', `the metalogger on ${host.name} has not downloaded metadata yet: a takeover master would start empty; see ${host.dir}/mfsmetalogger.log`);
  }
}

/** `mfsmount DIR -H HOST` as a command array; callers wrap it with lab.clientCommand. */
export function mfsmountCommand(mountpoint: string, host: string): { file: string; args: string[] } {
  return { file: 'mfsmount', args: [mountpoint, '-H', host] };
}
