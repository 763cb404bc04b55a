import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../exec/run.js';
import { findMissingPackages, installPackages } from './install.js';
import { LAB_DEFAULTS } from './lab-defaults.js';
import { describeFailure, labError } from './lab-error.js';
import { isProcessAlive } from './procs.js';

/** What a cached Debian root is built from; its hash names the cache folder. */
export interface RootRecipe {
  suite: string;
  packages: readonly string[];
  /** the Node.js copied in as /usr/local/bin/node (as a nodejs.org tarball user would have it) */
  nodeVersion: string;
}

/** `debian12-<12 hex>`: the same recipe always gives the same folder, any change a new one. Pure. */
export function rootCacheName(recipe: RootRecipe): string {
  const text = JSON.stringify({ suite: recipe.suite, packages: [...recipe.packages].sort(), node: recipe.nodeVersion });
  return `debian12-${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
}

/** A build folder `NAME.tmp-PID` whose builder is gone: a crash mid-debootstrap. Pure given the probe. */
export function selectAbandonedBuilds(names: readonly string[], isAlive: (pid: number) => boolean): string[] {
  return names.filter((name) => {
    const match = /\.tmp-(\d+)$/.exec(name);
    return match !== null && !isAlive(Number(match[1]));
  });
}

/** The debootstrap argv: minbase plus the recipe's packages. Pure. */
export function buildDebootstrapArgs(recipe: RootRecipe, target: string, mirror: string): string[] {
  return ['--variant=minbase', `--include=${[...recipe.packages].join(',')}`, recipe.suite, target, mirror];
}

/** The recipe of this machine: the lab's package list and this process's Node.js. */
export function currentRecipe(): RootRecipe {
  const defaults = LAB_DEFAULTS.systemdHost;
  return { suite: defaults.suite, packages: defaults.packages, nodeVersion: process.version };
}

/**
 * The cached Debian 12 root for the recipe, built once with debootstrap from Debian's mirror
 * (in a `.tmp-PID` folder renamed when complete, so a crash never leaves a half root under the
 * final name). Installs systemd-container and debootstrap on the host when missing. Returns
 * the root's path; callers never write into it (runs use an overlay).
 */
export async function ensureCachedRoot(progress: (message: string) => void, recipe: RootRecipe = currentRecipe()): Promise<string> {
  const defaults = LAB_DEFAULTS.systemdHost;
  const missing = await findMissingPackages(defaults.hostPackages);
  if (missing.length > 0) await installPackages(missing, progress);
  mkdirSync(defaults.cacheDir, { recursive: true, mode: 0o755 });
  const root = join(defaults.cacheDir, rootCacheName(recipe));
  if (existsSync(join(root, 'usr/local/bin/node'))) return root;

  for (const name of selectAbandonedBuilds(readdirSync(defaults.cacheDir), (pid) => isProcessAlive(pid))) {
    rmSync(join(defaults.cacheDir, name), { recursive: true, force: true });
  }
  const building = `${root}.tmp-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  progress(`systemd host: building a Debian ${recipe.suite} root with debootstrap (once; cached as ${root})`);
  const started = Date.now();
  try {
    const result = await runCommand({ file: 'debootstrap', args: buildDebootstrapArgs(recipe, building, defaults.mirror) }, { timeoutMs: defaults.debootstrapTimeoutMs });
    if (result.exitCode !== 0) {
      throw labError('ha-mount.lab.install', `building the systemd client root failed: debootstrap ${buildDebootstrapArgs(recipe, building, defaults.mirror).join(' ')}: ${describeFailure(result)}; check the network to ${defaults.mirror} (see ${building}/debootstrap/debootstrap.log while it exists)`);
    }
    // the Node.js the package runs on, where nodejs.org's tarball puts it
    const node = join(building, 'usr/local/bin/node');
    mkdirSync(join(building, 'usr/local/bin'), { recursive: true });
    copyFileSync(process.execPath, node);
    chmodSync(node, 0o755);
    writeFileSync(join(building, 'etc/hostname'), `${defaults.hostname}\n`);
    try {
      renameSync(building, root);
    } catch (error) {
      // another run finished the same recipe first: use theirs
      if (!existsSync(join(root, 'usr/local/bin/node'))) throw error;
    }
    progress(`systemd host: Debian root built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return root;
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
}
