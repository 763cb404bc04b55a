import { posix } from 'node:path';
import { agentFlags, renderServiceUnit } from '../install/render.js';
import { SAMPLE_CONFIG } from '../install/sample-config.js';

/** Where the .deb puts things on the client; Debian 12 is merged-/usr, so /sbin/mount.ha is /usr/sbin/mount.ha. */
export const DEB_LAYOUT = {
  /** the npm package's files and its production node_modules */
  libDir: '/usr/lib/ha-mount',
  /** mount(8) finds mount.ha in /sbin, which is /usr/sbin on Debian 12 */
  sbinDir: '/usr/sbin',
  /** vendor units of Debian 12 packages (systemd 252 reads /lib/systemd/system, /etc overrides) */
  unitDir: '/lib/systemd/system',
  configFile: '/etc/ha-mount/ha-mount.yaml',
  manDir: '/usr/share/man',
  /** node that the launchers try, in order: a nodejs.org tarball unpacked in /usr/local, then NodeSource's `nodejs` package */
  nodeCandidates: ['/usr/local/bin/node', '/usr/bin/node'],
} as const;

/** What the package says about itself; from package.json and `dpkg --print-architecture`. */
export interface DebIdentity {
  name: string;
  version: string;
  architecture: string;
  description: string;
}

/** One file the .deb holds, content given (launchers, unit, control files) or copied from the package root. */
export type DebEntry =
  | { kind: 'text'; path: string; content: string; mode: number }
  | { kind: 'copy'; path: string; from: string };

/**
 * The launcher: runs a script of the package with the first Node.js of DEB_LAYOUT.nodeCandidates.
 * A shell script rather than a symlink with `#!/usr/bin/env node`, because mount(8) and systemd
 * run helpers with a minimal PATH. Pure.
 */
export function renderDebLauncher(name: string, script: string): string {
  const candidates = DEB_LAYOUT.nodeCandidates.join(' ');
  return [
    '#!/bin/sh',
    `# ${name}, from the ha-mount .deb: runs ${script} with Node.js 20`,
    `# (${DEB_LAYOUT.nodeCandidates[0]}: nodejs.org's tarball; ${DEB_LAYOUT.nodeCandidates[1]}: NodeSource's nodejs 20).`,
    ...agentFlags(name).setup,
    `for node in ${candidates}; do`,
    `  if [ -x "$node" ]; then exec "$node"${agentFlags(name).word} ${script} "$@"; fi`,
    'done',
    `echo "${name}: no Node.js found at ${candidates.replaceAll(' ', ' or ')}: install Node.js 20 (Debian 12's nodejs is 18, which ha-mount does not run on); see /usr/lib/ha-mount/README.md" >&2`,
    'exit 2',
    '',
  ].join('\n');
}

/** DEBIAN/control. Node.js is not a dependency: nodejs.org's tarball satisfies no dpkg relation (the launcher checks instead). Pure. */
export function renderControl(identity: DebIdentity, installedSizeKiB: number): string {
  return [
    `Package: ${identity.name}`,
    `Version: ${identity.version}`,
    `Architecture: ${identity.architecture}`,
    'Maintainer: ha-mount maintainers <ha-mount@localhost>',
    `Installed-Size: ${installedSizeKiB}`,
    'Depends: mount, fuse3 | fuse',
    'Recommends: glusterfs-client | moosefs-client',
    'Section: admin',
    'Priority: optional',
    `Description: ${identity.description}`,
    ' mount.ha (the fstab helper for type ha), the ha-mount command and the',
    ' ha-mount.service agent. Needs Node.js 20 in /usr/local/bin or /usr/bin.',
    '',
  ].join('\n');
}

/** postinst: make systemd see the unit, and let a running agent pick up the new code (a restart keeps the mounts). Pure. */
export function renderPostinst(): string {
  return [
    '#!/bin/sh',
    'set -e',
    'if [ -d /run/systemd/system ]; then',
    '  systemctl daemon-reload || true',
    '  if [ "$1" = configure ] && [ -n "$2" ]; then systemctl try-restart ha-mount.service || true; fi',
    'fi',
    '',
  ].join('\n');
}

/** postrm: forget the removed unit. Stopping the agent never unmounts, so removal leaves mounts alone. Pure. */
export function renderPostrm(): string {
  return ['#!/bin/sh', 'set -e', 'if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi', ''].join('\n');
}

/** A man page the build rendered (`dist/man/ha-mount.8`) -> where it goes (`/usr/share/man/man8/ha-mount.8`); undefined for anything else. Pure. */
export function manPageTarget(file: string): string | undefined {
  const match = /^dist\/man\/([\w.-]+\.([1-8]))$/.exec(file);
  return match ? posix.join(DEB_LAYOUT.manDir, `man${match[2]}`, match[1] as string) : undefined;
}

/**
 * Every entry of the .deb: the npm package's files (`packFiles`, as `npm pack` lists them) and
 * the production dependencies (`dependencyDirs`, relative to the package root) under
 * /usr/lib/ha-mount, the two launchers, the unit with ExecStart= on the launcher, the sample
 * config (a conffile: dpkg keeps the admin's edits), man pages, and the maintainer scripts. Pure.
 */
export function planDeb(input: { identity: DebIdentity; packFiles: readonly string[]; dependencyDirs: readonly string[]; unitTemplate: string }): DebEntry[] {
  const lib = DEB_LAYOUT.libDir;
  const entries: DebEntry[] = [];
  for (const file of input.packFiles) {
    entries.push({ kind: 'copy', path: posix.join(lib, file), from: file });
    const man = manPageTarget(file);
    if (man) entries.push({ kind: 'copy', path: man, from: file });
  }
  for (const dir of input.dependencyDirs) entries.push({ kind: 'copy', path: posix.join(lib, dir), from: dir });
  const launcher = (name: string): string => posix.join(DEB_LAYOUT.sbinDir, name);
  entries.push(
    { kind: 'text', path: launcher('mount.ha'), content: renderDebLauncher('mount.ha', posix.join(lib, 'dist/bin/mount.ha.js')), mode: 0o755 },
    { kind: 'text', path: launcher('ha-mount'), content: renderDebLauncher('ha-mount', posix.join(lib, 'dist/bin/ha-mount.js')), mode: 0o755 },
    { kind: 'text', path: posix.join(DEB_LAYOUT.unitDir, 'ha-mount.service'), content: renderServiceUnit(input.unitTemplate, `${launcher('ha-mount')} agent`), mode: 0o644 },
    { kind: 'text', path: DEB_LAYOUT.configFile, content: SAMPLE_CONFIG, mode: 0o644 },
    { kind: 'text', path: '/DEBIAN/conffiles', content: `${DEB_LAYOUT.configFile}\n`, mode: 0o644 },
    { kind: 'text', path: '/DEBIAN/postinst', content: renderPostinst(), mode: 0o755 },
    { kind: 'text', path: '/DEBIAN/postrm', content: renderPostrm(), mode: 0o755 },
  );
  return entries;
}

/** `ha-mount_0.1.0_amd64.deb`. Pure. */
export function debFileName(identity: DebIdentity): string {
  return `${identity.name}_${identity.version}_${identity.architecture}.deb`;
}

/** The unit file name the package installs, for callers that check it. */
export const DEB_UNIT = posix.join(DEB_LAYOUT.unitDir, 'ha-mount.service');