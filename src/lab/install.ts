import { constants, accessSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { runCommand } from '../exec/run.js';
import { LAB_DEFAULTS } from './lab-defaults.js';
import { labError } from './lab-error.js';

/** Packages `dpkg-query -W -f '${Package} ${Status}\n'` reports fully installed. Pure. */
export function parseInstalledPackages(output: string): Set<string> {
  const installed = new Set<string>();
  for (const line of output.split('\n')) {
    const [name, ...status] = line.trim().split(/\s+/);
    if (name && status.join(' ') === 'install ok installed') installed.add(name.split(':')[0] as string);
  }
  return installed;
}

/** The lab only works as root with a FUSE device; say what to do otherwise. */
export function checkPrivileges(uid: number | undefined = process.getuid?.()): void {
  if (uid !== 0) {
    throw labError(
      'ha-mount.lab.not-root',
      `the lab needs root (it creates network namespaces, mounts and starts servers) but runs as uid ${uid ?? 'unknown'}: run it with sudo, e.g. "sudo ha-mount demo" or "sudo npx vitest run --project lab"`,
    );
  }
}

export function checkFuseDevice(path = '/dev/fuse'): void {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
  } catch (error) {
    throw labError(
      'ha-mount.lab.no-fuse',
      `${path} is missing or not usable (${(error as NodeJS.ErrnoException).code ?? 'error'}): GlusterFS and MooseFS clients need FUSE; run "modprobe fuse", or start the container with --device /dev/fuse --cap-add SYS_ADMIN`,
      error,
    );
  }
}

/** Which of `packages` are not installed. */
export async function findMissingPackages(packages: readonly string[] = LAB_DEFAULTS.packages): Promise<string[]> {
  const result = await runCommand({ file: 'dpkg-query', args: ['-W', '-f', '${Package} ${Status}\n', ...packages] }, { timeoutMs: LAB_DEFAULTS.commandTimeoutMs });
  if (result.spawnError) {
    throw labError('ha-mount.lab.install', `cannot check installed packages: dpkg-query: ${result.spawnError}; the lab needs a Debian or Ubuntu machine with ${packages.join(' ')}`);
  }
  const installed = parseInstalledPackages(result.stdout);
  return packages.filter((name) => !installed.has(name));
}

async function runApt(args: string[], onProgress: (message: string) => void, what: string): Promise<void> {
  const tail: string[] = [];
  let partial = '';
  const onLine = (line: string): void => {
    const text = line.trim();
    if (!text) return;
    tail.push(text);
    if (tail.length > 5) tail.shift();
    // the lines a user wants to see move: fetching and unpacking, not every dependency check
    if (/^(Get:|Unpacking|Setting up|Err:|E:)/.test(text)) onProgress(`apt-get: ${text}`);
  };
  const result = await runCommand({ file: 'apt-get', args }, {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
    timeoutMs: LAB_DEFAULTS.installTimeoutMs,
    onOutput: (text) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      lines.forEach(onLine);
    },
  });
  onLine(partial);
  if (result.exitCode !== 0) {
    throw labError('ha-mount.lab.install', `${what} failed: apt-get ${args.join(' ')}: exit ${result.exitCode ?? result.signal}: ${tail.join(' | ')}; install the packages by hand ("apt-get install ${args.slice(2).join(' ')}") or check the network and /etc/apt/sources.list`);
  }
}

/**
 * Installs missing packages with apt-get (after one `apt-get update`). Services must not start
 * during install (a root-namespace glusterd would run outside the lab): unless the machine
 * already has a policy-rc.d, one that denies starts is in place for the install's duration.
 */
export async function installPackages(missing: readonly string[], onProgress: (message: string) => void): Promise<void> {
  if (missing.length === 0) return;
  onProgress(`installing ${missing.join(' ')} (apt-get, about 20 s)`);
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, '#!/bin/sh\n# ha-mount lab: no service starts during package install\nexit 101\n', { mode: 0o755 });
  try {
    await runApt(['update'], onProgress, 'apt-get update');
    await runApt(['install', '-y', ...missing], onProgress, `installing ${missing.join(' ')}`);
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
  const still = await findMissingPackages(missing);
  if (still.length > 0) throw labError('ha-mount.lab.install', `after apt-get install, still not installed: ${still.join(' ')}; install them by hand and retry`);
  onProgress(`installed ${missing.join(' ')}`);
}

/** Root, /dev/fuse, packages: everything the lab needs from the machine, installed when missing. */
export async function ensurePrerequisites(onProgress: (message: string) => void): Promise<void> {
  checkPrivileges();
  checkFuseDevice();
  const missing = await findMissingPackages();
  await installPackages(missing, onProgress);
}
