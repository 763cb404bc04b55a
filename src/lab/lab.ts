import { existsSync, mkdirSync } from 'node:fs';
import type { Command } from '../types.js';
import { sweepStaleLabs, teardownRun } from './cleanup.js';
import { type LabContext, findHost, inHostNamespaces, inNetns, netnsPath } from './context.js';
import { createFaults, findGroupVipHolder } from './faults.js';
import { createVolume, formCluster, setUpGlusterHost } from './gluster.js';
import { ensurePrerequisites } from './install.js';
import { waitForVip } from './keepalived.js';
import { LAB_DEFAULTS } from './lab-defaults.js';
import { labError } from './lab-error.js';
import type { Lab, LabOptions } from './lab-types.js';
import { seedMasterMetadata, waitForChunkserver, waitForMetalogger } from './moosefs.js';
import { startLizard } from './lizardfs-lab.js';
import { prepareNamespaceFolder } from './mountns.js';
import { claimSubnet, createNetwork } from './netns.js';
import { generatePrefix, isValidPrefix, type LabPlan, planLab, toLabHost } from './plan.js';
import { readBootId, readStartTime } from './procs.js';
import { LabRuntime } from './runtime.js';
import { onTerminationSignal } from './signals.js';
import { liveStores } from './runs.js';
import { StateStore, createState, readStateFiles } from './state.js';

export { sweepStaleLabs } from './cleanup.js';
export { keepLab, listLabRuns, stopLabRun, type LabRunInfo } from './runs.js';

/** A prefix no state file, namespace or folder uses yet. */
function choosePrefix(requested: string | undefined): string {
  const taken = (prefix: string): boolean =>
    readStateFiles(LAB_DEFAULTS.stateDir).some((run) => run.state.prefix === prefix) ||
    existsSync(`${LAB_DEFAULTS.dirPrefix}${prefix}`) ||
    existsSync(netnsPath(`${prefix}-sw`));
  if (requested !== undefined) {
    if (!isValidPrefix(requested)) throw labError('ha-mount.lab.command', `lab prefix "${requested}" is invalid: use 2-10 lowercase letters and digits, starting with a letter`);
    if (taken(requested)) throw labError('ha-mount.lab.command', `lab prefix "${requested}" is in use by another run or its leftovers: pick another or let the lab generate one`);
    return requested;
  }
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const prefix = generatePrefix();
    if (!taken(prefix)) return prefix;
  }
  throw labError('ha-mount.lab.command', 'no free lab prefix after 20 tries: remove stale runs (sweepStaleLabs) and retry');
}

/** Brings up GlusterFS: glusterd on both servers, peers, the volume, keepalived and the VIP on the first. */
async function startGluster(ctx: LabContext, runtime: LabRuntime): Promise<void> {
  const gluster = ctx.plan.gluster;
  if (!gluster) return;
  const [first, second] = gluster.servers;
  ctx.progress('GlusterFS: starting glusterd on gfs1 and gfs2');
  await Promise.all(gluster.servers.map((host) => setUpGlusterHost(ctx, host)));
  // keepalived starts while the volume is created: the VIP is then ready as soon as the bricks
  const keepalived = Promise.all(gluster.servers.map((host) => runtime.startRole(host, 'keepalived-gluster')));
  // awaited below; until then a failure must not count as unhandled
  keepalived.catch(() => undefined);
  ctx.progress('GlusterFS: forming the cluster and creating rep_vol1 (replica 2)');
  await formCluster(ctx, first, second);
  await createVolume(ctx, gluster.servers);
  const [firstKeepalived] = await keepalived;
  await waitForVip(ctx, gluster.servers, gluster.vip, first, firstKeepalived);
  ctx.progress(`GlusterFS: rep_vol1 started, VIP ${gluster.vip} on gfs1`);
}

