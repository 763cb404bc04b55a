import type { Command } from '../types.js';
import type { LizardInstall } from './lizardfs.js';

/** One simulated host of the lab: its own network namespace on the lab bridge. */
export interface LabHost {
  /** short role name, e.g. "gfs1", "gfs2", "mfsA", "mfsB", "cs1", "cs2", "client" */
  name: string;
  /** network namespace name, e.g. "hm3fa2-gfs1" */
  netns: string;
  /** the host's own address in the lab subnet */
  ip: string;
}

export interface GlusterLab {
  volume: string; // "rep_vol1"
  vip: string;
  servers: LabHost[]; // [gfs1, gfs2]; gfs1 holds the VIP at start
}

export interface MooseLab {
  vip: string;
  master: LabHost; // mfsA: master + VIP at start
  standby: LabHost; // mfsB: metalogger, takes over on failover
  chunkservers: LabHost[];
}

export interface LabOptions {
  /** unique name prefix of this run; generated when absent */
  prefix?: string;
  /** GlusterFS servers, volume and VIP (default true) */
  gluster?: boolean;
  /** MooseFS master, metalogger, chunkservers and VIP (default false) */
  moosefs?: boolean;
  /** run LizardFS's daemons from this install in the MooseFS topology (needs moosefs: true): the standby is a shadow master */
  lizardfs?: LizardInstall;
  /** client hosts: `client`, then client2..clientN (default 1); each gets its own namespace and address */
  clients?: number;
  /** a monitoring host "mon" (Prometheus, Alertmanager and a receiver run there, on lab addresses) */
  monitor?: boolean;
  /** progress lines for slow steps (install, cluster start) */
  onProgress?: (message: string) => void;
}

/** Processes a fault stopped with SIGSTOP. */
export interface Frozen {
  pids: number[];
  /** SIGCONT to each of them (a pid already gone is skipped); safe to call twice */
  thaw(): Promise<void>;
}

/** Fault injection: each function the tests and the demo call. */
export interface LabFaults {
  /** SIGKILL the FUSE client daemon serving `mountpoint` (found in the client namespace by argv and /dev/fuse); returns its pid */
  killClientDaemon(mountpoint: string): Promise<number>;
  /** kill every process of a host (found by network namespace; peers see RST) and drop the VIP a killed keepalived leaves behind */
  crashHost(host: LabHost): Promise<void>;
  /** bring a crashed host's services back; for a GlusterFS server, resolves once its brick is online and the clients of the other brick reconnected to it */
  restartHost(host: LabHost): Promise<void>;
  /** cut a host's link (its switch-side veth down): packets vanish, no RST; its keepalived sees the link down and gives up the VIP */
  partitionHost(host: LabHost): Promise<void>;
  /** restore the link; returns at once (FUSE clients reconnect by themselves, after their ping-timeout disconnect) */
  healHost(host: LabHost): Promise<void>;
  /** SIGTERM glusterd only (as `systemctl stop glusterd`): bricks keep serving, the keepalived health check fails */
  stopGlusterd(host: LabHost): Promise<void>;
  /** start glusterd again; resolves once it listens */
  startGlusterd(host: LabHost): Promise<void>;
  /** SIGKILL the host's brick process; resolves once glusterd reports it offline */
  stopBrick(host: LabHost): Promise<void>;
  /** `gluster volume start rep_vol1 force`; resolves once the brick is online and the clients reconnected to it */
  startBrick(host: LabHost): Promise<void>;
  /**
   * SIGSTOP every brick process (glusterfsd) of every GlusterFS server, by pid: connections stay
   * open and nothing answers, so every access through a mount of the volume hangs (until the
   * client's ping timeout). `thaw` sends SIGCONT to exactly those pids; call it in a finally.
   */
  freezeBricks(): Promise<Frozen>;
  /** SIGSTOP the FUSE client serving `mountpoint` (as killClientDaemon finds it): every access to that one mount hangs; `thaw` resumes it */
  freezeClientDaemon(mountpoint: string): Promise<Frozen>;
  /**
   * kill the MooseFS master host, start `mfsmaster -a` on the standby from its metalogger's data;
   * resolves once keepalived moved the VIP there. `afterCrash` runs once the old master is dead
   * and before the takeover starts (to begin I/O that must wait for the takeover).
   */
  moosefsFailover(options?: { afterCrash?: () => void }): Promise<void>;
  /** make every brick refuse writes with ENOSPC (storage.reserve above the disk size); `undo` frees it */
  fillVolume(): Promise<{ undo(): Promise<void> }>;
  /** make the GlusterFS volume read-only (features.read-only: EROFS at once); `undo` makes it writable */
  makeReadOnly(): Promise<{ undo(): Promise<void> }>;
}

export interface Lab {
  prefix: string;
  /** the run's temp folder: mountpoints for tests go below it */
  dir: string;
  subnet: string; // e.g. "10.213.57.0/24"
  client: LabHost;
  /** every client host, `client` first */
  clients: LabHost[];
  monitor?: LabHost;
  gluster?: GlusterLab;
  moosefs?: MooseLab;
  faults: LabFaults;
  /** wraps a command so that it runs in the client's network namespace only (mounts visible everywhere) */
  clientCommand(command: Command): Command;
  /** wraps a command so that it runs in the network namespace of a host of this lab (a fleet client, the monitor) */
  hostCommand(host: LabHost, command: Command): Command;
  /** wraps a command so that it runs in a server host's network and mount namespaces (its glusterd's /run and /var/lib: the gluster CLI) */
  serverCommand(host: LabHost, command: Command): Command;
  /** where the VIP is now: the host holding it, or undefined */
  vipHolder(which: 'gluster' | 'moosefs'): Promise<LabHost | undefined>;
  /** kills what the lab started (by pid), unmounts its mounts, deletes namespaces, routes, folders */
  stop(): Promise<void>;
}
