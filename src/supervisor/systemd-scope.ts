import type { Command } from '../types.js';

/**
 * Under systemd (INVOCATION_ID set), runs a mount command in its own transient scope so that the
 * FUSE daemon it starts lives outside the agent's cgroup: a restart or stop of the agent's unit
 * (KillMode=control-group) must not kill the mounts. Elsewhere the command is returned as is. Pure.
 */
export function wrapInScope(command: Command, unit: string, env: NodeJS.ProcessEnv): Command {
  if (env.INVOCATION_ID === undefined || env.INVOCATION_ID === '') return command;
  return { file: 'systemd-run', args: ['--scope', '--quiet', '--collect', `--unit=${unit}`, '--', command.file, ...command.args] };
}

let scopeCounter = 0;

/** A unit name systemd accepts: `ha-mount-<name>-<n>` with anything outside [A-Za-z0-9_-] as "_". */
export function buildScopeUnitName(mountName: string, pid: number = process.pid): string {
  scopeCounter += 1;
  return `ha-mount-${mountName.replace(/[^A-Za-z0-9_-]/g, '_')}-${pid}-${scopeCounter}`;
}
