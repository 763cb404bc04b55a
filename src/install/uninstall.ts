import { rmdir, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DEFAULTS } from '../defaults.js';
import { ExitCode, HaMountError } from '../errors.js';
import { checkUninstallPath, manifestPathFor } from './install-plan.js';
import { checkPrefixFolder } from './install.js';
import { quoteValue } from '../config/validate.js';
import { hashFile, readManifest } from './manifest.js';

/** What uninstall did, path by path. */
export interface UninstallReport {
  removed: string[];
  /** changed since install wrote them: left in place for the admin */
  modified: string[];
  /** already gone */
  missing: string[];
  dirsRemoved: string[];
  /** folders install made that now hold something else: left */
  dirsLeft: string[];
}

/**
 * Removes exactly what the manifest lists and nothing the admin changed: a file whose sha256
 * differs from what install wrote is left and reported; a folder install made goes only when
 * empty. Then the manifest itself goes.
 */
export async function uninstallFiles(options: { prefix?: string } = {}): Promise<UninstallReport> {
  const prefix = resolve(options.prefix ?? DEFAULTS.install.prefix);
  const manifestPath = manifestPathFor(prefix);
  await checkPrefixFolder(prefix, 'uninstall');
  const manifest = await readManifest(manifestPath);
  if (!manifest) {
    throw new HaMountError(
      'ha-mount.uninstall.no-manifest',
      `cannot uninstall: there is no install manifest at ${manifestPath}, so ha-mount install did not install under ${prefix} (or it was removed); nothing was touched`,
      ExitCode.USAGE,
    );
  }
  const refused = [
    ...manifest.files.map((file) => [file?.path, checkUninstallPath(prefix, file?.path, 'file')] as const),
    ...manifest.dirs.map((dir) => [dir, checkUninstallPath(prefix, dir, 'dir')] as const),
  ].filter(([, problem]) => problem !== undefined);
  if (refused.length > 0) {
    throw new HaMountError(
      'ha-mount.uninstall.foreign-path',
      `cannot uninstall: the install manifest ${manifestPath} lists ${refused.map(([path, problem]) => `${quoteValue(String(path))} (${problem})`).join(', ')}; install never writes there, so the manifest was changed by someone else. Nothing was removed: check who edited it, then remove ha-mount's files by hand`,
      ExitCode.USAGE,
    );
  }
  const report: UninstallReport = { removed: [], modified: [], missing: [], dirsRemoved: [], dirsLeft: [] };
  try {
    for (const file of manifest.files) {
      const current = await hashFile(file.path);
      if (current === undefined) report.missing.push(file.path);
      else if (current !== file.sha256) report.modified.push(file.path);
      else {
        await unlink(file.path);
        report.removed.push(file.path);
      }
    }
    await unlink(manifestPath);
    for (const dir of [...manifest.dirs].reverse()) {
      try {
        await rmdir(dir);
        report.dirsRemoved.push(dir);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOTEMPTY' || code === 'EEXIST') report.dirsLeft.push(dir);
        else if (code !== 'ENOENT') throw error;
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HaMountError(
      'ha-mount.uninstall.write',
      `cannot uninstall under ${prefix}: ${code ?? String(error)} on ${(error as NodeJS.ErrnoException).path ?? manifestPath}; ${code === 'EACCES' || code === 'EPERM' ? 'run as root' : 'check the prefix and try again'}`,
      code === 'EACCES' || code === 'EPERM' ? ExitCode.USAGE : ExitCode.SYSTEM,
      { cause: error },
    );
  }
  return report;
}
