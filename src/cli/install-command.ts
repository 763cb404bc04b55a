import type { Command } from 'commander';
import { DEFAULTS } from '../defaults.js';
import { installFiles, type InstallOptions, type InstallReport } from '../install/install.js';
import { uninstallFiles, type UninstallReport } from '../install/uninstall.js';

/** What the commands need from outside; tests inject output and the package to install. */
export interface InstallCommandDeps {
  write?: (text: string) => void;
  /** passed through to installFiles (packageRoot, nodePath, now) */
  install?: Omit<InstallOptions, 'prefix' | 'unitDir'>;
}

/** Adds `ha-mount install [--prefix DIR] [--unit-dir DIR]` and `ha-mount uninstall [--prefix DIR]`. */
export function registerInstallCommands(program: Command, deps: InstallCommandDeps = {}): Command {
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  program
    .command('install')
    .description('install mount.ha where mount(8) finds it, the systemd unit and a commented sample config')
    .option('--prefix <dir>', 'install root', DEFAULTS.install.prefix)
    .option('--unit-dir <dir>', 'unit folder under the prefix (lib/systemd/system or etc/systemd/system)', DEFAULTS.install.unitDir)
    .action(async (options: { prefix: string; unitDir: string }) => {
      const report = await installFiles({ ...deps.install, prefix: options.prefix, unitDir: options.unitDir });
      write(formatInstallReport(report, options.prefix));
    });
  program
    .command('uninstall')
    .description('remove exactly what `ha-mount install` created, leaving files changed since')
    .option('--prefix <dir>', 'install root', DEFAULTS.install.prefix)
    .action(async (options: { prefix: string }) => {
      write(formatUninstallReport(await uninstallFiles({ prefix: options.prefix })));
    });
  return program;
}

/** One line per path, then what to do next. Pure. */
export function formatInstallReport(report: InstallReport, prefix: string): string {
  const lines = [
    ...report.created.map((path) => `created   ${path}`),
    ...report.updated.map((path) => `updated   ${path}`),
    ...report.unchanged.map((path) => `unchanged ${path}`),
    ...report.kept.map((path) => `kept      ${path} (existing config, not overwritten)`),
    `manifest  ${report.manifestPath}`,
  ];
  if (prefix === '/') lines.push('next: systemctl daemon-reload && systemctl enable --now ha-mount.service');
  return `${lines.join('\n')}\n`;
}

/** One line per path; files left behind say why. Pure. */
export function formatUninstallReport(report: UninstallReport): string {
  const lines = [
    ...report.removed.map((path) => `removed   ${path}`),
    ...report.modified.map((path) => `left      ${path} (changed since install; remove it yourself if you no longer need it)`),
    ...report.missing.map((path) => `missing   ${path} (already gone)`),
    ...report.dirsRemoved.map((path) => `removed   ${path}/`),
    ...report.dirsLeft.map((path) => `left      ${path}/ (not empty)`),
  ];
  return `${lines.join('\n')}\n`;
}
