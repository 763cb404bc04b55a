import type { RunResult, Runner } from '../../../src/exec/run.js';
import type { MounterDeps } from '../../../src/mount/mounter-deps.js';
import type { ResolverDeps } from '../../../src/resolve/resolve-servers.js';
import type { Command } from '../../../src/types.js';

/** A mounted filesystem in the fake machine. */
export interface FakeMount {
  mountpoint: string;
  fstype: string;
  source: string;
}

/** How the fake machine answers a command: a result, and optionally the mount it creates. */
export type Script = (command: Command) => { result?: Partial<RunResult>; mounts?: FakeMount; unmounts?: string };

/** A fake machine: directories, mounts, a scripted runner and a network; records every command. */
export function fakeMachine(options: { directories?: string[]; files?: string[]; mounts?: FakeMount[]; network: ResolverDeps; script?: Script; root?: boolean }) {
  const mounts = [...(options.mounts ?? [])];
  const commands: Command[] = [];
  const directories = new Set(options.directories ?? ['/data', '/mfs']);
  const files = new Set(options.files ?? []);
  const runner: Runner = async (command) => {
    commands.push(command);
    const answer = options.script?.(command) ?? {};
    if (answer.mounts) mounts.push(answer.mounts);
    if (answer.unmounts) {
      const index = mounts.findIndex((mount) => mount.mountpoint === answer.unmounts);
      if (index >= 0) mounts.splice(index, 1);
    }
    return { exitCode: 0, signal: undefined, stdout: '', stderr: '', timedOut: false, durationMs: 1, ...answer.result };
  };
  let clock = 0;
  const deps: MounterDeps = {
    runner,
    resolver: options.network,
    readFile: async (path) => {
      if (path !== '/proc/self/mountinfo') throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      const root = '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n';
      return root + mounts.map((mount, index) => `${100 + index} 22 0:${50 + index} / ${mount.mountpoint} rw,relatime shared:2 - ${mount.fstype} ${mount.source} rw,user_id=0\n`).join('');
    },
    stat: async (path) => {
      if (directories.has(path)) return { isDirectory: () => true };
      if (files.has(path)) return { isDirectory: () => false };
      throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    },
    isRoot: () => options.root ?? true,
    clock: {
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    },
  };
  return { deps, commands, mounts };
}

/** A script where `mount -t glusterfs SRC DIR` succeeds and registers the mount, except through `failing` hosts. */
export function glusterScript(failing: Record<string, Partial<RunResult>> = {}): Script {
  return (command) => {
    if (command.file === 'mount' && command.args[1] === 'glusterfs') {
      const source = command.args[2] ?? '';
      const host = source.slice(0, source.lastIndexOf(':'));
      const failure = failing[host];
      if (failure) return { result: { exitCode: 1, ...failure } };
      return { mounts: { mountpoint: command.args[3] ?? '', fstype: 'fuse.glusterfs', source } };
    }
    if (command.file === 'umount') return { unmounts: command.args.at(-1) ?? '' };
    return {};
  };
}
