// A fake machine for the exec properties: every dependency of the mounter is injected and every
// command, DNS query and TCP connect it is asked for is recorded. How the machine answers (root or
// not, what exists, what DNS says, which servers answer, how mounts end) is generated, so the
// properties run through every branch of the mount path.
import { FakeClock } from '../fake-clock.js';
import fc from 'fast-check';
import type { RunResult, Runner } from '../../../src/exec/run.js';
import type { MounterDeps } from '../../../src/mount/mounter-deps.js';
import type { Command } from '../../../src/types.js';
import { KNOWN_DIRECTORIES, rarely } from './arbitraries.js';
import { glusterArgs } from './argv-check.js';

/** How one mount command ends. */
export type MountEnding = 'mounted' | 'exit-1' | 'exit-1-half-mounted' | 'exit-0-no-mount' | 'timed-out' | 'spawn-error';

/** What one DNS query answers: addresses (`self` = the queried name itself), or an error code. */
export type DnsAnswer = { addresses: string[]; self: boolean } | { error: string };

/** Everything the fake machine does, generated. */
export interface MachinePlan {
  root: boolean;
  /** every path is a directory (the admin made `/mnt/a b` or `/$(id)`: validation must still refuse it) */
  anyPathExists: boolean;
  /** a file (not a directory) at this known path */
  fileAt?: string;
  /** stat of a missing path fails with this code */
  statError: string;
  mountinfoUnreadable: boolean;
  /** mounts present before the call */
  existing: { mountpoint: string; fstype: string; source: string }[];
  /** `mfsmount --version` */
  mfsmount: 'moosefs' | 'lizardfs' | 'missing' | 'unknown';
  /** answers to DNS queries, used in turn */
  dns: DnsAnswer[];
  /** outcomes of TCP connects, used in turn */
  connects: ('open' | 'ECONNREFUSED' | 'ETIMEDOUT' | 'EHOSTUNREACH' | 'weird')[];
  /** endings of mount commands, used in turn */
  endings: MountEnding[];
}

export const machinePlanArb: fc.Arbitrary<MachinePlan> = fc.record({
  root: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  anyPathExists: fc.boolean(),
  fileAt: rarely(fc.constantFrom(...KNOWN_DIRECTORIES), 12),
  statError: fc.constantFrom('ENOENT', 'ENOENT', 'ENOTDIR', 'EACCES', 'EIO'),
  mountinfoUnreadable: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
  existing: fc.array(
    fc.record({
      mountpoint: fc.constantFrom(...KNOWN_DIRECTORIES),
      fstype: fc.constantFrom('fuse.glusterfs', 'fuse', 'nfs4', 'ext4'),
      source: fc.constantFrom('gfs1:/vol', 'mfs#10.0.0.1:9421', 'server:/export', '/dev/sdb1'),
    }),
    { maxLength: 1 },
  ).chain((existing) => fc.integer({ min: 0, max: 7 }).map((roll) => (roll === 0 ? existing : []))),
  mfsmount: fc.constantFrom('moosefs', 'lizardfs', 'missing', 'unknown'),
  dns: fc.array(
    fc.oneof(
      { weight: 8, arbitrary: fc.record({ addresses: fc.array(fc.oneof({ weight: 3, arbitrary: fc.ipV4() }, { weight: 1, arbitrary: fc.ipV6() }), { maxLength: 3 }), self: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ error: fc.constantFrom('ENOTFOUND', 'EAI_AGAIN', 'ENODATA', 'ESERVFAIL') }) },
    ),
    { minLength: 1, maxLength: 4 },
  ),
  connects: fc.array(fc.constantFrom('open', 'open', 'open', 'open', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'weird'), { minLength: 1, maxLength: 4 }),
  endings: fc.array(fc.constantFrom('mounted', 'mounted', 'exit-1', 'exit-1-half-mounted', 'exit-0-no-mount', 'timed-out', 'spawn-error'), { minLength: 1, maxLength: 3 }),
});

/** What the machine saw. */
export interface MachineRecord {
  commands: Command[];
  lookups: string[];
  connects: { address: string; port: number }[];
}

const VERSION_TEXT: Record<MachinePlan['mfsmount'], Partial<RunResult>> = {
  moosefs: { stdout: 'MFS version 3.0.117-1 ; build: 2023', stderr: 'fusermount3 version: 3.14.0' },
  lizardfs: { stdout: 'LizardFS version 3.12.0' },
  missing: { spawnError: 'spawn mfsmount ENOENT', exitCode: undefined },
  unknown: { stdout: 'something version 9' },
};

