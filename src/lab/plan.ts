import type { LizardInstall } from './lizardfs.js';
import { LAB_DEFAULTS } from './lab-defaults.js';
import type { LabHost } from './lab-types.js';

/** What a host runs; restartHost starts these again, failover changes them. */
export type HostRole = 'glusterd' | 'keepalived-gluster' | 'keepalived-moosefs' | 'mfsmaster' | 'mfsmetalogger' | 'mfschunkserver';

/** A lab host with what the lab needs to know to run it. */
export interface PlannedHost extends LabHost {
  /** name of the veth end inside the switch namespace (the host's side is always eth0) */
  switchPort: string;
  /** the host's own folder under the run's dir */
  dir: string;
  roles: HostRole[];
}

/** Everything a run creates, decided before anything is created. Pure data. */
export interface LabPlan {
  prefix: string;
  dir: string;
  /** root-only folder for keepalived configs and check scripts */
  etcDir: string;
  stateFile: string;
  /** where persistent mount namespaces (glusterd's) are bind-mounted */
  nsDir: string;
  subnet: string;
  switchNetns: string;
  hosts: PlannedHost[];
  gluster?: { vip: string; servers: [PlannedHost, PlannedHost] };
  /** with `lizardfs`, LizardFS's daemons run there instead: the standby is a shadow master */
  moosefs?: { vip: string; master: PlannedHost; standby: PlannedHost; chunkservers: PlannedHost[]; lizardfs?: LizardInstall };
  client: PlannedHost;
  /** every client host: `client` first, then client2..clientN (a fleet run) */
  clients: PlannedHost[];
  /** a host for Prometheus and Alertmanager in a fleet run: they reach the agents over the lab network */
  monitor?: PlannedHost;
}

export interface PlanInput {
  prefix: string;
  /** X of 10.213.X.0/24 */
  subnetIndex: number;
  gluster: boolean;
  moosefs: boolean;
  stateDir?: string;
  dirPrefix?: string;
  /** client hosts (default 1, at most FLEET_MAX_CLIENTS) */
  clients?: number;
  /** add the monitoring host "mon" */
  monitor?: boolean;
}

/** Fleet clients take .100 up to .199 of the lab subnet. */
export const FLEET_MAX_CLIENTS = 100;

/** Last octets: VIPs end in 0, servers count up from it, the client sits apart. */
const OCTETS = { mon: 5, glusterVip: 10, gfs1: 11, gfs2: 12, mooseVip: 20, mfsA: 21, mfsB: 22, cs1: 31, cs2: 32, client: 100 } as const;

/** `hm` + 4 random hex digits: short enough for interface and namespace names. */
export function generatePrefix(random: () => number = Math.random): string {
  const value = Math.floor(random() * 0x10000);
  return `hm${value.toString(16).padStart(4, '0')}`;
}

/** A prefix is safe in namespace names, paths and the gluster log names derived from them. */
export function isValidPrefix(prefix: string): boolean {
  return /^[a-z][a-z0-9]{1,9}$/.test(prefix);
}

/** Decides names, addresses and folders of a run. Pure. */
export function planLab(input: PlanInput): LabPlan {
  const base = `${LAB_DEFAULTS.subnetPrefix}.${input.subnetIndex}`;
  const dir = `${input.dirPrefix ?? LAB_DEFAULTS.dirPrefix}${input.prefix}`;
  const stateDir = input.stateDir ?? LAB_DEFAULTS.stateDir;
  const makeHost = (name: keyof typeof OCTETS | `client${number}`, roles: HostRole[], octet: number = OCTETS[name as keyof typeof OCTETS]): PlannedHost => ({
    name,
    netns: `${input.prefix}-${name}`,
    ip: `${base}.${octet}`,
    switchPort: name,
    dir: `${dir}/${name}`,
    roles,
  });
  const hosts: PlannedHost[] = [];
  const clientCount = input.clients ?? 1;
  if (!Number.isInteger(clientCount) || clientCount < 1 || clientCount > FLEET_MAX_CLIENTS) throw new RangeError(`a lab has 1 to ${FLEET_MAX_CLIENTS} clients, not ${clientCount}`);
  const client = makeHost('client', []);
  const clients = [client, ...Array.from({ length: clientCount - 1 }, (_, index) => makeHost(`client${index + 2}`, [], OCTETS.client + index + 1))];
  const plan: LabPlan = {
    prefix: input.prefix,
    dir,
    etcDir: `${stateDir}/${input.prefix}`,
    stateFile: `${stateDir}/${input.prefix}.json`,
    nsDir: `${dir}/ns`,
    subnet: `${base}.0/24`,
    switchNetns: `${input.prefix}-sw`,
    hosts,
    client,
    clients,
  };
  if (input.gluster) {
    const servers: [PlannedHost, PlannedHost] = [
      makeHost('gfs1', ['glusterd', 'keepalived-gluster']),
      makeHost('gfs2', ['glusterd', 'keepalived-gluster']),
    ];
    hosts.push(...servers);
    plan.gluster = { vip: `${base}.${OCTETS.glusterVip}`, servers };
  }
  if (input.moosefs) {
    const master = makeHost('mfsA', ['mfsmaster', 'keepalived-moosefs']);
    const standby = makeHost('mfsB', ['mfsmetalogger', 'keepalived-moosefs']);
    const chunkservers = [makeHost('cs1', ['mfschunkserver']), makeHost('cs2', ['mfschunkserver'])];
    hosts.push(master, standby, ...chunkservers);
    plan.moosefs = { vip: `${base}.${OCTETS.mooseVip}`, master, standby, chunkservers };
  }
  if (input.monitor) {
    plan.monitor = makeHost('mon', []);
    hosts.push(plan.monitor);
  }
  hosts.push(...clients);
  return plan;
}

/** The public view of a host: tests compare and print these. */
export function toLabHost(host: PlannedHost): LabHost {
  return { name: host.name, netns: host.netns, ip: host.ip };
}
