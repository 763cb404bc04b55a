import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { ExitCode, HaMountError } from '../errors.js';
import type { PasswordSource } from './notify-config.js';
import { checkPathTrust, describeNetworkPath, listTrustedUids, type TrustedFileRole } from './script-security.js';

const PASSWORD: TrustedFileRole = { what: 'the password file', risk: 'read or swap the SMTP password' };
const CA: TrustedFileRole = { what: 'the CA file', risk: "make ha-mount trust a relay of theirs (and send it the SMTP password)" };
// a password or a CA bundle; a larger file is a mistake (or a device), not something to read whole
const SECRET_FILE_MAX = 1024 * 1024;

/**
 * Says what is wrong with a password file, or undefined when fine: it must be a regular file
 * that only root (or ha-mount's own user) can read or change. Its owner, its mode, and every folder
 * on its path as written and after symlinks are checked, so no other user can read it, or swap it
 * or a folder above it for one of theirs.
 */
export function checkPasswordFile(path: string): string | undefined {
  return checkSecretFile(path, PASSWORD, true);
}

/** The same checks for the CA file: it may be readable by all, but only root may change it or its folders. */
export function checkCaFile(path: string): string | undefined {
  return checkSecretFile(path, CA, false);
}

function checkSecretFile(path: string, role: TrustedFileRole, secret: boolean): string | undefined {
  if (!isAbsolute(path)) return `${role.what} path ${path} is relative; give an absolute path`;
  const remote = describeNetworkPath(path, role);
  if (remote) return remote;
  const opened = openRegularFile(path, role);
  if (typeof opened === 'string') return opened;
  closeSync(opened.fd);
  if (!listTrustedUids().includes(opened.uid)) return `refusing ${role.what} ${path}: it is owned by uid ${opened.uid}; run: chown root:root ${path}`;
  if (secret && (opened.mode & 0o077) !== 0) {
    return `refusing ${role.what} ${path}: its mode ${formatMode(opened.mode)} lets group or others read or change it; run: chmod 600 ${path}`;
  }
  return checkPathTrust(path, role);
}

/**
 * Opens the file behind `path` without following a last symlink swapped in after it was resolved
 * and without blocking on a FIFO, and checks it is a regular file of sane size.
 */
function openRegularFile(path: string, role: TrustedFileRole): { fd: number; uid: number; mode: number; size: number } | string {
  let fd: number;
  try {
    fd = openSync(realpathSync(path), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    return `cannot read ${role.what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}${role === PASSWORD ? '; create it with the SMTP password and chmod 600' : ''}`;
  }
  const stats = fstatSync(fd);
  if (!stats.isFile() || stats.size > SECRET_FILE_MAX) {
    closeSync(fd);
    return `${role.what} ${path} is not a regular file${stats.isFile() ? ` of at most ${SECRET_FILE_MAX} bytes` : ''}`;
  }
  return { fd, uid: stats.uid, mode: stats.mode & 0o7777, size: stats.size };
}

/** Checks the file, then reads it whole; throws a usage error (exit 1) saying what is wrong. */
function readCheckedFile(path: string, role: TrustedFileRole, secret: boolean): string {
  const problem = checkSecretFile(path, role, secret);
  if (problem) throw new HaMountError('ha-mount.notify.secret-file', problem, ExitCode.USAGE);
  const opened = openRegularFile(path, role);
  if (typeof opened === 'string') throw new HaMountError('ha-mount.notify.secret-file', opened, ExitCode.USAGE);
  try {
    const buffer = Buffer.alloc(opened.size);
    let done = 0;
    while (done < opened.size) {
      const got = readSync(opened.fd, buffer, done, opened.size - done, done);
      if (got === 0) break;
      done += got;
    }
    return buffer.subarray(0, done).toString('utf8');
  } finally {
    closeSync(opened.fd);
  }
}

/**
 * The SMTP password, read when the config is loaded (and again on reload), never at send time:
 * a read on the agent's loop can block (a FIFO, a file on a hung mount) and freeze everything.
 */
export function readPassword(source: PasswordSource, env: NodeJS.ProcessEnv = process.env): string {
  if ('env' in source) {
    const value = env[source.env];
    if (!value) throw new HaMountError('ha-mount.notify.password', `SMTP password: the environment variable ${source.env} is not set; set it for the service`, ExitCode.USAGE);
    return value;
  }
  // one line; a trailing newline from `echo pw > file` is not part of the password
  return readCheckedFile(source.file, PASSWORD, true).replace(/\r?\n$/, '');
}

/** The CA certificate(s) in PEM, read at load like the password. */
export function readCaFile(path: string): string {
  return readCheckedFile(path, CA, false);
}

/** 0644-style rendering of permission bits. */
export function formatMode(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}
