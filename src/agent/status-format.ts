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
  return lines;
}
