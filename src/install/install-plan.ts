import { dirname, isAbsolute, join, posix, resolve } from 'node:path';
import { DEFAULTS } from '../defaults.js';
import { ExitCode, HaMountError } from '../errors.js';
import { renderLauncher, renderServiceUnit } from './render.js';
import { SAMPLE_CONFIG } from './sample-config.js';

/** What a file is for; a config is never overwritten, the others are ha-mount's own. */
export type InstalledRole = 'launcher' | 'unit' | 'config' | 'man';

/** A rendered man page: its file name (`ha-mount.8`, the section is the extension) and text. */
export interface ManPage {
  name: string;
  content: string;
}

/** One file install would write. */
export interface PlannedFile {
  /** absolute path under the prefix */
  path: string;
  content: string;
  mode: number;
  role: InstalledRole;
}

/** Where things go and where they come from; all paths absolute. */
export interface InstallLayout {
  prefix: string;
  /** relative to the prefix: lib/systemd/system (vendor units) or etc/systemd/system */
  unitDir: string;
  packageRoot: string;
  nodePath: string;
}

// systemd reads %, \, quotes and white space in ExecStart= as specifiers and word breaks
const unitSafePath = /^[A-Za-z0-9/._+-]+$/;

/** The absolute path of `relative` under the install prefix. Pure. */
export function underPrefix(prefix: string, relative: string): string {
  return join(resolve(prefix), relative);
}

/** Where a man page goes under `prefix`: usr/share/man/manN/NAME.N. Pure. */
export function manPagePath(prefix: string, name: string): string {
  return join(underPrefix(prefix, DEFAULTS.install.manDir), `man${name.slice(name.lastIndexOf('.') + 1)}`, name);
}

/** The manifest file of an install under `prefix`. Pure. */
export function manifestPathFor(prefix: string): string {
  return underPrefix(prefix, DEFAULTS.install.manifestPath);
}

/**
 * The files of an install: the mount.ha and ha-mount launchers in sbin (where mount(8) looks
 * for mount.TYPE), the service unit with ExecStart= on the installed launcher, and the sample
 * config, and the man pages in usr/share/man/manN. `unitTemplate` is the text of
 * systemd/ha-mount.service; `manPages` come from dist/man/ (npm run build). Pure.
 */
export function planInstall(layout: InstallLayout, unitTemplate: string, manPages: readonly ManPage[] = []): PlannedFile[] {
  if (isAbsolute(layout.unitDir) || layout.unitDir.split('/').includes('..')) {
    throw new HaMountError('ha-mount.install.unit-dir', `--unit-dir ${layout.unitDir}: expected a folder relative to the prefix, e.g. lib/systemd/system or etc/systemd/system`, ExitCode.USAGE);
  }
  const sbin = underPrefix(layout.prefix, DEFAULTS.install.sbinDir);
  const agentLauncher = join(sbin, 'ha-mount');
  if (!unitSafePath.test(agentLauncher)) {
    throw new HaMountError(
      'ha-mount.install.prefix',
      `cannot install under ${layout.prefix}: the unit's ExecStart= would name ${agentLauncher}, and systemd reads white space, quotes, % and \\ there specially; choose a prefix made of letters, digits and / . _ + -`,
      ExitCode.USAGE,
    );
  }
  const script = (name: string) => join(layout.packageRoot, 'dist', 'bin', `${name}.js`);
  return [
    { path: join(sbin, 'mount.ha'), content: renderLauncher('mount.ha', layout.nodePath, script('mount.ha')), mode: 0o755, role: 'launcher' },
    { path: agentLauncher, content: renderLauncher('ha-mount', layout.nodePath, script('ha-mount')), mode: 0o755, role: 'launcher' },
    {
      path: join(underPrefix(layout.prefix, layout.unitDir), 'ha-mount.service'),
      content: renderServiceUnit(unitTemplate, `${agentLauncher} agent`),
      mode: 0o644,
      role: 'unit',
    },
    { path: underPrefix(layout.prefix, 'etc/ha-mount/ha-mount.yaml'), content: SAMPLE_CONFIG, mode: 0o644, role: 'config' },
    ...manPages.map((page): PlannedFile => ({
      path: manPagePath(layout.prefix, page.name),
      content: page.content,
      mode: 0o644,
      role: 'man',
    })),
  ];
}

/** The file names install writes under the prefix; the unit's folder may be any one below it (--unit-dir). */
const UNIT_NAME = 'ha-mount.service';

/**
 * Why uninstall must not touch `path`, listed in the manifest under `prefix`, or undefined when it
 * is one that install itself creates: a launcher in sbin, the sample config, a unit file
 * ha-mount.service in a folder below the prefix, the manifest; for folders, the prefix or a folder
 * below it on the way to one of those. The manifest is a file anyone with write access to it can
 * edit, so nothing it lists is trusted beyond that. Pure.
 */
export function checkUninstallPath(prefix: string, path: unknown, kind: 'file' | 'dir'): string | undefined {
  const root = resolve(prefix);
  if (typeof path !== 'string' || !isAbsolute(path) || posix.normalize(path) !== path || path.includes('\0')) return 'not an absolute, normalised path';
  const below = (candidate: string): boolean => candidate.startsWith(root === '/' ? '/' : `${root}/`) && candidate !== root;
  if (kind === 'file') {
    const fixed = [
      join(underPrefix(root, DEFAULTS.install.sbinDir), 'mount.ha'),
      join(underPrefix(root, DEFAULTS.install.sbinDir), 'ha-mount'),
      underPrefix(root, 'etc/ha-mount/ha-mount.yaml'),
      manifestPathFor(root),
      ...DEFAULTS.install.manPages.map((name) => manPagePath(root, name)),
    ];
    if (fixed.includes(path)) return undefined;
    if (below(path) && path.endsWith(`/${UNIT_NAME}`) && dirname(path) !== root) return undefined;
    return `not a file ha-mount install creates under ${root}`;
  }
  if (path === root || below(path)) return undefined;
  return `not a folder at or below ${root}`;
}
