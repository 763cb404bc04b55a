// What ha-mount costs: the agent's RSS and CPU while it watches 1, 10 and 50 mounts at a 1 s
// probe interval, and 50 at 5 s; the floor (a bare mount on this machine); mount.ha against mount.glusterfs
// (bench/mount-overhead.ts, run as its own program with its own lab).
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../src/exec/run.js';
import { waitUntil } from '../src/lab/lab-access.js';
import type { Lab } from '../src/lab/lab-types.js';
import type { BackendName } from '../src/types.js';
import { readCpuSeconds, readRssKb } from '../src/lab/procs.js';
import { sleep } from './processes.js';
import { buildPlainMountCommand, mountByHand, readAgentStatus, startAgent, unmountAll } from './setups.js';
import { median } from './stats.js';

/** One cost measurement: how many mounts, probed how often. */
export interface CostCase {
  mounts: number;
  intervalS: number;
}

/** The issue's 1, 10 and 50 mounts at 1 s, and 50 at 5 s to show what a longer interval saves. */
export const COST_CASES: readonly CostCase[] = [
  { mounts: 1, intervalS: 1 },
  { mounts: 10, intervalS: 1 },
  { mounts: 50, intervalS: 1 },
  { mounts: 50, intervalS: 5 },
];
export const QUICK_COST_CASES: readonly CostCase[] = [{ mounts: 1, intervalS: 1 }];

/** The agent watching `mounts` mounts. */
export interface AgentCost {
  mounts: number;
  /** probe interval; absent in results from before it varied (1 s) */
  intervalS?: number;
  /** which build ran (`--cost-baseline`): "baseline" or absent for this tree */
  build?: string;
  seconds: number;
  rssMiB: number;
  /** RSS of the agent plus every live process below it (the probe helper, its workers), median; absent in older results */
  rssWithHelperMiB?: number;
  /** agent process CPU, % of one core, median of 5 s windows */
  cpuPercent: number;
  /** the same including every child: the reaped probe processes, and the live probe helper with the children it reaped */
  cpuPercentWithChildren: number;
}

/** An ha-mount build to measure: its CLI (dist/bin/ha-mount.js), a label ("" for this tree) and node options. */
export interface CostBuild {
  label: string;
  cli?: string;
  /** NODE_OPTIONS for its agent, as a unit's Environment= would set them */
  nodeOptions?: string;
  /** node's own arguments before the script, as the launcher gives `agent` its V8 flags */
  nodeArgs?: readonly string[];
}

/** Median time of a bare mount command. */
export interface MountFloor {
  backend: BackendName;
  command: string;
  runs: number;
  medianMs: number;
  minMs: number;
}

/** What bench/mount-overhead.ts printed. */
export interface MountOverhead {
  runs: number;
  lines: string[];
  /** mount.ha / mount.glusterfs, called directly */
  ratioDirect?: number;
  /** mount -t ha / mount -t glusterfs */
  ratioViaMount?: number;
  error?: string;
}

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** Times `runs` bare mounts (mount + lazy unmount each) from the client namespace. */
export async function measureFloor(lab: Lab, backend: BackendName, runs: number): Promise<MountFloor> {
  const mountpoint = join(lab.dir, 'bench', `floor-${backend}`);
  mkdirSync(mountpoint, { recursive: true });
  const command = buildPlainMountCommand(lab, backend, mountpoint);
  const samples: number[] = [];
  for (let run = 0; run <= runs; run += 1) {
    const result = await runCommand(lab.clientCommand(command), { timeoutMs: 30_000 });
    if (result.exitCode !== 0) throw new Error(`floor: ${command.file} ${command.args.join(' ')}: ${result.stderr.trim()}`);
    // the first is a warm-up (page cache, volfile)
    if (run > 0) samples.push(result.durationMs);
    await unmountAll(mountpoint, backend);
  }
  return { backend, command: `${command.file} ${command.args.join(' ')}`, runs, medianMs: Math.round((median(samples) ?? 0) * 10) / 10, minMs: Math.round(Math.min(...samples) * 10) / 10 };
}

