// The machine and the versions a result was measured with.
import { readFileSync, statSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../src/exec/run.js';
import { findMissingPackages, installPackages } from '../src/lab/install.js';
import { median } from './stats.js';

/** Where and with what a bench ran. */
export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  versions: Record<string, string>;
  /** 1-minute load average sampled every 30 s while the failover trials ran (the bench's own lanes included) */
  load?: LoadSummary;
}

/** Load average over a run: how busy the two cores were, the bench's own processes included. */
export interface LoadSummary {
  samples: number;
  median: number;
  max: number;
}

/** Median and maximum of load samples, to one decimal; undefined without samples. Pure. */
export function summarizeLoad(samples: readonly number[]): LoadSummary | undefined {
  const middle = median(samples);
  if (middle === undefined) return undefined;
  const round = (value: number): number => Math.round(value * 10) / 10;
  return { samples: samples.length, median: round(middle), max: round(Math.max(...samples)) };
}

/** Samples the 1-minute load average every `everyMs` until the returned function is called. */
export function sampleLoad(everyMs = 30_000, read: () => number = () => loadavg()[0] ?? 0): () => LoadSummary | undefined {
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(read()), everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    return summarizeLoad(samples);
  };
}

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** The first line of a command's output matching `pattern` (stdout or stderr), or "unknown". */
async function readVersion(file: string, args: string[], pattern: RegExp): Promise<string> {
  const result = await runCommand({ file, args }, { timeoutMs: 5_000 });
  const text = `${result.stdout}\n${result.stderr}`;
  return pattern.exec(text)?.[1] ?? 'unknown';
}

/** Whether the sources differ from HEAD (bench/results, which a run rewrites, does not count). */
async function describeSourceChanges(): Promise<string> {
  const status = await runCommand({ file: 'git', args: ['-C', ROOT, 'status', '--porcelain', '--', '.', ':(exclude)bench/results'] }, { timeoutMs: 5_000 });
  if (status.exitCode !== 0) return '';
  return status.stdout.trim() === '' ? ', no uncommitted source changes' : ' + uncommitted source changes';
}

/** nproc, memory, kernel and the versions of glusterfs, moosefs, keepalived, node and ha-mount. */
export async function describeMachine(): Promise<MachineInfo> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const commit = await runCommand({ file: 'git', args: ['-C', ROOT, 'rev-parse', '--short', 'HEAD'] }, { timeoutMs: 5_000 });
  return {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    versions: {
      glusterfs: await readVersion('glusterfs', ['--version'], /glusterfs (\S+)/),
      moosefs: await readVersion('mfsmount', ['--version'], /MFS version:? (\S+)/),
      keepalived: await readVersion('keepalived', ['--version'], /Keepalived v(\S+)/),
      node: process.version,
      // the code that ran is the build in dist/, which may differ from HEAD while others commit
      'ha-mount': `${pkg.version} (dist built ${statSync(join(ROOT, 'dist/src/defaults.js')).mtime.toISOString().slice(0, 19)}Z${commit.exitCode === 0 ? `; HEAD ${commit.stdout.trim()}${await describeSourceChanges()}` : ''})`,
    },
  };
}

/** gnuplot draws the timeline: installed like the lab's packages when missing. */
export async function ensureGnuplot(onProgress: (message: string) => void): Promise<void> {
  const missing = await findMissingPackages(['gnuplot-nox']);
  await installPackages(missing, onProgress);
}
