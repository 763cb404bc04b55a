// `ha-mount check MOUNTPOINT [--write]`: a Nagios/Icinga plugin. Its exit codes are Nagios's
// (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) by design, not mount(8)'s like every other command.
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { listBackends } from '../backends/registry.js';
import { parseDuration } from '../config/duration.js';
import { DEFAULTS } from '../defaults.js';
import { ExitCode, HaMountError } from '../errors.js';
import { NagiosCode, runCheck, type CheckReport } from '../probes/check.js';
import { glusterLogPath, GlusterLogReader } from '../probes/gluster-log.js';
import { readMountInfo } from '../mount/mountinfo.js';
import { createProbeRunner } from '../probes/probe-runner.js';
import { systemProc } from '../probes/proc.js';
import { escapeControl } from '../text/escape-control.js';
import type { CliContext } from './program.js';

interface CheckFlags {
  write?: boolean;
  warning?: string;
  critical?: string;
}

function readThreshold(text: string | undefined, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw new HaMountError('ha-mount.check.option', `option ${flag} ${text}: expected a duration like 500ms, 2s`, ExitCode.USAGE);
  return ms;
}

/** Runs the check on the real machine; a failure of the check itself is UNKNOWN, never a throw. */
export async function checkMountpoint(mountpoint: string, flags: CheckFlags): Promise<CheckReport> {
  const warningMs = readThreshold(flags.warning, DEFAULTS.probe.slowMs, '--warning');
  const criticalMs = readThreshold(flags.critical, DEFAULTS.probe.timeoutMs, '--critical');
  const path = mountpoint.length > 1 ? mountpoint.replace(/\/+$/, '') : mountpoint;
  try {
    return await runCheck(path, { write: flags.write === true, warningMs, criticalMs }, {
      readMounts: readMountInfo,
      backends: listBackends(),
      proc: systemProc,
      probe: createProbeRunner(),
      host: hostname(),
      readBricks: (target, entry) => (entry.fstype === 'fuse.glusterfs' ? new GlusterLogReader(glusterLogPath(target, [])).poll() : []),
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    });
  } catch (error) {
    return { code: NagiosCode.UNKNOWN, line: `HA-MOUNT UNKNOWN - cannot check ${path}: ${(error as Error).message}` };
  }
}

/**
 * Registers `check`. Its exit status is Nagios's (0-3), not mount(8)'s: monitoring systems read it.
 */
export function registerCheckCommand(program: Command, context: CliContext): void {
  program
    .command('check')
    .description('probe one mount once, as a Nagios plugin: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, with latency perfdata')
    .argument('<mountpoint>', 'the mountpoint to probe')
    .option('--write', 'also write, fsync and read back a token in <mountpoint>/.ha-mount/<host>/ (default: lookup only)')
    .option('--warning <duration>', `latency that warns (default ${DEFAULTS.probe.slowMs}ms)`)
    .option('--critical <duration>', `deadline: no answer by then is CRITICAL, hung (default ${DEFAULTS.probe.timeoutMs}ms)`)
    .action(async (mountpoint: string, flags: CheckFlags) => {
      const report = await checkMountpoint(mountpoint, flags);
      // one line for the monitoring system: paths, errors and brick names from the volume are escaped, line breaks included
      context.print(escapeControl(report.line));
      context.exitStatus = report.code;
    });
}
