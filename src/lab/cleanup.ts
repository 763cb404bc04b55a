import { type Dirent, existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runCommand } from '../exec/run.js';
import { parseMountInfo, readMountInfoText } from '../mount/mountinfo.js';
import { netnsPath } from './context.js';
import { LAB_DEFAULTS } from './lab-defaults.js';
import { describeFailure } from './lab-error.js';
import { findProcessesInNamespaces, isProcessAlive, killProcesses, readBootId, readNamespaceInode } from './procs.js';
import { type LabState, readStateFiles, removeStateFile } from './state.js';

/** What a teardown could not remove; empty when everything is gone. */
export interface TeardownReport {
  problems: string[];
}

/** Mountpoints at or below `folder`, deepest first (children before parents). Pure. */
export function selectMountsUnder(mountinfo: string, folder: string): string[] {
  const inside = parseMountInfo(mountinfo)
    .map((entry) => entry.mountpoint)
    .filter((mountpoint) => mountpoint === folder || mountpoint.startsWith(`${folder}/`));
  return [...new Set(inside)].sort((a, b) => b.split('/').length - a.split('/').length || b.length - a.length);
}

/** The name the GlusterFS FUSE client gives its log for a mountpoint: "/tmp/a/b" -> "tmp-a-b.log". Pure. */
export function glusterClientLogName(mountpoint: string): string {
  return `${mountpoint.replace(/^\/+/, '').replaceAll('/', '-')}.log`;
}

/** Client logs in /var/log/glusterfs that belong to mountpoints under `folder`. Pure. */
export function selectGlusterClientLogs(names: readonly string[], folder: string): string[] {
  const stem = glusterClientLogName(folder).replace(/\.log$/, '');
  return names.filter((name) => name === `${stem}.log` || (name.startsWith(`${stem}-`) && name.endsWith('.log')));
}

/** A run is stale when the process that owns it is gone (or the machine rebooted since). Pure given the probes. */
export function isRunStale(state: LabState, bootId: string, isAlive: (pid: number, startTime: number) => boolean): boolean {
  if (state.bootId !== bootId) return true;
  return !isAlive(state.owner.pid, state.owner.startTime);
}

/**
 * Removes everything a run's state lists, in an order that works after any crash: kill its
 * processes (recorded pids, then everything inside its namespaces), unmount what is mounted
 * under its folder, delete its namespaces, its route, its folders and gluster client logs,
 * then the state file. Each step tolerates what is already gone.
 */
