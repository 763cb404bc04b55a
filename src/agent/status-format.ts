import { formatDuration } from '../config/duration.js';
import type { MountStatus } from '../supervisor/supervisor-types.js';
import { escapeControl } from '../text/escape-control.js';
import type { AgentStatus } from './status-file.js';

/** The agent's liveness as status shows it. */
export type AgentLiveness = 'running' | 'stale' | 'gone';

/** The document `ha-mount status --json` prints. */
export interface StatusReport {
  agent: { state: AgentLiveness; pid: number; host: string; startedAt: string; updatedAt: string };
  mounts: Array<MountStatus & { sinceIso: string }>;
}

/** The JSON form: times as ISO strings beside the ms values. Pure. */
export function buildStatusReport(status: AgentStatus, liveness: AgentLiveness): StatusReport {
  return {
    agent: { state: liveness, pid: status.pid, host: status.host, startedAt: new Date(status.startedAt).toISOString(), updatedAt: new Date(status.updatedAt).toISOString() },
    mounts: status.mounts.map((mount) => ({ ...mount, sinceIso: new Date(mount.since).toISOString() })),
  };
}

function formatAgo(ms: number): string {
  return `${formatDuration(Math.max(0, ms))} ago`;
}

function formatClock(at: number): string {
  return new Date(at).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Lays rows out in columns; the last column is not padded. Pure. */
function formatTable(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd());
}

/** A status cell or header value: reasons and server names can come from the volume's log or a foreign status file. */
const safe = (text: string | number): string => escapeControl(String(text));

/** The human form of `ha-mount status`: a header on the agent, one line per mount. Pure. */
export function formatStatus(status: AgentStatus, liveness: AgentLiveness, now: number): string[] {
  const lines: string[] = [];
  if (liveness === 'running') lines.push(`agent running: pid ${status.pid} on ${safe(status.host)}, since ${formatClock(status.startedAt)}, status written ${formatAgo(now - status.updatedAt)}`);
  else if (liveness === 'stale') lines.push(`AGENT NOT ANSWERING: pid ${status.pid} exists but has not written its status for ${formatDuration(now - status.updatedAt)}; it may be stuck. Last known state:`);
  else lines.push(`NO AGENT RUNNING: pid ${status.pid} is gone; last status written ${formatClock(status.updatedAt)} (${formatAgo(now - status.updatedAt)}). Start it with "ha-mount agent" or "systemctl start ha-mount". Last known state:`);
  if (status.mounts.length === 0) {
    lines.push('no mounts are watched');
    return lines;
  }
  const rows = [['MOUNT', 'MOUNTPOINT', 'STATE', 'SINCE', 'SERVER', 'LAST PROBE', 'REMOUNTS', 'REASON']];
  for (const mount of status.mounts) {
    const probe = mount.lastProbe === undefined ? '-' : mount.lastProbe.verdict === 'timeout' ? `>${mount.lastProbe.latencyMs} ms` : `${mount.lastProbe.latencyMs} ms`;
    rows.push([safe(mount.name), safe(mount.mountpoint), safe(mount.state), formatAgo(now - mount.since), safe(mount.server ?? '-'), safe(probe), String(mount.remounts), safe(mount.reason)]);
  }
  lines.push(...formatTable(rows));
  const problems = status.mounts.filter((mount) => mount.state !== 'healthy');
  if (problems.length > 0) lines.push('', ...problems.map((mount) => describeProblem(mount, now)));
  return lines;
}

/** What each state means for the user's I/O: the words status uses after "for how long". */
const STATE_MEANING: Record<MountStatus['state'], string> = {
  starting: 'not mounted and probed yet',
  healthy: 'I/O works',
  degraded: 'I/O works, but slowly or with less redundancy',
  hung: "I/O on it blocks: the probe got no answer within the probe timeout",
  failed: 'I/O on it fails; the agent remounts it when a server answers',
  recovering: 'being remounted; I/O fails until it is back',
};

/**
 * One line on a mount that is not healthy: state and for how long, since when, the reason, the
 * last probe, the bricks down, and what the state means for I/O. Pure.
 */
export function describeProblem(mount: MountStatus, now: number): string {
  const probe = mount.lastProbe === undefined ? undefined : `last probe ${formatAgo(now - mount.lastProbe.at)}: ${mount.lastProbe.verdict === 'timeout' ? `no answer within ${formatDuration(mount.lastProbe.latencyMs)}` : `${mount.lastProbe.detail} in ${formatDuration(mount.lastProbe.latencyMs)}`}`;
  const bricks = mount.bricksDown !== undefined && mount.bricksDown.length > 0 ? `bricks down: ${mount.bricksDown.join(', ')}` : undefined;
  const parts = [mount.reason || undefined, probe, bricks, STATE_MEANING[mount.state]].filter((part) => part !== undefined);
  // the reason, bricks and probe detail come from the volume and the client log: escaped like the table
  return `${safe(mount.name)} (${safe(mount.mountpoint)}) ${safe(mount.state.toUpperCase())} for ${formatDuration(Math.max(0, now - mount.since))}, since ${formatClock(mount.since)}: ${safe(parts.join('; '))}`;
}