function pick<T>(list: readonly T[], index: number): T {
  const value = list[index % list.length];
  if (value === undefined) throw new Error('empty plan list');
  return value;
}

/** Builds injected MounterDeps from a plan; everything answers at once (no real waiting). */
export function recordingMachine(plan: MachinePlan): { deps: MounterDeps; record: MachineRecord } {
  const record: MachineRecord = { commands: [], lookups: [], connects: [] };
  const mounts = [...plan.existing];
  let dnsTurn = 0;
  let connectTurn = 0;
  let mountTurn = 0;
  const clock = new FakeClock(0, { autoAdvance: true });

  const result = (extra: Partial<RunResult>): RunResult => ({ exitCode: 0, signal: undefined, stdout: '', stderr: '', timedOut: false, durationMs: 1, ...extra });

  const mountEntryFor = (command: Command): { mountpoint: string; fstype: string; source: string } => {
    const gluster = glusterArgs(command);
    if (gluster !== undefined) return { mountpoint: gluster[1] ?? '', fstype: 'fuse.glusterfs', source: gluster[0] ?? '' };
    const host = command.args[command.args.indexOf('-H') + 1] ?? '';
    const port = command.args[command.args.indexOf('-P') + 1] ?? '';
    return { mountpoint: command.args[0] ?? '', fstype: 'fuse', source: `mfs#${host}:${port}` };
  };

  const runner: Runner = async (command) => {
    record.commands.push({ file: command.file, args: [...command.args] });
    if (command.file === 'mfsmount' && command.args[0] === '--version') return result(VERSION_TEXT[plan.mfsmount]);
    if (command.file === 'umount') {
      const target = command.args[command.args.length - 1];
      const index = mounts.findIndex((mount) => mount.mountpoint === target);
      if (index >= 0) mounts.splice(index, 1);
      return result({});
    }
    const ending = pick(plan.endings, mountTurn);
    mountTurn += 1;
    if (ending === 'mounted') mounts.push(mountEntryFor(command));
    if (ending === 'exit-1-half-mounted') mounts.push(mountEntryFor(command));
    if (ending === 'spawn-error') return result({ exitCode: undefined, spawnError: `spawn ${command.file} ENOENT` });
    if (ending === 'timed-out') return result({ exitCode: undefined, signal: 'SIGKILL', timedOut: true });
    if (ending === 'exit-1' || ending === 'exit-1-half-mounted') return result({ exitCode: 1, stderr: 'Mount failed. Check the log file for more details.' });
    return result({});
  };

  const deps: MounterDeps = {
    runner,
    resolver: {
      lookup: async (host) => {
        record.lookups.push(host);
        const answer = pick(plan.dns, dnsTurn);
        dnsTurn += 1;
        if ('error' in answer) throw Object.assign(new Error(`getaddrinfo ${answer.error} ${host}`), { code: answer.error });
        // `self`: a resolver that hands the name back, as if the name reached the client unresolved
        return [...(answer.self ? [host] : []), ...answer.addresses];
      },
      connect: async (address, port) => {
        record.connects.push({ address, port });
        const outcome = pick(plan.connects, connectTurn);
        connectTurn += 1;
        if (outcome === 'open') return;
        if (outcome === 'weird') throw new TypeError('socket exploded');
        throw Object.assign(new Error(`connect ${outcome} ${address}:${port}`), { code: outcome });
      },
      now: () => clock.now(),
    },
    readFile: async (path) => {
      if (plan.mountinfoUnreadable || path !== '/proc/self/mountinfo') throw Object.assign(new Error(`EACCES: ${path}`), { code: 'EACCES' });
      const root = '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n';
      return root + mounts.map((mount, index) => `${100 + index} 22 0:${50 + index} / ${mount.mountpoint} rw,relatime shared:2 - ${mount.fstype} ${mount.source} rw,user_id=0\n`).join('');
    },
    checkDirectory: async (path) => {
      if (path === plan.fileAt) return { ok: false, code: 'ENOTDIR', detail: 'Not a directory' };
      if (plan.anyPathExists || KNOWN_DIRECTORIES.includes(path)) return { ok: true, real: path };
      return { ok: false, code: plan.statError, detail: `${plan.statError}: ${path}` };
    },
    isRoot: () => plan.root,
    clock,
  };
  return { deps, record };
}