/** Live children of `pid` (of its main thread, which is where Node and Perl fork). */
function listChildren(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * CPU seconds of `pid` and everything below it, live or reaped; and RSS of `pid` plus everything
 * live below it (the probe helper and its workers; a sample may catch a short-lived child too).
 */
function sampleTree(pid: number): { cpu: { self: number; all: number } | undefined; rssKb: number | undefined; rssWithChildrenKb: number | undefined } {
  const own = readCpuSeconds(pid);
  let all = own ? own.self + own.children : 0;
  let childrenKb = 0;
  const walk = (parent: number): void => {
    for (const child of listChildren(parent)) {
      const cpu = readCpuSeconds(child);
      if (cpu) all += cpu.self + cpu.children;
      childrenKb += readRssKb(child) ?? 0;
      walk(child);
    }
  };
  walk(pid);
  const rssKb = readRssKb(pid);
  return { cpu: own ? { self: own.self, all } : undefined, rssKb, rssWithChildrenKb: rssKb === undefined ? undefined : rssKb + childrenKb };
}

/** Runs an agent watching `count` mounts of the volume, probing every `intervalS`, and samples it for `seconds`. */
async function measureAgent(lab: Lab, workDir: string, { mounts: count, intervalS }: CostCase, seconds: number, build?: CostBuild): Promise<AgentCost> {
  const dir = join(workDir, `cost-${count}-${intervalS}s${build?.label ? `-${build.label.replace(/[^a-z0-9]+/gi, '-')}` : ''}`);
  mkdirSync(dir, { recursive: true });
  // each mount a subfolder of the volume: mounts of one folder would share one write-probe file
  // (<mount>/.ha-mount/<host>/probe) and clobber each other's probes
  const mounts = Array.from({ length: count }, (_, index) => ({ name: `cost${index}`, mountpoint: join(lab.dir, 'bench', `cost-${index}`), subdir: `/cost-${index}` }));
  for (const mount of mounts) mkdirSync(mount.mountpoint, { recursive: true });
  await createVolumeFolders(lab, mounts.map((mount) => mount.subdir));
  const stateDir = join(dir, 'state');
  const agent = startAgent(lab, { dir, backend: 'glusterfs', mounts, log: join(dir, 'agent.log'), stateDir, intervalS, ...(build?.cli ? { cli: build.cli } : {}), ...(build?.nodeOptions ? { nodeOptions: build.nodeOptions } : {}), ...(build?.nodeArgs ? { nodeArgs: build.nodeArgs } : {}) });
  try {
    await waitUntil(`agent healthy on ${count} mounts`, () => {
      const status = readAgentStatus(stateDir);
      return status?.mounts.length === count && status.mounts.every((mount) => mount.state === 'healthy');
    }, 60_000 + count * 2_000, 250);
    // the agent process is node itself inside nsenter: find it by its parent
    const pid = findAgentPid(agent.child.pid ?? -1);
    await sleep(3_000);
    const rss: number[] = [];
    const rssAll: number[] = [];
    const cpu: number[] = [];
    const cpuAll: number[] = [];
    let last = sampleTree(pid).cpu;
    let lastAt = performance.now();
    for (let second = 1; second <= seconds; second += 1) {
      await sleep(1_000);
      const sample = sampleTree(pid);
      rss.push(sample.rssKb ?? Number.NaN);
      rssAll.push(sample.rssWithChildrenKb ?? Number.NaN);
      if (second % 5 === 0) {
        const now = sample.cpu;
        const at = performance.now();
        if (now && last) {
          const wall = (at - lastAt) / 1_000;
          cpu.push(((now.self - last.self) / wall) * 100);
          cpuAll.push(((now.all - last.all) / wall) * 100);
        }
        last = now;
        lastAt = at;
      }
    }
    const round = (value: number | undefined): number => Math.round((value ?? Number.NaN) * 10) / 10;
    const cost: AgentCost = {
      mounts: count,
      intervalS,
      seconds,
      rssMiB: round((median(rss) ?? 0) / 1024),
      rssWithHelperMiB: round((median(rssAll) ?? 0) / 1024),
      cpuPercent: round(median(cpu)),
      cpuPercentWithChildren: round(median(cpuAll)),
    };
    if (build?.label) cost.build = build.label;
    return cost;
  } finally {
    await agent.stop();
    await Promise.all(mounts.map((mount) => unmountAll(mount.mountpoint, 'glusterfs')));
  }
}

/** Creates folders at the volume's root through a temporary plain mount. */
async function createVolumeFolders(lab: Lab, folders: readonly string[]): Promise<void> {
  const mountpoint = join(lab.dir, 'bench', 'cost-setup');
  mkdirSync(mountpoint, { recursive: true });
  await mountByHand(lab, buildPlainMountCommand(lab, 'glusterfs', mountpoint));
  try {
    for (const folder of folders) mkdirSync(join(mountpoint, folder), { recursive: true });
  } finally {
    await unmountAll(mountpoint, 'glusterfs');
  }
}

/** nsenter execs node in place: the pid is the agent's, unless a wrapper forked; then its child. */
function findAgentPid(spawnedPid: number): number {
  const comm = (pid: number): string => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      return '';
    }
  };
  if (comm(spawnedPid) === 'node') return spawnedPid;
  const children = readFileSync(`/proc/${spawnedPid}/task/${spawnedPid}/children`, 'utf8').trim().split(/\s+/).map(Number);
  return children.find((pid) => comm(pid) === 'node') ?? spawnedPid;
}

