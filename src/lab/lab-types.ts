import type { Command } from '../types.js';

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
  gluster?: boolean;
  moosefs?: boolean;
  /** progress lines for slow steps (install, cluster start) */
  onProgress?: (message: string) => void;
}

/** Fault injection: each function the tests and the demo call. */
export interface LabFaults {
  /** SIGKILL the FUSE client daemon serving `mountpoint`; returns its pid */
  killClientDaemon(mountpoint: string): Promise<number>;
  /** kill every process of a server host (crash: peers see RST) */
  crashHost(host: LabHost): Promise<void>;
  /** bring a crashed host's services back */
  restartHost(host: LabHost): Promise<void>;
  /** cut a host's link: packets vanish, no RST */
  partitionHost(host: LabHost): Promise<void>;
  healHost(host: LabHost): Promise<void>;
  stopGlusterd(host: LabHost): Promise<void>;
  startGlusterd(host: LabHost): Promise<void>;
  stopBrick(host: LabHost): Promise<void>;
  startBrick(host: LabHost): Promise<void>;
  /** kill the MooseFS master, move the VIP to the standby and start a master there from the metalogger's data */
  moosefsFailover(): Promise<void>;
  /** fill the GlusterFS volume until ENOSPC; `undo` frees it */
  fillVolume(): Promise<{ undo(): Promise<void> }>;
  /** make the GlusterFS volume read-only; `undo` makes it writable */
  makeReadOnly(): Promise<{ undo(): Promise<void> }>;
}

export interface Lab {
  prefix: string;
  /** the run's temp folder: mountpoints for tests go below it */
  dir: string;
  subnet: string; // e.g. "10.213.57.0/24"
  client: LabHost;
  gluster?: GlusterLab;
  moosefs?: MooseLab;
  faults: LabFaults;
  /** wraps a command so that it runs in the client's network namespace only (mounts visible everywhere) */
  clientCommand(command: Command): Command;
  /** where the VIP is now: the host holding it, or undefined */
  vipHolder(which: 'gluster' | 'moosefs'): Promise<LabHost | undefined>;
  /** kills what the lab started (by pid), unmounts its mounts, deletes namespaces, routes, folders */
  stop(): Promise<void>;
}
