import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ExitCode, HaMountError } from '../errors.js';

/** One file `ha-mount install` created, with the hash of what it wrote. */
export interface ManifestFile {
  /** absolute path */
  path: string;
  sha256: string;
}

/**
 * What `ha-mount install` created under a prefix, so that `uninstall` removes exactly that:
 * files whose content is still what install wrote, and then the folders install made, if empty.
 */
export interface InstallManifest {
  version: 1;
  prefix: string;
  installedAt: string;
  files: ManifestFile[];
  /** folders install created, parents first */
  dirs: string[];
}

/** sha256 of a text or buffer, hex. Pure. */
export function hashContent(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** sha256 of a file, or undefined when it does not exist. */
export async function hashFile(path: string): Promise<string | undefined> {
  try {
    return hashContent(await readFile(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Reads a manifest; undefined when there is none. A damaged one is an error naming the file. */
export async function readManifest(path: string): Promise<InstallManifest | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<InstallManifest>;
    if (parsed.version !== 1 || !Array.isArray(parsed.files) || !Array.isArray(parsed.dirs)) throw new Error('unexpected shape');
    if (!parsed.files.every((file) => typeof file?.path === 'string' && typeof file.sha256 === 'string') || !parsed.dirs.every((dir) => typeof dir === 'string')) throw new Error('unexpected entries');
    return parsed as InstallManifest;
  } catch (error) {
    throw new HaMountError(
      'ha-mount.install.manifest',
      `the install manifest ${path} is damaged (${(error as Error).message}); remove the files it listed by hand, then delete it`,
      ExitCode.SYSTEM,
      { cause: error },
    );
  }
}
