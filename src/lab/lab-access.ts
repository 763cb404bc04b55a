// Typed access to the parts of a lab a caller asked for, and a generic wait: shared by the lab
// tests, the bench and the soak so that none of them repeats the checks. Pure except `waitUntil`.
import type { GlusterLab, Lab, LabHost, MooseLab } from './lab-types.js';
import { labError } from './lab-error.js';
import { sleep } from './procs.js';

/** The lab's GlusterFS part; throws when the lab was started without it. */
export function glusterOf(lab: Lab): GlusterLab {
  if (!lab.gluster) throw labError('ha-mount.lab.fault', `lab ${lab.prefix} runs without GlusterFS: start it with { gluster: true }`);
  return lab.gluster;
}

/** The lab's MooseFS part; throws when the lab was started without it. */
export function mooseOf(lab: Lab): MooseLab {
  if (!lab.moosefs) throw labError('ha-mount.lab.fault', `lab ${lab.prefix} runs without MooseFS: start it with { moosefs: true }`);
  return lab.moosefs;
}

/** GlusterFS server 0 (gfs1, the VIP holder at start) or 1 (gfs2). */
export function glusterServer(lab: Lab, index: 0 | 1): LabHost {
  const server = glusterOf(lab).servers[index];
  if (server === undefined) throw labError('ha-mount.lab.fault', `lab ${lab.prefix} has no GlusterFS server ${index + 1}`);
  return server;
}

/**
 * Polls `check` until it returns a value other than undefined or false, and resolves with it;
 * rejects naming `what` after `timeoutMs`. An exception from `check` ends the wait at once.
 */
export async function waitUntil<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}
