// LizardFS in the lab, where an installation is given (LizardFS is not packaged for Debian 12, so
// CI has none): the MooseFS topology of the lab (plan.ts: mfsA, mfsB, cs1, cs2 behind the moosefs
// VIP) runs LizardFS's daemons from HA_MOUNT_LIZARDFS_PREFIX instead, with the standby as a shadow
// master, both `PERSONALITY = ha-cluster-managed`, and a promotion as keepalived notify scripts do it:
// `mfsmaster -o ha-cluster-managed -o initial-personality=master -o auto-recovery restart`.
// Config files share MooseFS's `KEY = value` format (moosefs.ts renders them).
import { accessSync, chownSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { LabContext } from './context.js';
import { inNetns, spawnDaemon } from './context.js';
import { findVipHolder } from './keepalived.js';
import { LAB_DEFAULTS } from './lab-defaults.js';
import { labError, waitFor } from './lab-error.js';
import { MOOSEFS_PORTS, mooseFolders, readMfsUser, renderMooseConfig, waitForMaster } from './moosefs.js';
import type { PlannedHost } from './plan.js';
import { isProcessAlive, readTcpSockets } from './procs.js';

/** The environment variable naming a LizardFS install prefix (with bin/mfsmount, sbin/mfsmaster, sbin/mfschunkserver). */
export const LIZARDFS_PREFIX_ENV = 'HA_MOUNT_LIZARDFS_PREFIX';

/** A LizardFS installation: its programs by absolute path. */
export interface LizardInstall {
  prefix: string;
  mfsmaster: string;
  mfschunkserver: string;
  mfsmount: string;
  /** folder to put first in PATH so that `mfsmount` is LizardFS's */
  binDir: string;
}

/** The install named by the environment, or why there is none (the LizardFS lab tests skip with it). */
export type LizardInstallLookup = { ok: true; install: LizardInstall } | { ok: false; reason: string };

/** Reads HA_MOUNT_LIZARDFS_PREFIX and checks its programs are there and executable. `canRun` is injected for tests. */
export function findLizardInstall(env: NodeJS.ProcessEnv = process.env, canRun: (path: string) => boolean = isExecutable): LizardInstallLookup {
  const prefix = env[LIZARDFS_PREFIX_ENV];
  if (prefix === undefined || prefix === '') {
    return { ok: false, reason: `no LizardFS installation given: LizardFS is not packaged for Debian 12; set ${LIZARDFS_PREFIX_ENV} to an install prefix with bin/mfsmount, sbin/mfsmaster and sbin/mfschunkserver to run these tests` };
  }
  if (!prefix.startsWith('/') || /[\s,:]/.test(prefix)) return { ok: false, reason: `${LIZARDFS_PREFIX_ENV}=${prefix}: expected an absolute path without spaces, commas or colons` };
  const root = prefix.replace(/\/+$/, '');
  const install: LizardInstall = {
    prefix: root,
    mfsmaster: `${root}/sbin/mfsmaster`,
    mfschunkserver: `${root}/sbin/mfschunkserver`,
    mfsmount: `${root}/bin/mfsmount`,
    binDir: `${root}/bin`,
  };
  const missing = [install.mfsmaster, install.mfschunkserver, install.mfsmount].filter((path) => !canRun(path));
  if (missing.length > 0) return { ok: false, reason: `${LIZARDFS_PREFIX_ENV}=${prefix}: ${missing.join(', ')} missing or not executable` };
  return { ok: true, install };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** mfsexports.cfg for LizardFS: as the MooseFS lab's, without MooseFS's `admin` option. Pure. */
export function renderLizardExports(): string {
  return '# ha-mount lab: every client of the lab subnet may mount everything\n* / rw,alldirs,maproot=0\n* . rw\n';
}

/** What a LizardFS master runs as: the first master, or a shadow waiting to be promoted. */
export type LizardPersonality = 'master' | 'shadow';

/** mfsmaster's arguments: foreground, the lab config, its personality; `restart` for a promotion. Pure. */
export function lizardMasterArgs(config: string, personality: LizardPersonality, promote = false): string[] {
  const args = ['-d', '-c', config, '-o', 'ha-cluster-managed', '-o', `initial-personality=${personality}`];
  return promote ? [...args, '-o', 'auto-recovery', 'restart'] : args;
}

/** The master config of a host (the shadow's too: it follows the master at the VIP). Pure. */
export function renderLizardMasterConfig(comment: string, dataPath: string, etcDir: string, vip: string): string {
  return renderMooseConfig(comment, {
    WORKING_USER: 'mfs',
    WORKING_GROUP: 'mfs',
    PERSONALITY: 'ha-cluster-managed',
    DATA_PATH: dataPath,
    EXPORTS_FILENAME: `${etcDir}/lizardfs-exports.cfg`,
    TOPOLOGY_FILENAME: `${etcDir}/mfstopology.cfg`,
    MASTER_HOST: vip,
    MASTER_PORT: MOOSEFS_PORTS.metalogger,
  });
}

function makeMfsFolder(path: string): void {
  const { uid, gid } = readMfsUser();
  mkdirSync(path, { recursive: true, mode: 0o755 });
  chownSync(path, uid, gid);
}

/** Writes a host's master config; a first master gets the "MFSM NEW" metadata that starts an empty file system. */
function writeMasterConfig(ctx: LabContext, host: PlannedHost, vip: string, seed: boolean): string {
  const data = mooseFolders(host).master;
  makeMfsFolder(data);
  const metadata = `${data}/metadata.mfs`;
  if (seed && !existsSync(metadata) && !existsSync(`${metadata}.back`)) {
    writeFileSync(metadata, 'MFSM NEW', { mode: 0o644 });
    const { uid, gid } = readMfsUser();
    chownSync(metadata, uid, gid);
  }
  mkdirSync(ctx.plan.etcDir, { recursive: true, mode: 0o755 });
  writeFileSync(`${ctx.plan.etcDir}/lizardfs-exports.cfg`, renderLizardExports(), { mode: 0o644 });
  const path = `${ctx.plan.etcDir}/${host.name}-lizardfs-master.cfg`;
  writeFileSync(path, renderLizardMasterConfig(`ha-mount lab ${ctx.plan.prefix}: LizardFS master on ${host.name}`, data, ctx.plan.etcDir, vip), { mode: 0o644 });
  return path;
}

/** Starts a LizardFS master (or shadow, or a promotion of the shadow) in the foreground in the host's netns. */
export async function startLizardMaster(ctx: LabContext, install: LizardInstall, host: PlannedHost, vip: string, personality: LizardPersonality, promote = false): Promise<number> {
  // only a first master starts a new file system; a promoted shadow keeps what it replicated
  const config = writeMasterConfig(ctx, host, vip, personality === 'master' && !promote);
  const pid = await spawnDaemon(ctx, host, 'mfsmaster', inNetns(host.netns, { file: install.mfsmaster, args: lizardMasterArgs(config, personality, promote) }), `${host.dir}/mfsmaster.log`);
  if (personality === 'master') await waitForMaster(ctx, host, pid);
  return pid;
}

/** Starts a LizardFS chunkserver pointed at the VIP (same keys as MooseFS's). */
export async function startLizardChunkserver(ctx: LabContext, install: LizardInstall, host: PlannedHost, vip: string): Promise<number> {
  const folders = mooseFolders(host);
  makeMfsFolder(folders.chunkserver);
  makeMfsFolder(folders.hdd);
  const hddConfig = `${ctx.plan.etcDir}/${host.name}-lizardfs-hdd.cfg`;
  writeFileSync(hddConfig, `${folders.hdd}\n`, { mode: 0o644 });
  const config = `${ctx.plan.etcDir}/${host.name}-lizardfs-chunkserver.cfg`;
  writeFileSync(
    config,
    renderMooseConfig(`ha-mount lab ${ctx.plan.prefix}: LizardFS chunkserver on ${host.name}`, {
      WORKING_USER: 'mfs',
      WORKING_GROUP: 'mfs',
      DATA_PATH: folders.chunkserver,
      HDD_CONF_FILENAME: hddConfig,
      MASTER_HOST: vip,
      MASTER_RECONNECTION_DELAY: LAB_DEFAULTS.moosefs.reconnectDelayS,
    }),
    { mode: 0o644 },
  );
  return spawnDaemon(ctx, host, 'mfschunkserver', inNetns(host.netns, { file: install.mfschunkserver, args: ['-d', '-c', config] }), `${host.dir}/mfschunkserver.log`);
}

/** Waits until `pid` (on `host`) holds a connection to the VIP on `port`: a shadow to the master (9419), a chunkserver (9420). */
export async function waitForConnection(ctx: LabContext, host: PlannedHost, pid: number, what: string, vip: string, port: number): Promise<void> {
  await waitFor(
    `${what} on ${host.name} connected to ${vip}:${port}`,
    () => {
      if (!isProcessAlive(pid)) throw labError('ha-mount.lab.command', `${what} on ${host.name} exited: see ${host.dir}`);
      return readTcpSockets(pid).some((socket) => socket.state === 'ESTABLISHED' && socket.remoteIp === vip && socket.remotePort === port);
    },
    { timeoutMs: LAB_DEFAULTS.mooseReadyMs, intervalMs: 100, signal: ctx.signal, hint: `see the logs in ${host.dir}` },
  );
}

/**
 * The LizardFS takeover: `crash` (kills the master host), then, once keepalived has moved the VIP
 * to the shadow's host, what a notify script does on MASTER: restart the shadow as master.
 * Resolves once the promoted master listens for clients.
 */
export async function promoteShadow(ctx: LabContext, install: LizardInstall, from: PlannedHost, to: PlannedHost, vip: string, crash: () => Promise<void>): Promise<number> {
  await crash();
  await waitFor(`LizardFS VIP ${vip} on ${to.name} after ${from.name} died`, async () => (await findVipHolder([from, to], vip))?.name === to.name, {
    timeoutMs: LAB_DEFAULTS.vipReadyMs,
    intervalMs: 100,
    signal: ctx.signal,
    hint: `see ${to.dir}/keepalived.log`,
  });
  return startLizardMaster(ctx, install, to, vip, 'master', true);
}
