// The version both commands print: package.json's. No commander, no YAML: mount.ha uses it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPackageRoot } from '../install/package-root.js';

/** package.json's `version`, or "unknown" when the package cannot be found (a copied-out script). */
export function readVersion(): string {
  try {
    const parsed = JSON.parse(readFileSync(join(findPackageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The line `--version` prints, e.g. "mount.ha (ha-mount) 0.1.0". */
export function formatVersion(command: 'ha-mount' | 'mount.ha', version: string = readVersion()): string {
  return command === 'ha-mount' ? `ha-mount ${version}` : `mount.ha (ha-mount) ${version}`;
}