/** Brings up MooseFS: master + VIP on mfsA, metalogger on mfsB, two chunkservers, all pointed at the VIP. */
async function startMoose(ctx: LabContext, runtime: LabRuntime): Promise<void> {
  const moose = ctx.plan.moosefs;
  if (!moose) return;
  if (moose.lizardfs) return startLizard(ctx, runtime);
  ctx.progress('MooseFS: starting master, metalogger and chunkservers');
  seedMasterMetadata(moose.master);
  await runtime.startRole(moose.master, 'mfsmaster');
  const [masterKeepalived] = await Promise.all([
    runtime.startRole(moose.master, 'keepalived-moosefs'),
    runtime.startRole(moose.standby, 'keepalived-moosefs'),
  ]);
  const [metalogger, ...chunkservers] = await Promise.all([
    runtime.startRole(moose.standby, 'mfsmetalogger'),
    ...moose.chunkservers.map((host) => runtime.startRole(host, 'mfschunkserver')),
  ]);
  await waitForVip(ctx, [moose.master, moose.standby], moose.vip, moose.master, masterKeepalived);
  await Promise.all([
    waitForMetalogger(ctx, moose.standby, metalogger as number, moose.vip),
    ...moose.chunkservers.map((host, index) => waitForChunkserver(ctx, moose.master, host, chunkservers[index] as number)),
  ]);
  ctx.progress(`MooseFS: master on mfsA behind VIP ${moose.vip}, 2 chunkservers, metalogger on mfsB`);
}

function buildLab(ctx: LabContext, runtime: LabRuntime, stop: () => Promise<void>): Lab {
  const { plan } = ctx;
  const lab: Lab = {
    prefix: plan.prefix,
    dir: plan.dir,
    subnet: plan.subnet,
    client: toLabHost(plan.client),
    faults: createFaults(runtime),
    clients: plan.clients.map(toLabHost),
    ...(plan.monitor ? { monitor: toLabHost(plan.monitor) } : {}),
    clientCommand: (command: Command) => inNetns(plan.client.netns, command),
    hostCommand: (host, command) => inNetns(findHost(plan, host.name).netns, command),
    serverCommand: (host, command) => inHostNamespaces(plan, findHost(plan, host.name), command),
    vipHolder: async (which) => {
      const holder = await findGroupVipHolder(runtime, which);
      return holder && toLabHost(holder);
    },
    stop,
  };
  if (plan.gluster) {
    lab.gluster = { volume: LAB_DEFAULTS.volume, vip: plan.gluster.vip, servers: plan.gluster.servers.map(toLabHost) };
  }
  if (plan.moosefs) {
    lab.moosefs = {
      vip: plan.moosefs.vip,
      master: toLabHost(plan.moosefs.master),
      standby: toLabHost(plan.moosefs.standby),
      chunkservers: plan.moosefs.chunkservers.map(toLabHost),
    };
  }
  return lab;
}

/**
 * Runs bring-up branches in parallel; the first failure aborts the others, and only once all
 * have settled (nothing is being started any more) is that first error thrown.
 */
async function runTogether(tasks: Array<Promise<void>>, abort: AbortController): Promise<void> {
  let first: { error: unknown } | undefined;
  await Promise.allSettled(
    tasks.map((task) =>
      task.catch((error: unknown) => {
        first ??= { error };
        abort.abort();
      }),
    ),
  );
  if (first) throw first.error;
}

/** Creates the run's folders and state file; nothing else exists yet. */
function createRun(plan: LabPlan): StateStore {
  const owner = { pid: process.pid, startTime: readStartTime(process.pid) ?? 0 };
  const state = createState({ prefix: plan.prefix, owner, bootId: readBootId(), dir: plan.dir, etcDir: plan.etcDir, now: new Date() });
  state.folders.push(plan.dir, plan.etcDir);
  const store = new StateStore(plan.stateFile, state);
  store.update(() => undefined);
  // 0755: the mfs user must reach its data folders below
  mkdirSync(plan.dir, { recursive: true, mode: 0o755 });
  mkdirSync(plan.nsDir, { recursive: true, mode: 0o755 });
  mkdirSync(plan.etcDir, { recursive: true, mode: 0o755 });
  for (const host of plan.hosts) mkdirSync(host.dir, { recursive: true, mode: 0o755 });
  return store;
}

