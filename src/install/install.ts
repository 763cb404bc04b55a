import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DEFAULTS } from '../defaults.js';
import { ExitCode, HaMountError } from '../errors.js';
import { checkUninstallPath, manifestPathFor, planInstall, type ManPage, type PlannedFile } from './install-plan.js';
import { hashContent, hashFile, readManifest, type InstallManifest, type ManifestFile } from './manifest.js';
import { findPackageRoot } from './package-root.js';
import { checkPackageTrust } from './package-trust.js';

/** Options of `ha-mount install`; everything but the prefix defaults to this package and node. */
export interface InstallOptions {
  prefix?: string;
  unitDir?: string;
  packageRoot?: string;
  nodePath?: string;
  now?: () => Date;
}

/** What install did, path by path. */
export interface InstallReport {
  created: string[];
  /** ha-mount's own files from an earlier install, untouched since, rewritten */
  updated: string[];
  /** already there with exactly the content install would write */
  unchanged: string[];
  /** an existing config, left as it was */
  kept: string[];
  manifestPath: string;
}

/**
 * Installs the launchers, the unit and (when there is none) the sample config under the
 * prefix, then writes the manifest of what it created. Nothing is written when any target
 * exists with content ha-mount did not put there: the error lists those files.
 */
export async function installFiles(options: InstallOptions = {}): Promise<InstallReport> {
  const prefix = resolve(options.prefix ?? DEFAULTS.install.prefix);
  try {
    await checkPrefixFolder(prefix, 'install');
    return await installUnder(prefix, options);
  } catch (error) {
    throw toInstallError(error, prefix);
  }
}

/**
 * Refuses a prefix that is not a folder (a regular file, a device...), before anything below it is
 * read or written: every path under it would fail with ENOTDIR. A missing prefix is created by install.
 */
export async function checkPrefixFolder(prefix: string, command: 'install' | 'uninstall'): Promise<void> {
  let stats;
  try {
    stats = await stat(prefix);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && command === 'install') return;
    if (code === 'ENOTDIR' || code === 'ENOENT') {
      throw new HaMountError(`ha-mount.${command}.prefix`, `cannot ${command} under ${prefix}: ${code === 'ENOENT' ? 'it does not exist' : 'a part of that path is a file, not a folder'}; give a folder with --prefix`, ExitCode.USAGE, { cause: error });
    }
    throw error;
  }
  if (!stats.isDirectory()) {
    throw new HaMountError(`ha-mount.${command}.prefix`, `cannot ${command} under ${prefix}: it is a file, not a folder; give a folder with --prefix (install creates it when missing)`, ExitCode.USAGE);
  }
}

