// Renders the three man pages; `npm run build` writes them to dist/man/ (write-man-pages.ts). A
// package (the .deb, npm) takes them from there; `ha-mount install` copies them to PREFIX/usr/share/man/.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPackageRoot } from '../../install/package-root.js';
import { createProgram } from '../program.js';
import { readVersion } from '../version.js';
import { renderCommandPage } from './command-page.js';
import { renderConfigPage } from './config-page.js';
import { renderHelperPage } from './helper-page.js';

/** The pages by file name (section in the extension), rendered from this package. */
export function renderManPages(packageRoot: string = findPackageRoot()): Record<string, string> {
  const version = readVersion();
  return {
    'ha-mount.8': renderCommandPage(createProgram(), version),
    'mount.ha.8': renderHelperPage(version),
    'ha-mount.yaml.5': renderConfigPage(readFileSync(join(packageRoot, 'docs', 'config.md'), 'utf8'), version),
  };
}

/** The folder `npm run build` writes the pages to, below the package root. */
export const MAN_OUTPUT_DIR = join('dist', 'man');

/** Writes every page into `target`; returns the paths written. */
export function writeManPages(target: string): string[] {
  mkdirSync(target, { recursive: true });
  return Object.entries(renderManPages()).map(([name, text]) => {
    writeFileSync(join(target, name), text);
    return join(target, name);
  });
}
