import { createHash } from 'node:crypto';
import { DEFAULTS } from '../defaults.js';
import type { Command } from '../types.js';
import { classifyErrno } from './classify.js';
import { parseToolErrors } from './errno-text.js';
import type { ProbeResult, ProbeStepName, ProbeTarget } from './probe-types.js';

/** The paths one probe of a mount touches, all below the mountpoint. */
export interface ProbePaths {
  mountpoint: string;
  /** `<mountpoint>/.ha-mount` */
  folder: string;
  /** `<mountpoint>/.ha-mount/<host>` */
  hostFolder: string;
  /** `<hostFolder>/probe-<12 hex of the mountpoint's sha256>`: two mounts of one volume on one host must not share it */
  file: string;
  /** a random name that must not exist: its lookup must reach the server and come back ENOENT */
  lookup: string;
}

/** The paths of one probe; `nonce` makes the lookup name new each time. Pure. */
export function buildProbePaths(target: ProbeTarget, nonce: string): ProbePaths {
  const base = target.mountpoint === '/' ? '' : target.mountpoint;
  const folder = `${base}/${DEFAULTS.probe.folder}`;
  const hostFolder = `${folder}/${target.host}`;
  const generation = target.fileGeneration ? `-${target.fileGeneration}` : '';
  const file = `${hostFolder}/probe-${createHash('sha256').update(target.mountpoint).digest('hex').slice(0, 12)}${generation}`;
  return { mountpoint: target.mountpoint, folder, hostFolder, file, lookup: `${base}/.ha-mount-lookup-${nonce}` };
}

const STAT_FORMAT = '%Hd:%Ld\t%n\n';

/**
 * One `stat` that both looks up the random name (the lookup probe: a dead client answers
 * ENOTCONN here even when the root's attributes are still cached) and, for the write probe,
 * reads the device of the mountpoint and of the probe folders. Pure.
 */
export function buildStatCommand(paths: ProbePaths, write: boolean): Command {
  const files = write ? [paths.mountpoint, paths.folder, paths.hostFolder, paths.lookup] : [paths.lookup];
  return { file: 'stat', args: ['--printf', STAT_FORMAT, '--', ...files] };
}

/** Creates the probe folders; run only after the mountpoint was seen on the mount's device. */
export function buildMkdirCommand(paths: ProbePaths): Command {
  return { file: 'mkdir', args: ['-p', '--', paths.hostFolder] };
}

/** Writes stdin to the probe file and fsyncs it; dd creates no parent folder, so a vanished mount fails here. */
export function buildWriteCommand(paths: ProbePaths): Command {
  return { file: 'dd', args: [`of=${paths.file}`, 'conv=fsync', 'status=none'] };
}

export function buildReadCommand(paths: ProbePaths): Command {
  return { file: 'cat', args: ['--', paths.file] };
}

/** What `stat --printf '%Hd:%Ld\t%n\n'` said about each path: its device, or its errno. */
export interface StatReport {
  devices: Map<string, string>;
  errnos: Map<string, string>;
}

/** Parses the stat step's output. Pure. */
export function parseStatOutput(stdout: string, stderr: string): StatReport {
  const devices = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) devices.set(line.slice(tab + 1), line.slice(0, tab));
  }
  const errnos = new Map<string, string>();
  for (const error of parseToolErrors(stderr)) if (error.path !== undefined) errnos.set(error.path, error.errno);
  return { devices, errnos };
}

/** The next thing a probe does after its stat step. */
export type StatDecision =
  | { next: 'done'; result: Omit<ProbeResult, 'latencyMs'> }
  | { next: 'mkdir' }
  | { next: 'write' };

/** A step's errno as a probe result. Pure. */
export function resultFromErrno(step: ProbeStepName, errno: string, path: string): Omit<ProbeResult, 'latencyMs'> {
  const errnoClass = classifyErrno(errno);
  const verdict = errnoClass === 'answers' ? 'bad' : errnoClass;
  return { verdict, errno, step, detail: `${step} ${path}: ${errno}` };
}

/**
 * Weighs the stat step: the lookup must answer ENOENT; for the write probe the mountpoint and
 * any existing probe folder must be on the mount's device, else nothing is written (a vanished
 * mount must never make the probe write to the local disk). `afterMkdir`: the folders were just
 * created, so a missing one now is an error, not a reason to create it again. Pure.
 */
export function decideAfterStat(report: StatReport, paths: ProbePaths, target: ProbeTarget, afterMkdir: boolean): StatDecision {
  const lookupErrno = report.errnos.get(paths.lookup);
  if (lookupErrno !== undefined && lookupErrno !== 'ENOENT') return { next: 'done', result: resultFromErrno('lookup', lookupErrno, paths.lookup) };
  if (lookupErrno === undefined && !report.devices.has(paths.lookup)) {
    return { next: 'done', result: { verdict: 'bad', step: 'lookup', detail: `lookup ${paths.lookup}: stat gave no answer` } };
  }
  if (!target.write) return { next: 'done', result: { verdict: 'ok', step: 'lookup', detail: 'lookup answered' } };

  for (const path of [paths.mountpoint, paths.folder, paths.hostFolder]) {
    const errno = report.errnos.get(path);
    const device = report.devices.get(path);
    if (device !== undefined && device !== target.device) {
      return { next: 'done', result: { verdict: 'unsafe', step: 'lookup', detail: `${path} is on device ${device}, not on the mount's ${target.device}: nothing written` } };
    }
    if (errno === 'ENOENT' && path !== paths.mountpoint && !afterMkdir) return { next: 'mkdir' };
    if (errno !== undefined) return { next: 'done', result: resultFromErrno('lookup', errno, path) };
    if (device === undefined) return { next: 'done', result: { verdict: 'bad', step: 'lookup', detail: `stat ${path}: no answer` } };
  }
  return { next: 'write' };
}

/** The probe result of a failed mkdir, dd or cat step, from its stderr. Pure. */
export function resultFromToolFailure(step: ProbeStepName, stderr: string, fallbackPath: string): Omit<ProbeResult, 'latencyMs'> {
  const first = parseToolErrors(stderr)[0];
  if (first === undefined) return { verdict: 'bad', step, detail: `${step} ${fallbackPath}: ${stderr.trim().split('\n')[0] || 'failed with no message'}` };
  return resultFromErrno(step, first.errno, first.path ?? fallbackPath);
}
