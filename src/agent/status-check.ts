// status.json is written by the agent, but `ha-mount status` must not crash on a file that an
// older agent, a full disk or a person left damaged: every field it shows is checked first.
import { ExitCode, HaMountError } from '../errors.js';
import type { AgentStatus } from './status-file.js';

const isText = (value: unknown): value is string => typeof value === 'string';
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= 8.64e15;
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** The first field of a mount entry that `status` cannot show ("" for the entry itself), or undefined. Pure. */
function findBadMountField(mount: unknown): string | undefined {
  if (typeof mount !== 'object' || mount === null) return '';
  const entry = mount as Record<string, unknown>;
  for (const key of ['name', 'mountpoint', 'backend', 'state', 'reason'] as const) if (!isText(entry[key])) return key;
  if (!isTime(entry.since)) return 'since';
  if (!isCount(entry.remounts)) return 'remounts';
  if (entry.server !== undefined && !isText(entry.server)) return 'server';
  if (entry.lastProbe !== undefined) {
    const probe = entry.lastProbe as Record<string, unknown> | null;
    if (typeof probe !== 'object' || probe === null || !isText(probe.verdict) || !isTime(probe.latencyMs)) return 'lastProbe';
  }
  return undefined;
}

/**
 * Checks what readStatusFile returned before it is shown: the agent's own fields and every mount
 * entry. Throws a HaMountError (exit 2, a system problem) naming the file and the first bad field.
 */
export function checkStatusDocument(status: AgentStatus, file: string): AgentStatus {
  const fail = (where: string): HaMountError =>
    new HaMountError('ha-mount.status.damaged', `cannot show ${file}: ${where} is missing or malformed; the file is damaged or from another version: restart the agent (systemctl restart ha-mount) to write it anew`, ExitCode.SYSTEM);
  const top = status as unknown as Record<string, unknown>;
  if (!isCount(top.pid)) throw fail('pid');
  if (!isText(top.host)) throw fail('host');
  if (!isTime(top.startedAt)) throw fail('startedAt');
  if (!isTime(top.updatedAt)) throw fail('updatedAt');
  status.mounts.forEach((mount, index) => {
    const bad = findBadMountField(mount);
    if (bad !== undefined) throw fail(`mounts[${index}]${bad === '' ? '' : `.${bad}`}`);
  });
  return status;
}
