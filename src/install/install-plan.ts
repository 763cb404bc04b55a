import { isAbsolute, join, resolve } from 'node:path';
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
      path: join(underPrefix(layout.prefix, DEFAULTS.install.manDir), `man${page.name.slice(page.name.lastIndexOf('.') + 1)}`, page.name),
      content: page.content,
      mode: 0o644,
      role: 'man',
    })),
  ];
}
