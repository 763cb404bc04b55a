import { chmodSync, cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { ExitCode, HaMountError } from '../errors.js';
import { runCommand } from '../exec/run.js';
import { findPackageRoot } from '../install/package-root.js';
import { type DebIdentity, debFileName, planDeb, renderControl } from './deb-plan.js';

/** dpkg-deb and npm get this long; packing ~40 MB takes a few seconds. */
const COMMAND_TIMEOUT_MS = 120_000;

async function runOrThrow(file: string, args: string[], cwd: string, what: string): Promise<string> {
  const result = await runCommand({ file, args }, { timeoutMs: COMMAND_TIMEOUT_MS, cwd });
  if (result.exitCode !== 0) {
    const why = result.spawnError ?? (result.timedOut ? `timed out after ${COMMAND_TIMEOUT_MS} ms` : result.stderr.trim() || `exit ${String(result.exitCode)}`);
    throw new HaMountError('ha-mount.package.command', `${what} failed: ${file} ${args.join(' ')}: ${why}`, ExitCode.SYSTEM);
  }
  return result.stdout;
}

/** The files `npm pack` would put in the tarball (package.json `files`), relative to the root. */
async function listPackFiles(root: string): Promise<string[]> {
  const out = await runOrThrow('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], root, 'listing the npm package files');
  const parsed = JSON.parse(out) as Array<{ files: Array<{ path: string }> }>;
  return (parsed[0]?.files ?? []).map((file) => file.path);
}

/** Top-level folders of node_modules that production needs (`npm ls --omit=dev`), e.g. `node_modules/yaml`. */
async function listDependencyDirs(root: string): Promise<string[]> {
  const out = await runOrThrow('npm', ['ls', '--omit=dev', '--all', '--parseable'], root, 'listing the production dependencies');
  const dirs = new Set<string>();
  for (const line of out.split('\n')) {
    const path = relative(root, line.trim());
    const parts = path.split(sep);
    if (parts[0] !== 'node_modules' || parts.length < 2) continue;
    // nested node_modules come with their top-level parent
    dirs.add(parts[1]?.startsWith('@') ? parts.slice(0, 3).join('/') : parts.slice(0, 2).join('/'));
  }
  return [...dirs].sort();
}

/** Disk use of a folder in KiB (Installed-Size:); symlinks count as themselves. */
function sizeKiB(path: string): number {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return Math.ceil(stat.size / 1024);
  return readdirSync(path).reduce((total, name) => total + sizeKiB(join(path, name)), 0);
}

/**
 * Builds `ha-mount_<version>_<arch>.deb` in `outDir` from a built package root (dist/ present):
 * the npm package's files and production node_modules (with unix-dgram compiled for this
 * Node.js) under /usr/lib/ha-mount, launchers in /usr/sbin, the unit, the sample config.
 * Returns the .deb's path.
 */
export async function buildDeb(options: { root?: string; outDir?: string } = {}): Promise<string> {
  const root = options.root ?? findPackageRoot();
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string; description: string };
  const architecture = (await runOrThrow('dpkg', ['--print-architecture'], root, 'reading the Debian architecture')).trim();
  const identity: DebIdentity = { name: manifest.name, version: manifest.version, architecture, description: manifest.description };
  const packFiles = await listPackFiles(root);
  if (!packFiles.includes('dist/bin/ha-mount.js')) {
    throw new HaMountError('ha-mount.package.not-built', `cannot build the .deb: dist/bin/ha-mount.js is not among the package files of ${root}; run \`npm run build\` first`, ExitCode.USAGE);
  }
  const entries = planDeb({
    identity,
    packFiles,
    dependencyDirs: await listDependencyDirs(root),
    unitTemplate: readFileSync(join(root, 'systemd', 'ha-mount.service'), 'utf8'),
  });
  const stage = mkdtempSync(join(tmpdir(), 'ha-mount-deb-'));
  try {
    // the stage is the client's "/" in the archive: mkdtemp's 0700 would be applied to it
    chmodSync(stage, 0o755);
    for (const entry of entries) {
      const target = join(stage, entry.path);
      mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
      if (entry.kind === 'copy') {
        cpSync(join(root, entry.from), target, { recursive: true, dereference: false });
      } else {
        writeFileSync(target, entry.content);
        chmodSync(target, entry.mode);
      }
    }
    const control = join(stage, 'DEBIAN', 'control');
    writeFileSync(control, renderControl(identity, sizeKiB(stage)));
    const outDir = options.outDir ?? root;
    mkdirSync(outDir, { recursive: true });
    const deb = join(outDir, debFileName(identity));
    await runOrThrow('dpkg-deb', ['--root-owner-group', '-Zxz', '-z1', '--build', stage, deb], root, 'building the .deb');
    return deb;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
