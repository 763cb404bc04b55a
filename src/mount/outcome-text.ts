import { formatServer } from '../config/validate.js';
import type { MountSpec } from '../types.js';
import type { MountOutcome } from './mounter-api.js';

/** The human line for a mount that worked: where through, which backups, how long. */
export function describeOutcome(spec: MountSpec, outcome: MountOutcome): string {
  const through = formatServer(outcome.server);
  const named = outcome.serverName !== undefined && outcome.serverName !== through && !through.startsWith(`${outcome.serverName}:`) ? ` (${outcome.serverName})` : '';
  const backups = outcome.backups.length > 0 ? `; backups: ${outcome.backups.map(formatServer).join(', ')}` : '';
  return `mounted ${spec.name} on ${spec.mountpoint} through ${through}${named}${backups} in ${Math.round(outcome.durationMs)} ms`;
}

/** The JSON document `--json` prints for a mount. */
export function outcomeToJson(spec: MountSpec, outcome: MountOutcome): Record<string, unknown> {
  return {
    name: spec.name,
    backend: spec.backend,
    mountpoint: spec.mountpoint,
    mounted: outcome.dryRun !== true,
    dryRun: outcome.dryRun === true,
    server: formatServer(outcome.server),
    serverName: outcome.serverName,
    backups: outcome.backups.map(formatServer),
    command: [outcome.command.file, ...outcome.command.args],
    durationMs: Math.round(outcome.durationMs),
    verdicts: outcome.verdicts ?? [],
    failedAttempts: outcome.failedAttempts ?? [],
  };
}
