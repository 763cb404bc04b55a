import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { Command } from '../types.js';
import { LAB_DEFAULTS } from './lab-defaults.js';
import { labError } from './lab-error.js';
import type { LabPlan, PlannedHost } from './plan.js';
import { readStartTime } from './procs.js';
import type { StateStore } from './state.js';

/** What every part of a running lab shares. */
export interface LabContext {
  plan: LabPlan;
  store: StateStore;
  /** aborted on Ctrl-C during bring-up: long waits stop at once */
  signal: AbortSignal;
  progress(message: string): void;
}

/** The host's network namespace file. */
export function netnsPath(netns: string): string {
  return `${LAB_DEFAULTS.netnsDir}/${netns}`;
}

/** Runs `command` inside the host's network namespace only. */
export function inNetns(netns: string, command: Command): Command {
  return { file: 'nsenter', args: [`--net=${netnsPath(netns)}`, '--', command.file, ...command.args] };
}

/** The file a host's persistent mount namespace is bind-mounted on (glusterd hosts). */
export function mountNamespaceFile(plan: LabPlan, host: PlannedHost): string {
  return `${plan.nsDir}/${host.name}-mnt`;
}

/** Runs `command` inside the host's mount and network namespaces (where its glusterd lives). */
export function inHostNamespaces(plan: LabPlan, host: PlannedHost, command: Command): Command {
  return {
    file: 'nsenter',
    args: [`--mount=${mountNamespaceFile(plan, host)}`, `--net=${netnsPath(host.netns)}`, '--', command.file, ...command.args],
  };
}

/**
 * Starts a long-running process detached from our terminal (Ctrl-C must reach the cleanup,
 * not the daemons first), logging to `logFile`, and records its pid in the state at once.
 */
export async function spawnDaemon(ctx: LabContext, host: PlannedHost, name: string, command: Command, logFile: string): Promise<number> {
  if (ctx.signal.aborted) throw labError('ha-mount.lab.interrupted', `not starting ${name} on ${host.name}: lab ${ctx.plan.prefix} is stopping`);
  const output = openSync(logFile, 'a');
  const child = spawn(command.file, command.args, { detached: true, stdio: ['ignore', output, output] });
  closeSync(output);
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid as number));
    child.once('error', (error) => reject(labError('ha-mount.lab.command', `starting ${name} on ${host.name} failed: ${command.file}: ${error.message}`, error)));
  });
  child.unref();
  const startTime = readStartTime(pid) ?? 0;
  ctx.store.update((state) => {
    state.processes.push({ pid, startTime, name, host: host.name });
  });
  return pid;
}

/** Finds a host of the plan by the name a caller's LabHost carries. */
export function findHost(plan: LabPlan, name: string): PlannedHost {
  const host = plan.hosts.find((candidate) => candidate.name === name);
  if (!host) throw labError('ha-mount.lab.fault', `no lab host named "${name}" in run ${plan.prefix}: use a host from lab.gluster, lab.moosefs or lab.client`);
  return host;
}
