import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, HaMountError } from '../errors.js';

/**
 * The folder of the ha-mount package (the one holding its package.json), found by walking up
 * from this module: the same answer from src/ under vitest and from dist/ once built.
 */
export function findPackageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readPackageName(manifest) === 'ha-mount') return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new HaMountError('ha-mount.install.package-root', `cannot find the ha-mount package above ${from}; run ha-mount from its installed package`, ExitCode.INTERNAL);
    }
    dir = parent;
  }
}

function readPackageName(path: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}
