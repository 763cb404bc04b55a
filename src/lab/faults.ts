import { readFileSync, readlinkSync, readdirSync, statfsSync } from 'node:fs';
import { resolve } from 'node:path';
import { findHost, netnsPath } from './context.js';
import { brickPath, findHostProcesses, removeStalePidFiles, runGluster, startGlusterd, waitForBrickClients, waitForBrickState } from './gluster.js';
import { LAB_DEFAULTS } from './lab-defaults.js';
import { labError, waitFor } from './lab-error.js';
import type { Frozen, LabFaults, LabHost } from './lab-types.js';
import { checkMetaloggerData } from './moosefs.js';
import { findVipHolder } from './keepalived.js';
import { lizardFailover } from './lizardfs-lab.js';
import { setHostLink } from './netns.js';
import type { PlannedHost } from './plan.js';
import { findProcessesInNamespaces, killProcesses, readCmdline, readNamespaceInode } from './procs.js';
import type { LabRuntime } from './runtime.js';

/** True when the process holds /dev/fuse open: it serves a FUSE mount. */
export function holdsFuseDevice(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === '/dev/fuse';
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/** The FUSE daemons in the client's namespace that serve `mountpoint` (named in their argv). */
export function findClientDaemons(runtime: LabRuntime, mountpoint: string): number[] {
  const target = resolve(mountpoint);
  const inode = readNamespaceInode(netnsPath(runtime.ctx.plan.client.netns));
  if (inode === undefined) return [];
  return findProcessesInNamespaces(new Set([inode]))
    .map((found) => found.pid)
    .filter((pid) => readCmdline(pid).some((arg) => arg === target || arg === `${target}/`) && holdsFuseDevice(pid));
}

/** A server whose glusterd runs, preferring the first, for volume-wide commands. */
function pickLiveGlusterd(runtime: LabRuntime): PlannedHost {
  const chosen = runtime.requireGluster().servers.find((server) => findHostProcesses(server, 'glusterd').length > 0);
  if (!chosen) throw labError('ha-mount.lab.fault', 'no glusterd runs on any lab server: restart one (lab.faults.restartHost or startGlusterd) first');
  return chosen;
}

/** Every reconfigure logs the read-only xlator's option: a count of those lines tells that a brick applied new options. */
const RECONFIGURE_LINE = /option read-only using set value/g;

function countReconfigures(server: PlannedHost): number {
  const folder = `${server.dir}/log/bricks`;
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return 0;
  }
  return names.reduce((sum, name) => sum + (readFileSync(`${folder}/${name}`, 'utf8').match(RECONFIGURE_LINE)?.length ?? 0), 0);
}

/** Runs a volume set/reset and resolves once every running brick applied it (the CLI returns before that). */
async function changeVolumeOption(runtime: LabRuntime, args: string[], what: string): Promise<void> {
  const via = pickLiveGlusterd(runtime);
  const running = runtime.requireGluster().servers.filter((server) => findHostProcesses(server, 'glusterfsd').length > 0);
  const before = new Map(running.map((server) => [server.name, countReconfigures(server)]));
  await runGluster(runtime.ctx, via, ['volume', ...args], what);
  await waitFor(
    `bricks applied ${what}`,
    () => running.every((server) => countReconfigures(server) > (before.get(server.name) ?? 0)),
    { timeoutMs: 10_000, intervalMs: 20, signal: runtime.ctx.signal, hint: `see ${running.map((server) => `${server.dir}/log/bricks/`).join(' and ')}` },
  );
}

async function setVolumeOption(runtime: LabRuntime, key: string, value: string): Promise<void> {
  await changeVolumeOption(runtime, ['set', LAB_DEFAULTS.volume, key, value], `setting ${key}=${value} on ${LAB_DEFAULTS.volume}`);
}

async function resetVolumeOption(runtime: LabRuntime, key: string): Promise<void> {
  await changeVolumeOption(runtime, ['reset', LAB_DEFAULTS.volume, key], `resetting ${key} on ${LAB_DEFAULTS.volume}`);
}

/** SIGSTOP each pid; `thaw` sends SIGCONT to the same pids. A pid already gone is skipped. */
export function freezeProcesses(pids: readonly number[], signal: (pid: number, name: NodeJS.Signals) => void = sendToPid): Frozen {
  for (const pid of pids) signal(pid, 'SIGSTOP');
  return {
    pids: [...pids],
    async thaw() {
      for (const pid of pids) signal(pid, 'SIGCONT');
    },
  };
}

