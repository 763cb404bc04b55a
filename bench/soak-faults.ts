// The soak's random faults: the bench's fault classes, chosen by a seeded generator, each
// injected and undone after a random while.
import type { Lab, LabHost } from '../src/lab/lab-types.js';
import type { BackendName } from '../src/types.js';
import { killDaemons, sleep } from './processes.js';

export const SOAK_FAULTS = ['kill-daemon', 'vip-crash', 'vip-partition', 'all-down', 'moosefs-failover'] as const;
/** One kind of soak fault. */
export type SoakFault = (typeof SOAK_FAULTS)[number];

/** A deterministic generator in [0, 1) (mulberry32), so a soak can be replayed by its seed. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Picks the next fault: daemon kills most often; the MooseFS failover at most once (one per lab). Pure given `random`. */
export function pickFault(random: () => number, failoverDone: boolean): SoakFault {
  const weights: Array<[SoakFault, number]> = [
    ['kill-daemon', 5],
    ['vip-crash', 2],
    ['vip-partition', 2],
    ['all-down', 1],
    ['moosefs-failover', failoverDone ? 0 : 1],
  ];
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [fault, weight] of weights) {
    roll -= weight;
    if (roll < 0) return fault;
  }
  return 'kill-daemon';
}

/** A mount of the soak. */
export interface SoakMount {
  name: string;
  mountpoint: string;
  backend: BackendName;
}

const between = (random: () => number, minMs: number, maxMs: number): number => Math.round(minMs + random() * (maxMs - minMs));

async function findGlusterVipHolder(lab: Lab): Promise<LabHost> {
  const holder = await lab.vipHolder('gluster');
  if (holder === undefined) throw new Error('no server holds the GlusterFS VIP');
  return holder;
}

/** Injects `fault`, waits a random while, undoes it; returns what was done. */
export async function injectSoakFault(lab: Lab, fault: SoakFault, mounts: readonly SoakMount[], random: () => number): Promise<string> {
  switch (fault) {
    case 'kill-daemon': {
      const mount = mounts[Math.floor(random() * mounts.length)]!;
      const killed = killDaemons(mount.mountpoint, mount.backend);
      return `killed ${killed} FUSE daemon(s) of ${mount.name}`;
    }
    case 'vip-crash': {
      const holder = await findGlusterVipHolder(lab);
      const downMs = between(random, 5_000, 15_000);
      await lab.faults.crashHost(holder);
      await sleep(downMs);
      await lab.faults.restartHost(holder);
      return `crashed ${holder.name} for ${downMs} ms`;
    }
    case 'vip-partition': {
      const holder = await findGlusterVipHolder(lab);
      const cutMs = between(random, 10_000, 30_000);
      await lab.faults.partitionHost(holder);
      try {
        await sleep(cutMs);
      } finally {
        await lab.faults.healHost(holder);
      }
      return `partitioned ${holder.name} for ${cutMs} ms`;
    }
    case 'all-down': {
      const servers = lab.gluster?.servers ?? [];
      await Promise.all(servers.map((server) => lab.faults.crashHost(server)));
      await sleep(30_000);
      await Promise.all(servers.map((server) => lab.faults.restartHost(server)));
      return 'every GlusterFS server down 30 s';
    }
    case 'moosefs-failover': {
      await lab.faults.moosefsFailover();
      return 'MooseFS master crashed, standby took over';
    }
  }
}
