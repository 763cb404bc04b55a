import { formatDuration } from '../config/duration.js';

/** One mount's line on the demo screen. */
export interface DashboardMount {
  name: string;
  state: string;
  /** ms since the epoch when the state began */
  sinceMs: number;
  server?: string;
  latencyMs?: number;
  remounts: number;
}

/** What the user's own writer process (independent of the agent) saw. */
export interface DashboardWriter {
  ok: number;
  failed: number;
  /** ms since the epoch of the first failing or blocked write of the current outage */
  failingSinceMs?: number;
}

/** Everything the demo screen shows; built by demo.ts, drawn by renderDashboard. */
export interface DashboardView {
  startedMs: number;
  step: string;
  mounts: DashboardMount[];
  /** newest last: "t+12.3s rep_vol1 healthy -> failed (daemon died)" */
  events: { atMs: number; text: string }[];
  mails: { atMs: number; subject: string }[];
  writer?: DashboardWriter;
}

const colours: Record<string, string> = {
  healthy: '\x1b[32m',
  degraded: '\x1b[33m',
  hung: '\x1b[35m',
  failed: '\x1b[31m',
  recovering: '\x1b[36m',
};

/** Draws the screen as lines; pure, so the layout is unit-tested. `colour` adds ANSI colours. */
export function renderDashboard(view: DashboardView, nowMs: number, options: { colour: boolean; maxEvents?: number }): string[] {
  const paint = (state: string): string =>
    options.colour && colours[state] ? `${colours[state]}${state.padEnd(10)}\x1b[0m` : state.padEnd(10);
  const lines = [
    `ha-mount demo   t+${formatDuration(nowMs - view.startedMs)}   ${view.step}`,
    '',
    `${'MOUNT'.padEnd(12)} ${'STATE'.padEnd(10)} ${'SINCE'.padEnd(8)} ${'SERVER'.padEnd(20)} ${'PROBE'.padEnd(8)} REMOUNTS`,
  ];
  for (const mount of view.mounts) {
    lines.push(
      `${mount.name.padEnd(12)} ${paint(mount.state)} ${formatDuration(nowMs - mount.sinceMs).padEnd(8)} ${(mount.server ?? '-').padEnd(20)} ${(mount.latencyMs === undefined ? '-' : formatDuration(mount.latencyMs)).padEnd(8)} ${mount.remounts}`,
    );
  }
  if (view.writer) {
    const failing =
      view.writer.failingSinceMs === undefined ? 'writing fine' : `FAILING for ${formatDuration(nowMs - view.writer.failingSinceMs)}`;
    lines.push('', `user's writer (own process, write+fsync every 50 ms): ${view.writer.ok} ok, ${view.writer.failed} failed or blocked; ${failing}`);
  }
  const maxEvents = options.maxEvents ?? 12;
  lines.push('', 'WHAT HAPPENED');
  for (const event of view.events.slice(-maxEvents)) lines.push(`  t+${formatDuration(event.atMs - view.startedMs).padEnd(7)} ${event.text}`);
  lines.push('', `MAIL RECEIVED BY THE LOCAL SMTP SERVER (${view.mails.length})`);
  for (const mail of view.mails.slice(-6)) lines.push(`  t+${formatDuration(mail.atMs - view.startedMs).padEnd(7)} ${mail.subject}`);
  return lines;
}
