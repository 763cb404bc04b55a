import type { Backend } from '../backends/backend.js';
import type { MountInfoEntry } from '../mount/mountinfo.js';
import { findMountAt } from '../mount/mountinfo.js';
import { findDaemon } from './daemon.js';
import { describeDownBricks, type BrickStatus } from './gluster-log.js';
import type { ProcReader } from './proc.js';
import type { ProbeResult, ProbeRunner } from './probe-types.js';

/**
 * Nagios plugin exit codes, which `ha-mount check` uses on purpose instead of mount(8)'s: Nagios,
 * Icinga, Zabbix and Sensu read 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
 */
export const NagiosCode = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;
export type NagiosCode = (typeof NagiosCode)[keyof typeof NagiosCode];
const LABELS = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;

/** The result of one check: exit code and the one line a monitoring system reads. */
export interface CheckReport {
  code: NagiosCode;
  line: string;
}

/** What one `check` run found, before it becomes a report. */
export type CheckFinding =
  | { kind: 'not-mounted' }
  | { kind: 'unknown-fs'; entry: MountInfoEntry }
  | { kind: 'timeout'; timeoutMs: number; backend: string }
  | { kind: 'probe'; result: ProbeResult; backend: string; source: string; daemonPid?: number; downBricks: BrickStatus[] };

/** Thresholds in ms: latency at or above `warningMs` warns; `criticalMs` is the probe deadline. */
export interface CheckThresholds {
  warningMs: number;
  criticalMs: number;
}

/** Turns a finding into the Nagios line and code, with `|latency=12ms;2000;5000` perfdata. Pure. */
export function buildCheckReport(mountpoint: string, finding: CheckFinding, thresholds: CheckThresholds): CheckReport {
  const perf = (latencyMs: number): string => ` | latency=${Math.round(latencyMs)}ms;${thresholds.warningMs};${thresholds.criticalMs};0`;
  const line = (code: NagiosCode, text: string, latencyMs?: number): CheckReport => ({
    code,
    line: `HA-MOUNT ${LABELS[code]} - ${text}${latencyMs === undefined ? '' : perf(latencyMs)}`,
  });
  switch (finding.kind) {
    case 'not-mounted':
      return line(NagiosCode.CRITICAL, `${mountpoint} is not mounted`);
    case 'unknown-fs':
      return line(NagiosCode.UNKNOWN, `${mountpoint} is a ${finding.entry.fstype} mount of ${finding.entry.source}, not GlusterFS, MooseFS or LizardFS`);
    case 'timeout':
      return line(NagiosCode.CRITICAL, `${mountpoint} (${finding.backend}) hung: no answer within ${finding.timeoutMs} ms`, finding.timeoutMs);
    case 'probe': {
      const { result } = finding;
      const what = `${mountpoint} (${finding.backend} ${finding.source}${finding.daemonPid === undefined ? ', FUSE daemon not found' : `, daemon ${finding.daemonPid}`})`;
      if (result.verdict === 'hard' || result.verdict === 'bad' || result.verdict === 'unsafe' || result.verdict === 'tampered') return line(NagiosCode.CRITICAL, `${what}: ${result.detail}`, result.latencyMs);
      if (result.verdict === 'soft') return line(NagiosCode.WARNING, `${what}: ${result.detail}`, result.latencyMs);
      if (finding.downBricks.length > 0) return line(NagiosCode.WARNING, `${what}: ${describeDownBricks(finding.downBricks)}`, result.latencyMs);
      if (result.latencyMs >= thresholds.warningMs) return line(NagiosCode.WARNING, `${what}: slow, ${Math.round(result.latencyMs)} ms`, result.latencyMs);
      return line(NagiosCode.OK, `${what} answers in ${Math.round(result.latencyMs)} ms`, result.latencyMs);
    }
  }
}

/** The edges of one check, injected for tests. */
export interface CheckDeps {
  readMounts(): MountInfoEntry[];
  backends: readonly Backend[];
  proc: ProcReader;
  probe: ProbeRunner;
  host: string;
  /** brick state of a GlusterFS mount, from its client log */
  readBricks?(mountpoint: string, entry: MountInfoEntry): BrickStatus[];
  /** a real timer: the deadline of the probe */
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * One probe of the mount at `mountpoint`, in child processes with a hard deadline (never a
 * stat from this process). Never throws for a broken mount: that is what it reports.
 */
export async function runCheck(mountpoint: string, options: { write: boolean } & CheckThresholds, deps: CheckDeps): Promise<CheckReport> {
  const entry = findMountAt(deps.readMounts(), mountpoint);
  if (entry === undefined) return buildCheckReport(mountpoint, { kind: 'not-mounted' }, options);
  const backend = deps.backends.find((candidate) => candidate.recognizes(entry));
  if (backend === undefined) return buildCheckReport(mountpoint, { kind: 'unknown-fs', entry }, options);
  const probe = deps.probe({ mountpoint, device: entry.device, write: options.write, host: deps.host, forCheck: true });
  let timer: unknown;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = deps.setTimeout(() => resolve('timeout'), options.criticalMs);
  });
  const outcome = await Promise.race([probe.result, deadline]);
  deps.clearTimeout(timer);
  if (outcome === 'timeout') {
    probe.kill();
    return buildCheckReport(mountpoint, { kind: 'timeout', timeoutMs: options.criticalMs, backend: backend.name }, options);
  }
  const daemon = findDaemon(mountpoint, backend, deps.proc);
  const downBricks = deps.readBricks?.(mountpoint, entry) ?? [];
  const finding: CheckFinding = { kind: 'probe', result: outcome, backend: backend.name, source: entry.source, downBricks };
  if (daemon !== undefined) finding.daemonPid = daemon.pid;
  return buildCheckReport(mountpoint, finding, options);
}