/**
 * Brings up the lab: checks root and /dev/fuse, installs missing packages, removes stale
 * runs, then builds the network and starts GlusterFS and MooseFS in parallel. Everything
 * made so far is removed again if bring-up fails or is interrupted (Ctrl-C).
 */
export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const progress = options.onProgress ?? (() => undefined);
  const wantGluster = options.gluster ?? true;
  const wantMoose = options.moosefs ?? false;
  const started = Date.now();
  await ensurePrerequisites(progress);
  await sweepStaleLabs({ onProgress: progress });

  const prefix = choosePrefix(options.prefix);
  // the subnet is not known before the route is claimed: plan with a placeholder, then re-plan
  const fleet = { clients: options.clients ?? 1, monitor: options.monitor ?? false };
  const draft = planLab({ prefix, subnetIndex: 0, gluster: wantGluster, moosefs: wantMoose, ...fleet });
  const store = createRun(draft);
  liveStores.set(prefix, store);
  const abort = new AbortController();
  const ctx: LabContext = { plan: draft, store, signal: abort.signal, progress };
  let markCleanedUp: () => void = () => undefined;
  const cleanedUp = new Promise<void>((resolve) => {
    markCleanedUp = resolve;
  });
  // Ctrl-C during bring-up: stop waiting, remove what was made, then let the signal end the process
  let interruptedByUser = false;
  const removeSignalHandlers = onTerminationSignal(async () => {
    interruptedByUser = true;
    abort.abort();
    await cleanedUp;
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // faults still running see the abort: their waits end and they start no new process
      abort.abort();
      liveStores.delete(prefix);
      const report = await teardownRun(store.state, store.file);
      if (report.problems.length > 0) {
        throw labError('ha-mount.lab.command', `lab ${prefix} teardown left things behind: ${report.problems.join('; ')}`);
      }
    })();
    return stopping;
  };

  try {
    progress(`lab ${prefix}: claiming a subnet and building the network`);
    const subnetIndex = await claimSubnet(ctx);
    ctx.plan = planLab({ prefix, subnetIndex, gluster: wantGluster, moosefs: wantMoose, ...fleet });
    if (options.lizardfs !== undefined) {
      if (!ctx.plan.moosefs) throw labError('ha-mount.lab.command', 'a LizardFS lab runs in the MooseFS topology: start it with { moosefs: true, lizardfs }');
      ctx.plan.moosefs.lizardfs = options.lizardfs;
    }
    const runtime = new LabRuntime(ctx);
    await createNetwork(ctx);
    await prepareNamespaceFolder(ctx);
    await runTogether([startGluster(ctx, runtime), startMoose(ctx, runtime)], abort);
    if (interruptedByUser) throw labError('ha-mount.lab.interrupted', `lab ${prefix} bring-up interrupted`);
    progress(`lab ${prefix} up in ${((Date.now() - started) / 1000).toFixed(1)} s (subnet ${ctx.plan.subnet}, folder ${ctx.plan.dir})`);
    return buildLab(ctx, runtime, stop);
  } catch (error) {
    const interrupted = interruptedByUser;
    progress(`lab ${prefix}: bring-up ${interrupted ? 'interrupted' : 'failed'}, removing what was made`);
    await stop().catch(() => undefined);
    markCleanedUp();
    throw interrupted ? labError('ha-mount.lab.interrupted', `lab ${prefix} bring-up interrupted; everything it made was removed`, error) : error;
  } finally {
    removeSignalHandlers();
  }
}

/**
 * For callers (tests, the demo): SIGINT/SIGTERM stop the lab before the process ends.
 * Returns a function that removes the handlers.
 */
export function installSignalCleanup(lab: Lab): () => void {
  return onTerminationSignal(async () => {
    await lab.stop();
  });
}
