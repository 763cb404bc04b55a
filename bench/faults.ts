// The fault classes of the bench: each injects one fault into a lab on which all four setups
// run, watches until every setup writes again (or a cap), and undoes the fault.
import { glusterServer } from '../src/lab/lab-access.js';
import type { Lab, LabHost } from '../src/lab/lab-types.js';
import type { BackendName } from '../src/types.js';
import { type HealWait, waitForCleanHeal } from './heal.js';
import { killDaemons, sleep } from './processes.js';
import { isWriterHealthy, type Setup } from './setups.js';

export const FAULT_IDS = ['kill-daemon', 'vip-crash', 'vip-partition', 'moosefs-failover', 'all-down'] as const;
/** One fault class. */
export type FaultId = (typeof FAULT_IDS)[number];

/** When the fault began, when observation ended, and when the servers were restarted (all-down) or the takeover was done (MooseFS). */
export interface FaultTimes {
  faultAt: number;
  observeEnd: number;
  returnAt?: number;
  detail?: string;
  /** partition: the waits for an empty `heal info` before the cut and after the link came back */
  heal?: { before: HealWait; after: HealWait };
}

/** How long to watch: at least `minMs` after the fault (or the return), at most `capMs`. */
interface ObserveWindow {
  minMs: number;
  capMs: number;
}

/** One fault class. */
export interface FaultClass {
  id: FaultId;
  title: string;
  backend: BackendName;
  /** whether a client-side watcher can act on it (remount helps) */
  clientCanAct: string;
  /** what is known about this class's outliers, shown under its table */
  note?: string;
  inject(lab: Lab, setups: readonly Setup[], quick: boolean): Promise<FaultTimes>;
}

/** Waits until every setup's writer works again after at least `minMs`, or `capMs` passed. */
async function observe(setups: readonly Setup[], from: number, window: ObserveWindow): Promise<number> {
  for (;;) {
    const elapsed = Date.now() - from;
    if (elapsed >= window.capMs) return Date.now();
    if (elapsed >= window.minMs && setups.every((setup) => isWriterHealthy(setup))) return Date.now();
    await sleep(200);
  }
}

async function findVipHolder(lab: Lab): Promise<LabHost> {
  const holder = await lab.vipHolder('gluster');
  if (holder === undefined) throw new Error('no server holds the GlusterFS VIP');
  return holder;
}