async function installUnder(prefix: string, options: InstallOptions): Promise<InstallReport> {
  const packageRoot = options.packageRoot ?? findPackageRoot();
  for (const name of ['mount.ha', 'ha-mount']) {
    const script = join(packageRoot, 'dist', 'bin', `${name}.js`);
    if (!existsSync(script)) {
      throw new HaMountError('ha-mount.install.not-built', `cannot install: ${script} is missing; run \`npm run build\` in ${packageRoot} first`, ExitCode.USAGE);
    }
  }
  checkPackageTrust(packageRoot, options.nodePath ?? process.execPath);
  const unitTemplate = await readFile(join(packageRoot, 'systemd', 'ha-mount.service'), 'utf8');
  const manPages = await readManPages(packageRoot);
  const planned = planInstall(
    { prefix, unitDir: options.unitDir ?? DEFAULTS.install.unitDir, packageRoot, nodePath: options.nodePath ?? process.execPath },
    unitTemplate,
    manPages,
  );
  const manifestPath = manifestPathFor(prefix);
  const previous = await readManifest(manifestPath);
  const ownedBefore = new Map((previous?.files ?? []).map((file) => [file.path, file.sha256]));

  const report: InstallReport = { created: [], updated: [], unchanged: [], kept: [], manifestPath };
  const toWrite: PlannedFile[] = [];
  const files: ManifestFile[] = [];
  const conflicts: string[] = [];
  for (const file of planned) {
    const wanted = hashContent(file.content);
    const current = await hashFile(file.path);
    const ours = current !== undefined && ownedBefore.get(file.path) === current;
    if (current === undefined) {
      report.created.push(file.path);
      toWrite.push(file);
      files.push({ path: file.path, sha256: wanted });
    } else if (file.role === 'config') {
      report.kept.push(file.path); // the admin's config; still ours to remove only if untouched since we wrote it
      if (ours) files.push({ path: file.path, sha256: current });
    } else if (current === wanted) {
      report.unchanged.push(file.path);
      files.push({ path: file.path, sha256: wanted });
    } else if (ours) {
      report.updated.push(file.path);
      toWrite.push(file);
      files.push({ path: file.path, sha256: wanted });
    } else {
      conflicts.push(file.path);
    }
  }
  if (conflicts.length > 0) {
    throw new HaMountError(
      'ha-mount.install.conflict',
      `cannot install: ${conflicts.join(', ')} ${conflicts.length === 1 ? 'exists' : 'exist'} and ${conflicts.length === 1 ? 'was' : 'were'} not written by ha-mount install (or changed since); move ${conflicts.length === 1 ? 'it' : 'them'} away and run install again. Nothing was written.`,
      ExitCode.USAGE,
    );
  }

  const dirs = [...(previous?.dirs ?? []).filter((dir) => existsSync(dir) && checkUninstallPath(prefix, dir, 'dir') === undefined)];
  for (const dir of [...toWrite.map((file) => dirname(file.path)), dirname(manifestPath)]) {
    // folders above the prefix are not ours to remove later (uninstall refuses them)
    for (const created of await makeDirectory(dir)) if (!dirs.includes(created) && checkUninstallPath(prefix, created, 'dir') === undefined) dirs.push(created);
  }
  // the manifest goes first: if a write fails half-way, uninstall still knows every file (a missing one is reported)
  const manifest: InstallManifest = { version: 1, prefix, installedAt: (options.now ?? (() => new Date()))().toISOString(), files, dirs };
  await writeAtomically(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`, 0o644);
  for (const file of toWrite) await writeAtomically(file.path, file.content, file.mode);
  return report;
}

/** The man pages `npm run build` wrote to dist/man/; missing ones mean the build did not finish. */
async function readManPages(packageRoot: string): Promise<ManPage[]> {
  return Promise.all(
    DEFAULTS.install.manPages.map(async (name) => {
      const path = join(packageRoot, 'dist', 'man', name);
      if (!existsSync(path)) throw new HaMountError('ha-mount.install.not-built', `cannot install: ${path} is missing; run \`npm run build\` in ${packageRoot} first (it renders the man pages)`, ExitCode.USAGE);
      return { name, content: await readFile(path, 'utf8') };
    }),
  );
}

/** mkdir -p that returns the folders it created, parents first. */
async function makeDirectory(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let at = dir; !existsSync(at); at = dirname(at)) missing.unshift(at);
  if (missing.length > 0) await mkdir(dir, { recursive: true, mode: 0o755 });
  return missing;
}

/** Writes a sibling temp file and renames it over the target: a reader never sees half a launcher. */
async function writeAtomically(path: string, content: string, mode: number): Promise<void> {
  const temp = `${path}.ha-mount-${process.pid}.tmp`;
  await writeFile(temp, content, { mode });
  await chmod(temp, mode); // writeFile's mode is filtered by the umask
  await rename(temp, path);
}

function toInstallError(error: unknown, prefix: string): HaMountError {
  if (error instanceof HaMountError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const path = (error as NodeJS.ErrnoException).path ?? prefix;
  const hint = code === 'EACCES' || code === 'EPERM' ? 'run as root, or pass --prefix to a folder you can write' : 'check the prefix and try again';
  return new HaMountError('ha-mount.install.write', `cannot install under ${prefix}: ${code ?? String(error)} on ${path}; ${hint}`, code === 'EACCES' || code === 'EPERM' ? ExitCode.USAGE : ExitCode.SYSTEM, { cause: error });
}