export async function teardownRun(state: LabState, stateFile: string, options: { keepRoute?: boolean } = {}): Promise<TeardownReport> {
  const problems: string[] = [];
  const sameBoot = state.bootId === readBootId();

  // 1. processes: by recorded pid (start time guards against reuse), then by namespace until none is left
  if (sameBoot) await killProcesses(state.processes, LAB_DEFAULTS.killWaitMs);
  const netInodes = new Set(state.namespaces.map((name) => readNamespaceInode(netnsPath(name))).filter((inode): inode is number => inode !== undefined));
  const mntInodes = new Set(state.mountNamespaceFiles.map(readNamespaceInode).filter((inode): inode is number => inode !== undefined));
  for (let round = 0; round < 5; round += 1) {
    const inside = findProcessesInNamespaces(netInodes, mntInodes);
    if (inside.length === 0) break;
    const left = await killProcesses(inside, LAB_DEFAULTS.killWaitMs);
    if (round === 4 && left.length > 0) problems.push(`processes ${left.join(', ')} of run ${state.prefix} did not die after SIGKILL`);
  }

  // 1b. cgroup folders a systemd-nspawn left: rmdir only (a folder a live container still uses is not empty and stays)
  for (const folder of state.cgroupFolders ?? []) removeEmptyCgroupTree(folder);

  // 2. mounts under the run's folder (test mounts, the namespace files, their folder), deepest first
  for (const mountpoint of selectMountsUnder(readMountInfoText(), state.dir)) {
    const result = await runCommand({ file: 'umount', args: ['-l', mountpoint] }, { timeoutMs: LAB_DEFAULTS.commandTimeoutMs });
    if (result.exitCode !== 0) problems.push(`umount -l ${mountpoint}: ${describeFailure(result)}`);
  }

  // 3. namespaces: only the names this run recorded, and only if they exist
  for (const name of state.namespaces) {
    if (!existsSync(netnsPath(name))) continue;
    const result = await runCommand({ file: 'ip', args: ['netns', 'delete', name] }, { timeoutMs: LAB_DEFAULTS.commandTimeoutMs });
    if (result.exitCode !== 0) problems.push(`ip netns delete ${name}: ${describeFailure(result)}`);
  }

  // 4. the unreachable route, unless a live run has claimed the same subnet since
  if (state.route !== undefined && !options.keepRoute) {
    const result = await runCommand({ file: 'ip', args: ['route', 'del', 'unreachable', state.route] }, { timeoutMs: LAB_DEFAULTS.commandTimeoutMs });
    if (result.exitCode !== 0 && !/No such process|not found/i.test(result.stderr)) problems.push(`ip route del unreachable ${state.route}: ${describeFailure(result)}`);
  }

  // 5. folders, never while something is still mounted below them (rm would walk into it)
  const stillMounted = selectMountsUnder(readMountInfoText(), state.dir);
  if (stillMounted.length > 0) {
    problems.push(`left ${state.dir} in place: still mounted below it: ${stillMounted.join(', ')}`);
  } else {
    for (const folder of new Set([state.dir, ...state.folders])) rmSync(folder, { recursive: true, force: true });
  }
  rmSync(state.etcDir, { recursive: true, force: true });

  // 6. the GlusterFS client logs named after mountpoints under the run's folder
  const logDir = LAB_DEFAULTS.glusterLogDir;
  const logNames = existsSync(logDir) ? readdirSync(logDir) : [];
  for (const name of selectGlusterClientLogs(logNames, state.dir)) rmSync(join(logDir, name), { force: true });

  if (problems.length === 0) removeStateFile(stateFile);
  return { problems };
}

/** rmdir of a cgroup folder and its sub-folders, deepest first; a folder that still holds processes stays. */
export function removeEmptyCgroupTree(folder: string): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return; // already gone
  }
  for (const entry of entries) if (entry.isDirectory()) removeEmptyCgroupTree(join(folder, entry.name));
  try {
    rmdirSync(folder);
  } catch {
    // EBUSY: processes are still in it (another run's live container); leave it
  }
}

export interface SweepOptions {
  stateDir?: string;
  onProgress?: (message: string) => void;
  /** also remove runs left up on purpose with keepLab (e.g. `ha-mount demo --clean`) */
  includeKept?: boolean;
}

/**
 * Removes what crashed earlier runs left: every run in the state folder whose owner process
 * is dead (kept runs only with `includeKept`). Nothing that no state file names is touched.
 * Returns the prefixes swept.
 */
export async function sweepStaleLabs(options: SweepOptions = {}): Promise<string[]> {
  const stateDir = options.stateDir ?? LAB_DEFAULTS.stateDir;
  const runs = readStateFiles(stateDir);
  const bootId = readBootId();
  const stale = runs.filter((run) => isRunStale(run.state, bootId, isProcessAlive) && (options.includeKept === true || run.state.kept !== true || run.state.bootId !== bootId));
  const liveRoutes = new Set(runs.filter((run) => !stale.includes(run)).map((run) => run.state.route));
  const swept: string[] = [];
  for (const run of stale) {
    options.onProgress?.(`removing stale lab run ${run.state.prefix} (owner pid ${run.state.owner.pid} is gone)`);
    const report = await teardownRun(run.state, run.file, { keepRoute: liveRoutes.has(run.state.route) });
    if (report.problems.length > 0) options.onProgress?.(`stale lab run ${run.state.prefix}: ${report.problems.join('; ')}`);
    swept.push(basename(run.file, '.json'));
  }
  return swept;
}