export const FAULT_CLASSES: Record<FaultId, FaultClass> = {
  'kill-daemon': {
    id: 'kill-daemon',
    title: 'FUSE daemon killed (SIGKILL, every setup\'s own daemon at once)',
    backend: 'glusterfs',
    clientCanAct: 'yes: only a remount repairs it',
    async inject(_lab, setups, quick) {
      const faultAt = Date.now();
      const killed = setups.map((setup) => killDaemons(setup.mountpoint, setup.backend));
      // the cron check needs up to 10 s, keepalived-style 3 x 5 s, each plus a mount
      const observeEnd = await observe(setups, faultAt, { minMs: quick ? 22_000 : 25_000, capMs: 25_000 });
      return { faultAt, observeEnd, detail: `killed ${killed.join('/')} daemons` };
    },
  },
  'vip-crash': {
    id: 'vip-crash',
    title: 'VIP holder crashed (every process of the GlusterFS server holding the VIP killed; peers see RST)',
    backend: 'glusterfs',
    clientCanAct: 'little: the client fails over to the other brick by itself',
    async inject(lab, setups, quick) {
      const holder = await findVipHolder(lab);
      const faultAt = Date.now();
      await lab.faults.crashHost(holder);
      const observeEnd = await observe(setups, faultAt, { minMs: quick ? 12_000 : 16_000, capMs: 60_000 });
      await lab.faults.restartHost(holder);
      return { faultAt, observeEnd, detail: `crashed ${holder.name}` };
    },
  },
  'vip-partition': {
    id: 'vip-partition',
    title: "VIP holder partitioned (its link cut: packets vanish, no RST)",
    backend: 'glusterfs',
    clientCanAct: 'partly: the ping timeout the mount was made with bounds the block',
    async inject(lab, setups, quick) {
      // independent partitions: a self-heal of the last trial's writes still running at the cut holds
      // locks on the surviving brick until that server's own timeout (42 s) drops the vanished peer
      const before = await waitForCleanHeal(lab);
      const holder = await findVipHolder(lab);
      const faultAt = Date.now();
      await lab.faults.partitionHost(holder);
      let observeEnd: number;
      try {
        // the default ping timeout (42 s) blocked a write 84 s here: watch up to 100 s
        observeEnd = await observe(setups, faultAt, { minMs: 16_000, capMs: quick ? 60_000 : 100_000 });
      } finally {
        await lab.faults.healHost(holder);
      }
      const after = await waitForCleanHeal(lab);
      return { faultAt, observeEnd, detail: `partitioned ${holder.name}`, heal: { before, after } };
    },
  },
  'moosefs-failover': {
    id: 'moosefs-failover',
    title: 'MooseFS master crash with standby takeover (mfsmaster -a on the metalogger host, VIP moves)',
    backend: 'moosefs',
    clientCanAct: 'no: mfsmount reconnects by itself once the VIP answers',
    note:
      'Which setup is slowest in one trial is chance. A write begun after the crash waits only for the takeover; a write that was already under way when the master died took about 10 s longer in the runs so far (in the writer records, every such outlier had started before the crash; why mfsmount waits longer for it was not traced). ' +
      'Rarer, and in any setup: one write blocked 90 s or more. The old master locks a chunk it hands out for writing for 120 s and logs the lock in its changelog; the standby replays the lock from the metalogger data, and nothing on it releases the lock before it expires. ' +
      'mfsmount resends the write and retries LOCKED with no limit, so that one call blocks until the lock expires, about 120-150 s after the crash, and then succeeds (an earlier run saw one write take 132.6 s and succeed). ' +
      'New files work after the takeover, so no watcher\'s probe sees either stall, and a remount would lose the write; `-o mfstimeout=N` (N above the takeover time) turns the stall into EIO after N s. ' +
      'Source: moosefs 3.0.117 `mfsmaster/chunks.c` (LOCKTIMEOUT 120, MFS_ERROR_LOCKED), `mfsclient/writedata.c` (LOCKED retried with no cap).',
    async inject(lab, setups, quick) {
      const faultAt = Date.now();
      await lab.faults.moosefsFailover();
      const takeoverAt = Date.now();
      const observeEnd = await observe(setups, faultAt, { minMs: quick ? 12_000 : 16_000, capMs: 90_000 });
      return { faultAt, observeEnd, returnAt: takeoverAt, detail: `takeover done ${takeoverAt - faultAt} ms after the crash` };
    },
  },
  'all-down': {
    id: 'all-down',
    title: 'every server down 30 s then back (both GlusterFS servers crashed, then restarted)',
    backend: 'glusterfs',
    clientCanAct: 'after the return: how soon writes work again',
    async inject(lab, setups, quick) {
      const [first, second] = [glusterServer(lab, 0), glusterServer(lab, 1)];
      const faultAt = Date.now();
      await Promise.all([lab.faults.crashHost(first), lab.faults.crashHost(second)]);
      await sleep(Math.max(0, faultAt + 30_000 - Date.now()));
      const restartAt = Date.now();
      await Promise.all([lab.faults.restartHost(first), lab.faults.restartHost(second)]);
      const upAt = Date.now();
      const observeEnd = await observe(setups, upAt, { minMs: quick ? 10_000 : 16_000, capMs: 60_000 });
      // "back" is when the servers were started again: restartHost resolves only once bricks and clients reconnected
      return { faultAt, observeEnd, returnAt: restartAt, detail: `restart took ${upAt - restartAt} ms` };
    },
  },
};

/** Parses `--faults a,b`; throws naming the unknown ones. Pure. */
export function parseFaultList(text: string | undefined): FaultId[] {
  if (text === undefined || text === 'all') return [...FAULT_IDS];
  const wanted = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
  const unknown = wanted.filter((item) => !(FAULT_IDS as readonly string[]).includes(item));
  if (unknown.length > 0) throw new Error(`--faults: unknown fault class ${unknown.join(', ')}; expected some of ${FAULT_IDS.join(', ')}`);
  return wanted as FaultId[];
}
