import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { LabContext } from './context.js';
import { inNetns, spawnDaemon } from './context.js';
import { LAB_DEFAULTS } from './lab-defaults.js';
import { labError, waitFor } from './lab-error.js';
import { readHostAddresses } from './netns.js';
import type { PlannedHost } from './plan.js';
import { isProcessAlive } from './procs.js';

/** One VRRP instance as the lab runs it: unicast to the peers, so no packet leaves the lab subnet. */
export interface VrrpSettings {
  /** keepalived router_id, e.g. "hm3fa2-gfs1" */
  routerId: string;
  instance: string;
  initialState: 'MASTER' | 'BACKUP';
  virtualRouterId: number;
  priority: number;
  advertIntS: number;
  ownIp: string;
  peerIps: string[];
  vip: string;
  prefixLength: number;
  /** health check: the VIP only stays on a host whose service answers */
  checkName: string;
  checkScript: string;
  checkIntervalS: number;
  checkFall: number;
  checkRise: number;
}

/** keepalived.conf text for one host. Pure. */
export function renderKeepalivedConfig(settings: VrrpSettings): string {
  return `# written by the ha-mount lab; one keepalived per network namespace
global_defs {
  router_id ${settings.routerId}
  enable_script_security
  script_user root
}

vrrp_script ${settings.checkName} {
  script "${settings.checkScript}"
  interval ${settings.checkIntervalS}
  timeout ${settings.checkIntervalS}
  fall ${settings.checkFall}
  rise ${settings.checkRise}
}

vrrp_instance ${settings.instance} {
  state ${settings.initialState}
  interface eth0
  virtual_router_id ${settings.virtualRouterId}
  priority ${settings.priority}
  advert_int ${settings.advertIntS}
  unicast_src_ip ${settings.ownIp}
  unicast_peer {
${settings.peerIps.map((ip) => `    ${ip}`).join('\n')}
  }
  virtual_ipaddress {
    ${settings.vip}/${settings.prefixLength} dev eth0
  }
  track_script {
    ${settings.checkName}
  }
}
`;
}

/**
 * A health check script that asks THIS host's service: a TCP connect to the host's own
 * address. Every lab namespace shares one pid namespace, so pgrep/pidof would also see the
 * other hosts' daemons. Pure.
 */
export function renderCheckScript(service: string, ip: string, port: number): string {
  return `#!/bin/bash
# ha-mount lab: healthy when ${service} on THIS host accepts a TCP connection
exec 3<>/dev/tcp/${ip}/${port}
`;
}

export type VipGroup = 'gluster' | 'moosefs';

/** Files of one keepalived instance in the run's root-only folder. */
function keepalivedFiles(ctx: LabContext, host: PlannedHost): { config: string; script: string; pids: [string, string, string] } {
  const base = `${ctx.plan.etcDir}/${host.name}`;
  return {
    config: `${base}-keepalived.conf`,
    script: `${base}-check.sh`,
    pids: [`${base}-keepalived.pid`, `${base}-vrrp.pid`, `${base}-checkers.pid`],
  };
}

/** Writes the config and check script of `host` and starts its keepalived inside its netns. */
export async function startKeepalived(
  ctx: LabContext,
  host: PlannedHost,
  group: VipGroup,
  options: { vip: string; peers: PlannedHost[]; master: boolean; service: string; port: number },
): Promise<number> {
  const files = keepalivedFiles(ctx, host);
  const defaults = LAB_DEFAULTS.keepalived;
  mkdirSync(ctx.plan.etcDir, { recursive: true, mode: 0o755 });
  writeFileSync(files.script, renderCheckScript(options.service, host.ip, options.port), { mode: 0o755 });
  chmodSync(files.script, 0o755);
  const config = renderKeepalivedConfig({
    routerId: host.netns,
    instance: group,
    initialState: options.master ? 'MASTER' : 'BACKUP',
    virtualRouterId: group === 'gluster' ? defaults.glusterRouterId : defaults.mooseRouterId,
    priority: options.master ? defaults.priorityMaster : defaults.priorityBackup,
    advertIntS: defaults.advertIntS,
    ownIp: host.ip,
    peerIps: options.peers.map((peer) => peer.ip),
    vip: options.vip,
    prefixLength: 24,
    checkName: `check_${options.service}`,
    checkScript: files.script,
    checkIntervalS: defaults.checkIntervalS,
    checkFall: defaults.checkFall,
    checkRise: defaults.checkRise,
  });
  writeFileSync(files.config, config, { mode: 0o644 });
  const [pidFile, vrrpPidFile, checkersPidFile] = files.pids;
  // a SIGKILLed keepalived leaves pid files; while its children are unreaped zombies a new one says "daemon is already running" and exits
  for (const file of files.pids) rmSync(file, { force: true });
  const pid = await spawnDaemon(
    ctx,
    host,
    'keepalived',
    inNetns(host.netns, { file: 'keepalived', args: ['-f', files.config, '-p', pidFile, '-r', vrrpPidFile, '-c', checkersPidFile, '-l', '-D', '-n'] }),
    `${host.dir}/keepalived.log`,
  );
  await waitFor(
    `keepalived on ${host.name} running its VRRP process`,
    () => {
      if (!isProcessAlive(pid)) throw labError('ha-mount.lab.command', `keepalived on ${host.name} exited at start: see ${host.dir}/keepalived.log`);
      const vrrpPid = Number(readFileIfAny(vrrpPidFile).trim());
      return Number.isInteger(vrrpPid) && vrrpPid > 0 && isProcessAlive(vrrpPid);
    },
    { timeoutMs: LAB_DEFAULTS.daemonReadyMs, signal: ctx.signal, hint: `see ${host.dir}/keepalived.log` },
  );
  return pid;
}

function readFileIfAny(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The host among `candidates` whose eth0 holds `vip` now. */
export async function findVipHolder(candidates: readonly PlannedHost[], vip: string): Promise<PlannedHost | undefined> {
  const holders = await Promise.all(candidates.map(async (host) => ((await readHostAddresses(host)).includes(vip) ? host : undefined)));
  return holders.find((host) => host !== undefined);
}

/** Waits until `expected` holds the VIP (keepalived MASTER), failing early if its keepalived died. */
export async function waitForVip(ctx: LabContext, candidates: readonly PlannedHost[], vip: string, expected: PlannedHost, keepalivedPid?: number): Promise<void> {
  await waitFor(
    `VIP ${vip} on ${expected.name}`,
    async () => {
      if (keepalivedPid !== undefined && !isProcessAlive(keepalivedPid)) {
        throw labError('ha-mount.lab.command', `keepalived on ${expected.name} exited: see ${expected.dir}/keepalived.log`);
      }
      return (await findVipHolder(candidates, vip))?.name === expected.name;
    },
    { timeoutMs: LAB_DEFAULTS.vipReadyMs, intervalMs: 100, signal: ctx.signal, hint: `see ${expected.dir}/keepalived.log` },
  );
}