/**
 * Agent cost in each case, one after the other; with other `builds` (another tree's CLI, or this
 * one with node options), each is measured right after this tree's in each case, on the same lab.
 */
export async function measureAgentCosts(lab: Lab, workDir: string, cases: readonly CostCase[], seconds: number, onProgress: (message: string) => void, builds: readonly CostBuild[] = []): Promise<AgentCost[]> {
  const costs: AgentCost[] = [];
  for (const costCase of cases) {
    for (const build of [undefined, ...builds]) {
      onProgress(`cost: ${build ? `${build.label} agent` : 'agent'} watching ${costCase.mounts} mount(s) at a ${costCase.intervalS} s interval for ${seconds} s`);
      costs.push(await measureAgent(lab, workDir, costCase, seconds, build));
    }
  }
  return costs;
}

/** Parses mount-overhead's "A / B: 1.23x (+4.5 ms)" lines. Pure. */
export function parseOverheadOutput(text: string, runs: number): MountOverhead {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const ratio = (label: string): number | undefined => {
    const line = lines.find((candidate) => candidate.startsWith(label));
    const match = line === undefined ? null : /:\s*([\d.]+)x/.exec(line);
    return match ? Number(match[1]) : undefined;
  };
  const overhead: MountOverhead = { runs, lines };
  const direct = ratio('mount.ha / mount.glusterfs');
  const viaMount = ratio('mount -t ha / mount -t glusterfs');
  if (direct !== undefined) overhead.ratioDirect = direct;
  if (viaMount !== undefined) overhead.ratioViaMount = viaMount;
  return overhead;
}

/** Runs bench/mount-overhead.ts (it brings up and stops its own lab). */
export async function measureMountOverhead(runs: number): Promise<MountOverhead> {
  const result = await runCommand({ file: process.execPath, args: [join(ROOT, 'dist/bench/mount-overhead.js'), String(runs)] }, { timeoutMs: 15 * 60_000 });
  const overhead = parseOverheadOutput(result.stdout, runs);
  if (result.exitCode !== 0) overhead.error = `exit ${result.exitCode ?? result.signal}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  return overhead;
}