function sendToPid(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** The fault injection functions of a running lab. */
export function createFaults(runtime: LabRuntime): LabFaults {
  const { ctx } = runtime;
  const host = (given: LabHost): PlannedHost => findHost(ctx.plan, given.name);

  return {
    async killClientDaemon(mountpoint) {
      // exactly the clients serving the mountpoint now: a replacement mounted after the kill (an
      // agent's remount, within ~100 ms) is not part of the fault. Looking again for a while, as an
      // earlier version did, killed those replacements too and looked like failed remounts.
      const pids = findClientDaemons(runtime, mountpoint);
      const last = pids[pids.length - 1];
      if (last === undefined) {
        throw labError('ha-mount.lab.fault', `no FUSE daemon in the client namespace ${ctx.plan.client.netns} serves ${mountpoint}: was it mounted through lab.clientCommand?`);
      }
      await killProcesses(pids.map((pid) => ({ pid })), LAB_DEFAULTS.killWaitMs);
      return last;
    },

    async crashHost(given) {
      await runtime.crashHost(host(given));
    },

    async restartHost(given) {
      const target = host(given);
      if (runtime.processesOf(target).length > 0) {
        throw labError('ha-mount.lab.fault', `${target.name} still runs processes: crash it (lab.faults.crashHost) before restarting it`);
      }
      await runtime.startHost(target);
    },

    async partitionHost(given) {
      await setHostLink(ctx, host(given), false);
    },

    async healHost(given) {
      await setHostLink(ctx, host(given), true);
    },

    async stopGlusterd(given) {
      // SIGTERM, as `systemctl stop glusterd` sends: bricks and the self-heal daemon keep running
      await runtime.stopProgram(host(given), 'glusterd', 'SIGTERM');
    },

    async startGlusterd(given) {
      await startGlusterd(ctx, host(given));
    },

    async stopBrick(given) {
      const target = host(given);
      // a brick process dying: its clients see the connection close at once
      await runtime.stopProgram(target, 'glusterfsd', 'SIGKILL');
      removeStalePidFiles(target);
      // "start force" right after would find glusterd still counting the brick as running
      await waitForBrickState(ctx, pickLiveGlusterd(runtime), target, false);
    },

    async startBrick(given) {
      const target = host(given);
      await waitFor(
        `brick of ${LAB_DEFAULTS.volume} on ${target.name} online after "volume start force"`,
        async () => {
          // "start force" restarts the bricks of a started volume that are not running
          await runGluster(ctx, target, ['volume', 'start', LAB_DEFAULTS.volume, 'force'], `restarting the brick of ${target.name}`);
          return waitForBrickState(ctx, target, target, true, 5_000).then(
            () => true,
            () => false,
          );
        },
        { timeoutMs: LAB_DEFAULTS.brickReadyMs, intervalMs: 0, signal: ctx.signal, hint: `see ${target.dir}/log/bricks/` },
      );
      await waitForBrickClients(ctx, target, target);
    },

    async freezeBricks() {
      const servers = runtime.requireGluster().servers;
      const pids = servers.flatMap((server) => findHostProcesses(server, 'glusterfsd'));
      if (pids.length === 0) throw labError('ha-mount.lab.fault', `no brick process (glusterfsd) runs on ${servers.map((server) => server.name).join(' or ')}: nothing to freeze`);
      return freezeProcesses(pids);
    },

    async freezeClientDaemon(mountpoint) {
      const pids = findClientDaemons(runtime, mountpoint);
      if (pids.length === 0) throw labError('ha-mount.lab.fault', `no FUSE daemon in the client namespace ${ctx.plan.client.netns} serves ${mountpoint}: nothing to freeze`);
      return freezeProcesses(pids);
    },

    async moosefsFailover(options = {}) {
      const moose = runtime.requireMoose();
      const from = runtime.mooseMaster ?? moose.master;
      const to = from.name === moose.master.name ? moose.standby : moose.master;
      if (moose.lizardfs) return lizardFailover(runtime, moose.lizardfs, from, to, options);
      checkMetaloggerData(to);
      await runtime.crashHost(from);
      options.afterCrash?.();
      // the standby's metalogger hands its folder to the new master
      await runtime.stopProgram(to, 'mfsmetalogger', 'SIGTERM');
      runtime.useMetaloggerDataForMaster(to);
      to.roles = to.roles.map((role) => (role === 'mfsmetalogger' ? 'mfsmaster' : role));
      from.roles = from.roles.map((role) => (role === 'mfsmaster' ? 'mfsmetalogger' : role));
      await runtime.startRole(to, 'mfsmaster');
      runtime.mooseMaster = to;
      // keepalived on the standby takes the VIP once its check sees the new master (and sends gratuitous ARP)
      await waitFor(
        `MooseFS VIP ${moose.vip} on ${to.name} after failover`,
        async () => (await findVipHolder([moose.master, moose.standby], moose.vip))?.name === to.name,
        { timeoutMs: LAB_DEFAULTS.vipReadyMs, intervalMs: 100, signal: ctx.signal, hint: `see ${to.dir}/keepalived.log` },
      );
    },

    async fillVolume() {
      // storage.reserve larger than the bricks' file system: every brick refuses writes as if
      // full, at once, without writing gigabytes. A bare number below 100 is a percentage and
      // 100 or more means bytes, so a size with a unit is used.
      const brick = brickPath(runtime.requireGluster().servers[0]);
      const stats = statfsSync(brick);
      const totalGiB = Math.ceil((stats.blocks * stats.bsize) / 2 ** 30) + 1;
      await setVolumeOption(runtime, 'storage.reserve', `${totalGiB}GB`);
      return {
        async undo() {
          await resetVolumeOption(runtime, 'storage.reserve');
        },
      };
    },

    async makeReadOnly() {
      await setVolumeOption(runtime, 'features.read-only', 'on');
      return {
        async undo() {
          await setVolumeOption(runtime, 'features.read-only', 'off');
        },
      };
    },
  };
}

/** Which host holds the VIP of `which` now. */
export async function findGroupVipHolder(runtime: LabRuntime, which: 'gluster' | 'moosefs'): Promise<PlannedHost | undefined> {
  if (which === 'gluster') {
    const gluster = runtime.requireGluster();
    return findVipHolder(gluster.servers, gluster.vip);
  }
  const moose = runtime.requireMoose();
  return findVipHolder([moose.master, moose.standby], moose.vip);
}

