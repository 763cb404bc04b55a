// Overhead of mount.ha over mount.glusterfs, side by side on the lab: N alternating runs of each,
// every run a fresh mount of rep_vol1 through the VIP from the client's network namespace,
// unmounted before the next. Prints medians and the ratio. Run as root after `npm run build`:
//   node dist/bench/mount-overhead.js [RUNS]
import { existsSync, lstatSync, mkdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLab } from '../src/lab/lab.js';
import type { Lab } from '../src/lab/lab-types.js';
import { runCommand } from '../src/exec/run.js';
import { readMountInfo } from '../src/mount/mountinfo.js';
import type { Command } from '../src/types.js';

const runs = Number(process.argv[2] ?? 20);
const here = dirname(fileURLToPath(import.meta.url));
const helper = resolve(here, '../bin/mount.ha.js');
const launcher = '/sbin/mount.ha';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function isMounted(path: string): boolean {
  return readMountInfo().some((entry) => entry.mountpoint === path);
}

/** Runs a mount command, checks it mounted, unmounts; returns the mount command's wall time in ms. */
async function timeMount(lab: Lab, command: Command, mountpoint: string): Promise<number> {
  const started = performance.now();
  const result = await runCommand(lab.clientCommand(command), { timeoutMs: 30_000 });
  const elapsed = performance.now() - started;
  if (result.exitCode !== 0 || !isMounted(mountpoint)) throw new Error(`${command.file} ${command.args.join(' ')} failed: ${result.stderr}`);
  const unmounted = await runCommand({ file: 'umount', args: [mountpoint] }, { timeoutMs: 10_000 });
  if (unmounted.exitCode !== 0) throw new Error(`umount ${mountpoint}: ${unmounted.stderr}`);
  return elapsed;
}

const lab = await startLab({ gluster: true, moosefs: false, onProgress: (message) => process.stderr.write(`[lab] ${message}\n`) });
let addedLauncher = false;
try {
  const gluster = lab.gluster;
  if (!gluster) throw new Error('lab without GlusterFS');
  const mountpoint = `${lab.dir}/mnt/bench`;
  mkdirSync(mountpoint, { recursive: true });
  if (!existsSync(launcher)) {
    symlinkSync(helper, launcher);
    addedLauncher = true;
  }
  const source = `${gluster.vip}:/${gluster.volume}`;
  const backups = gluster.servers.map((server) => server.ip);
  // the direct call gets the options mount.ha would pass, so only the helper's own work differs
  const glusterOptions = `backup-volfile-servers=${backups.join(':')},xlator-option=*-client-*.ping-timeout=10`;
  const cases: Record<string, Command> = {
    'mount.glusterfs (direct)': { file: '/sbin/mount.glusterfs', args: [source, mountpoint, '-o', glusterOptions] },
    'mount.ha (direct)': { file: 'node', args: [helper, source, mountpoint, '-o', `servers=${backups.join(':')}`] },
    'mount -t glusterfs': { file: 'mount', args: ['-t', 'glusterfs', source, mountpoint, '-o', glusterOptions] },
    'mount -t ha': { file: 'mount', args: ['-t', 'ha', source, mountpoint, '-o', `servers=${backups.join(':')}`] },
  };
  const names = Object.keys(cases);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  // warm-up: page cache, glusterd's volfile cache
  for (const name of names) await timeMount(lab, cases[name] as Command, mountpoint);
  for (let run = 0; run < runs; run += 1) {
    // alternate the order so neither side always runs second
    const order = run % 2 === 0 ? names : [...names].reverse();
    for (const name of order) samples[name]?.push(await timeMount(lab, cases[name] as Command, mountpoint));
  }
  const medians = Object.fromEntries(names.map((name) => [name, median(samples[name] ?? [])]));
  const line = (name: string): string => {
    const values = samples[name] ?? [];
    return `${name.padEnd(26)} median ${medians[name]?.toFixed(1).padStart(6)} ms   min ${Math.min(...values).toFixed(1).padStart(6)}   max ${Math.max(...values).toFixed(1).padStart(6)}`;
  };
  process.stdout.write(`${runs} alternating runs each, client namespace ${lab.client.netns}, ${source}\n`);
  for (const name of names) process.stdout.write(`${line(name)}\n`);
  const ratio = (a: string, b: string): string => `${((medians[a] ?? 0) / (medians[b] ?? 1)).toFixed(2)}x (+${((medians[a] ?? 0) - (medians[b] ?? 0)).toFixed(1)} ms)`;
  process.stdout.write(`mount.ha / mount.glusterfs: ${ratio('mount.ha (direct)', 'mount.glusterfs (direct)')}\n`);
  process.stdout.write(`mount -t ha / mount -t glusterfs: ${ratio('mount -t ha', 'mount -t glusterfs')}\n`);
} finally {
  if (addedLauncher && lstatSync(launcher).isSymbolicLink()) unlinkSync(launcher);
  await lab.stop();
}
