// A mount that appears but is judged not working must leave nothing behind (issue 14: ha-mount
// did not recognise LizardFS 3.13's `fuse.mfs HOST:PORT`, judged the working mount absent, tried
// the shadow and exited 32, leaving the mount and its mfsmount daemon). Reproduced on real MooseFS:
// `-o mfsmeta` makes mfsmount mount the meta filesystem, which appears on the mountpoint and is not
// the volume; and the fsname/subtype options make a real mfsmount show the kernel form LizardFS 3.13
// uses. Run the built CLI (`npm run build` first).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, type RunResult } from '../../src/exec/run.js';
import { mooseOf } from '../../src/lab/lab-access.js';
import { installSignalCleanup, startLab } from '../../src/lab/lab.js';
import type { Lab } from '../../src/lab/lab-types.js';
import { daemonsFor, expectWritable, HA_MOUNT, mountAt, runInClient } from './support/lab-helpers.js';

let lab: Lab;
let removeSignalCleanup: () => void = () => undefined;
const mounted = new Set<string>();

function newMountpoint(name: string): string {
  const path = `${lab.dir}/mnt/cleanup-${name}`;
  mkdirSync(path, { recursive: true });
  mounted.add(path);
  return path;
}

/** The raw mountinfo line of `path` (quoted in the unit tests as this form's real line). */
function mountinfoLine(path: string): string | undefined {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').findLast((line) => line.split(' ')[4] === path);
}

function runHaMount(args: string[], timeoutMs = 40_000): Promise<RunResult> {
  return runInClient(lab, process.execPath, [HA_MOUNT, ...args], timeoutMs);
}

beforeAll(async () => {
  if (!existsSync(HA_MOUNT)) throw new Error(`${HA_MOUNT} is missing: run "npm run build" first (npm run test:lab does)`);
  lab = await startLab({ gluster: false, moosefs: true, onProgress: (message) => console.log(`[lab] ${message}`) });
  removeSignalCleanup = installSignalCleanup(lab);
});

afterEach(async () => {
  for (const path of mounted) {
    while (mountAt(path) !== undefined) await runCommand({ file: 'umount', args: ['-l', path] }, { timeoutMs: 10_000 });
    for (const pid of daemonsFor(path, 'moosefs')) process.kill(pid, 'SIGKILL');
  }
  mounted.clear();
});

afterAll(async () => {
  removeSignalCleanup();
  await lab?.stop();
});

describe('nothing is left behind by a mount judged not working (real MooseFS)', () => {
  it('when mfsmount mounts the meta filesystem instead of the volume then ha-mount exits 32 and leaves no mount and no mfsmount daemon', async () => {
    const dir = newMountpoint('meta');
    const moose = mooseOf(lab);
    // both the VIP and the master itself answer on 9421: two attempts, two meta mounts to take down
    const result = await runHaMount(['-t', 'moosefs', `${moose.vip},${moose.master.ip}:/`, dir, '-o', 'mfsmeta']);
    console.log(`[cleanup] exit ${result.exitCode}\n${result.stderr}`);
    // the failure reproduced: before the fix, the meta mounts and their mfsmount daemons stayed
    expect(mountAt(dir)).toBeUndefined();
    expect(daemonsFor(dir, 'moosefs')).toEqual([]);
    expect(result.exitCode).toBe(32);
    expect(result.stderr).toContain(`what appeared on ${dir} is fuse mfsmeta#${moose.vip}:9421: it is the meta filesystem`);
    expect(result.stderr.match(/cleaned up: unmounted fuse mfsmeta#[\d.]+:9421; killed its daemon, pid \d+/g)).toHaveLength(2);
  });

  it('when a real mfsmount shows as fuse.mfs HOST:PORT (the LizardFS 3.13 form) then ha-mount takes it as its mount, and it is writable', async () => {
    const dir = newMountpoint('subtype');
    const moose = mooseOf(lab);
    const result = await runHaMount(['-t', 'moosefs', `${moose.vip}:/`, dir, '-o', `subtype=mfs,fsname=${moose.vip}:9421`]);
    expect(result.exitCode, result.stderr).toBe(0);
    const entry = mountAt(dir);
    console.log(`[cleanup] mountinfo: ${mountinfoLine(dir)}`);
    expect(entry).toMatchObject({ fstype: 'fuse.mfs', source: `${moose.vip}:9421` });
    expect(daemonsFor(dir, 'moosefs')).toHaveLength(1);
    await expectWritable(lab, dir, 'cleanup');
    const plain = newMountpoint('plain');
    expect((await runHaMount(['-t', 'moosefs', `${moose.vip}:/`, plain])).exitCode).toBe(0);
    console.log(`[cleanup] mountinfo: ${mountinfoLine(plain)}`);
    const again = await runHaMount(['-t', 'moosefs', `${moose.vip}:/`, dir]);
    expect(again.stderr).toContain('is already mounted');
    expect((await runHaMount(['umount', dir])).exitCode).toBe(0);
    expect(mountAt(dir)).toBeUndefined();
  });
});
