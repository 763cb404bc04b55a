// Where the lab's bring-up, roles and MooseFS failover branch to LizardFS (lizardfs.ts) when the
// lab was started with a LizardFS install: mfsA master, mfsB shadow, cs1/cs2 chunkservers.
import type { LabContext } from './context.js';
import { labError } from './lab-error.js';
import { waitForVip } from './keepalived.js';
import { type LizardInstall, promoteShadow, startLizardChunkserver, startLizardMaster, waitForConnection } from './lizardfs.js';
import { MOOSEFS_PORTS } from './moosefs.js';
import type { PlannedHost } from './plan.js';
import type { LabRuntime } from './runtime.js';

type MfsRole = 'mfsmaster' | 'mfsmetalogger' | 'mfschunkserver';

function vipOf(ctx: LabContext): string {
  const vip = ctx.plan.moosefs?.vip;
  if (vip === undefined) throw labError('ha-mount.lab.fault', 'this lab runs without MooseFS/LizardFS: start it with { moosefs: true, lizardfs }');
  return vip;
}

/** A MooseFS role on a LizardFS lab: the metalogger's place is a shadow master's. */
export function startLizardRole(ctx: LabContext, install: LizardInstall, host: PlannedHost, role: MfsRole): Promise<number> {
  const vip = vipOf(ctx);
  if (role === 'mfschunkserver') return startLizardChunkserver(ctx, install, host, vip);
  return startLizardMaster(ctx, install, host, vip, role === 'mfsmaster' ? 'master' : 'shadow');
}

/** Bring-up: master + VIP on mfsA, shadow on mfsB connected to it, chunkservers connected to the VIP. */
export async function startLizard(ctx: LabContext, runtime: LabRuntime): Promise<void> {
  const moose = ctx.plan.moosefs;
  if (!moose) return;
  ctx.progress(`LizardFS (${moose.lizardfs?.prefix}): starting master, shadow and chunkservers`);
  await runtime.startRole(moose.master, 'mfsmaster');
  const [masterKeepalived] = await Promise.all([runtime.startRole(moose.master, 'keepalived-moosefs'), runtime.startRole(moose.standby, 'keepalived-moosefs')]);
  await waitForVip(ctx, [moose.master, moose.standby], moose.vip, moose.master, masterKeepalived);
  const [shadow, ...chunkservers] = await Promise.all([runtime.startRole(moose.standby, 'mfsmetalogger'), ...moose.chunkservers.map((host) => runtime.startRole(host, 'mfschunkserver'))]);
  await Promise.all([
    waitForConnection(ctx, moose.standby, shadow as number, 'shadow master', moose.vip, MOOSEFS_PORTS.metalogger),
    ...moose.chunkservers.map((host, index) => waitForConnection(ctx, host, chunkservers[index] as number, 'chunkserver', moose.vip, MOOSEFS_PORTS.chunkserver)),
  ]);
  ctx.progress(`LizardFS: master on mfsA behind VIP ${moose.vip}, shadow on mfsB, 2 chunkservers`);
}

/** The LizardFS failover: crash the master's host, then promote the shadow once the VIP is on its host. */
export async function lizardFailover(runtime: LabRuntime, install: LizardInstall, from: PlannedHost, to: PlannedHost, options: { afterCrash?: () => void }): Promise<void> {
  const vip = vipOf(runtime.ctx);
  await promoteShadow(runtime.ctx, install, from, to, vip, async () => {
    await runtime.crashHost(from);
    options.afterCrash?.();
  });
  to.roles = to.roles.map((role) => (role === 'mfsmetalogger' ? 'mfsmaster' : role));
  from.roles = from.roles.map((role) => (role === 'mfsmaster' ? 'mfsmetalogger' : role));
  runtime.mooseMaster = to;
}
