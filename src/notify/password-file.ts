import { readFileSync, statSync } from 'node:fs';
import { ExitCode, HaMountError } from '../errors.js';
import type { PasswordSource } from './notify-config.js';

/** Says what is wrong with a password file (missing, not a file, readable by others), or undefined when fine. */
export function checkPasswordFile(path: string): string | undefined {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    return `cannot read the password file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; create it with the SMTP password and chmod 600`;
  }
  if (!stats.isFile()) return `the password file ${path} is not a regular file`;
  const mode = stats.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    return `refusing the password file ${path}: its mode ${formatMode(mode)} lets group or others read or change it; run: chmod 600 ${path}`;
  }
  return undefined;
}

/** Reads the SMTP password at send time (a rotated file is picked up without a restart); checks the file again. */
export function readPassword(source: PasswordSource, env: NodeJS.ProcessEnv = process.env): string {
  if ('env' in source) {
    const value = env[source.env];
    if (!value) throw new HaMountError('ha-mount.notify.password', `SMTP password: the environment variable ${source.env} is not set; set it for the service`, ExitCode.USAGE);
    return value;
  }
  const problem = checkPasswordFile(source.file);
  if (problem) throw new HaMountError('ha-mount.notify.password', `SMTP password: ${problem}`, ExitCode.USAGE);
  // one line; a trailing newline from `echo pw > file` is not part of the password
  return readFileSync(source.file, 'utf8').replace(/\r?\n$/, '');
}

/** 0644-style rendering of permission bits. */
export function formatMode(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}
