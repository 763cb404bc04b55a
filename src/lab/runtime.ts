import type { LabContext } from './context.js';
import { netnsPath } from './context.js';
import { GLUSTERD_PORT, findHostProcesses, removeStalePidFiles, startGlusterd, waitForBrickClients, waitForBricks } from './gluster.js';
import { LAB_DEFAULTS } from './lab-defaults.js';
import { labError } from './lab-error.js';
import { startKeepalived } from './keepalived.js';
import { MOOSEFS_PORTS, mooseFolders, startMooseDaemon, waitForMaster } from './moosefs.js';
import { startLizardRole } from './lizardfs-lab.js';
import { removeHostAddress } from './netns.js';
import type { HostRole, PlannedHost } from './plan.js';
import { findProcessesInNamespaces, killProcesses, readNamespaceInode } from './procs.js';

/** Starts and stops what each host runs; shared by bring-up and the faults. */
export class LabRuntime {
  readonly ctx: LabContext;
  /** the host running the MooseFS master now (changes on failover) */
  mooseMaster: PlannedHost | undefined;
  /** DATA_PATH of a host's master: a takeover master reads the metalogger's folder */
  private readonly masterDataPaths = new Map<string, string>();

  constructor(ctx: LabContext) {
    this.ctx = ctx;
    this.mooseMaster = ctx.plan.moosefs?.master;
  }

  /** Starts one role on a host; resolves once the daemon is up where that can be seen locally. */
  async startRole(host: PlannedHost, role: HostRole): Promise<number> {
    const { plan } = this.ctx;
    const lizard = plan.moosefs?.lizardfs;
    if (lizard && (role === 'mfsmaster' || role === 'mfsmetalogger' || role === 'mfschunkserver')) return startLizardRole(this.ctx, lizard, host, role);
    switch (role) {
      case 'glusterd':
        return startGlusterd(this.ctx, host);
      case 'keepalived-gluster': {
        const servers = plan.gluster?.servers ?? [];
        return startKeepalived(this.ctx, host, 'gluster', {
          vip: this.requireGluster().vip,
          peers: servers.filter((peer) => peer.name !== host.name),
          master: servers[0]?.name === host.name,
          service: 'glusterd',
          port: GLUSTERD_PORT,
        });
      }
      case 'keepalived-moosefs': {
        const moose = this.requireMoose();
        return startKeepalived(this.ctx, host, 'moosefs', {
          vip: moose.vip,
          peers: [moose.master, moose.standby].filter((peer) => peer.name !== host.name),
          master: moose.master.name === host.name,
          service: 'mfsmaster',
          port: MOOSEFS_PORTS.client,
        });
      }
      case 'mfsmaster': {
        // -a: a master killed by a crash left no metadata.mfs, only metadata.mfs.back and change logs
        const pid = await startMooseDaemon(this.ctx, host, 'mfsmaster', this.requireMoose().vip, ['-a'], this.masterDataPaths.get(host.name));
        await waitForMaster(this.ctx, host, pid);
        return pid;
      }
      case 'mfsmetalogger':
      case 'mfschunkserver':
        return startMooseDaemon(this.ctx, host, role, this.requireMoose().vip);
    }
  }

  /** Starts every role of a host, servers before the keepalived that checks them. */
  async startHost(host: PlannedHost): Promise<void> {
    const order: HostRole[] = ['glusterd', 'mfsmaster', 'mfsmetalogger', 'mfschunkserver', 'keepalived-gluster', 'keepalived-moosefs'];
    for (const role of order) if (host.roles.includes(role)) await this.startRole(host, role);
    if (host.roles.includes('glusterd')) {
      await waitForBricks(this.ctx, host, [host]);
      await waitForBrickClients(this.ctx, host, host);
    }
  }

  /** Every live process inside the host's network namespace. */
  processesOf(host: PlannedHost): Array<{ pid: number; startTime: number }> {
    const inode = readNamespaceInode(netnsPath(host.netns));
    return inode === undefined ? [] : findProcessesInNamespaces(new Set([inode]));
  }

  /** Kills every process of the host and drops the VIPs a SIGKILLed keepalived leaves on its link (a dead host holds no address). */
  async crashHost(host: PlannedHost): Promise<void> {
    for (let round = 0; round < 5; round += 1) {
      const processes = this.processesOf(host);
      if (processes.length === 0) break;
      await killProcesses(processes, LAB_DEFAULTS.killWaitMs);
    }
    const left = this.processesOf(host);
    if (left.length > 0) throw labError('ha-mount.lab.fault', `crashing ${host.name}: processes ${left.map((p) => p.pid).join(', ')} survived SIGKILL`);
    if (host.roles.includes('glusterd')) removeStalePidFiles(host);
    const vips = [this.ctx.plan.gluster?.vip, this.ctx.plan.moosefs?.vip].filter((vip): vip is string => vip !== undefined);
    for (const vip of vips) await removeHostAddress(host, vip);
  }

  /** Stops the processes of one program on a host: `signal` first, SIGKILL after the wait. */
  async stopProgram(host: PlannedHost, comm: string, signal: NodeJS.Signals): Promise<number[]> {
    const pids = findHostProcesses(host, comm);
    if (pids.length === 0) throw labError('ha-mount.lab.fault', `no ${comm} process runs on ${host.name}: nothing to stop`);
    const left = await killProcesses(pids.map((pid) => ({ pid })), LAB_DEFAULTS.killWaitMs, signal);
    if (left.length > 0) await killProcesses(left.map((pid) => ({ pid })), LAB_DEFAULTS.killWaitMs);
    return pids;
  }

  /** Records where a takeover master keeps its data (the metalogger's folder). */
  useMetaloggerDataForMaster(host: PlannedHost): void {
    this.masterDataPaths.set(host.name, mooseFolders(host).metalogger);
  }

  requireGluster(): NonNullable<LabContext['plan']['gluster']> {
    const gluster = this.ctx.plan.gluster;
    if (!gluster) throw labError('ha-mount.lab.fault', 'this lab runs without GlusterFS: start it with { gluster: true }');
    return gluster;
  }

  requireMoose(): NonNullable<LabContext['plan']['moosefs']> {
    const moose = this.ctx.plan.moosefs;
    if (!moose) throw labError('ha-mount.lab.fault', 'this lab runs without MooseFS: start it with { moosefs: true }');
    return moose;
  }
}
