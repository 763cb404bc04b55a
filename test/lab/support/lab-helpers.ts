// What every lab test file needs besides the lab itself: the built programs' paths, running a
// command in the client's network namespace, what is mounted where, and the FUSE daemons of a
// mountpoint. Lab lookups and waiting live in src/lab/lab-access.ts (the bench uses them too).
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { findDaemons } from '../../../bench/processes.js';
import { runCommand, type RunResult } from '../../../src/exec/run.js';
import { readThroughClient, writeThroughClient } from '../../../src/lab/client-io.js';
import type { Lab } from '../../../src/lab/lab-types.js';
import { findMountAt, parseMountInfo, type MountInfoEntry } from '../../../src/mount/mountinfo.js';
import type { BackendName } from '../../../src/types.js';

export const ROOT = new URL('../../../', import.meta.url).pathname;
/** The built CLI, the fstab helper and the independent writer (`npm run build` makes them). */
export const HA_MOUNT = join(ROOT, 'dist/bin/ha-mount.js');
export const MOUNT_HA = join(ROOT, 'dist/bin/mount.ha.js');
export const WRITER = join(ROOT, 'dist/src/lab/writer.js');

/** Runs `file args` in the client's network namespace (its mounts are visible here too). */
export function runInClient(lab: Lab, file: string, args: string[], timeoutMs = 60_000): Promise<RunResult> {
  return runCommand(lab.clientCommand({ file, args }), { timeoutMs });
}

/** The mount on top at `path`, per this process's mountinfo. */
export function mountAt(path: string): MountInfoEntry | undefined {
  return findMountAt(parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8')), path);
}

/** Live FUSE client processes serving `mountpoint` (orphans of lazy unmounts included, zombies not). */
export function daemonsFor(mountpoint: string, backend: BackendName): number[] {
  return findDaemons(mountpoint, backend);
}

/** Writes a fresh file through the mount from the client namespace and reads the same text back. */
export async function expectWritable(lab: Lab, dir: string, label: string, timeoutMs = 30_000): Promise<void> {
  const token = `ha-mount ${label} ${Date.now()} ${Math.random()}`;
  const file = join(dir, `${label}-${process.pid}-${Date.now()}.txt`);
  expect(await writeThroughClient(lab, file, token, timeoutMs)).toMatchObject({ ok: true });
  expect(await readThroughClient(lab, file, timeoutMs)).toMatchObject({ ok: true, output: token });
}

/**
 * Links `link` (a place libmount searches for the `ha` helper: /sbin, /sbin/fs.d) to this tree's
 * mount.ha, but only when nothing is there, making its folder when absent. Another test run may own
 * what is already there, so the returned function removes exactly what this call added.
 */
export function addMountHelperLink(link: string): () => void {
  const folder = dirname(link);
  const addedFolder = !existsSync(folder);
  if (addedFolder) mkdirSync(folder, { mode: 0o755 });
  const addedLink = !existsSync(link) && lstatSync(link, { throwIfNoEntry: false }) === undefined;
  if (addedLink) symlinkSync(MOUNT_HA, link);
  return () => {
    if (addedLink && lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink() && readlinkSync(link) === MOUNT_HA) unlinkSync(link);
    if (addedFolder && existsSync(folder) && readdirSync(folder).length === 0) rmdirSync(folder);
  };
}
