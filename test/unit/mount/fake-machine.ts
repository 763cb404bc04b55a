import { FakeClock } from '../fake-clock.js';
import type { RunResult, Runner } from '../../../src/exec/run.js';
import type { MounterDeps } from '../../../src/mount/mounter-deps.js';
import type { ProcReader } from '../../../src/probes/proc.js';
import type { ResolverDeps } from '../../../src/resolve/resolve-servers.js';
import type { Command } from '../../../src/types.js';

/** A mounted filesystem in the fake machine. */
export interface FakeMount {
  mountpoint: string;
  fstype: string;
  source: string;
}

/** How the fake machine answers a command: a result, and optionally the mount and daemon it creates. */
export type Script = (command: Command) => { result?: Partial<RunResult>; mounts?: FakeMount; unmounts?: string; spawns?: string[] };

/** Processes of the fake machine by pid: argv, and whether SIGKILL ends them. */
export class FakeProcesses implements ProcReader {
  readonly processes = new Map<number, { argv: string[]; startTime: number; unkillable?: boolean }>();
  readonly signals: Array<{ pid: number; signal: string }> = [];
  private nextPid = 1000;
  spawn(argv: string[], options: { unkillable?: boolean } = {}): number {
    const pid = this.nextPid++;
    this.processes.set(pid, { argv, startTime: pid, ...options });
    return pid;
  }
  listPids(): number[] {
    return [...this.processes.keys()];
  }
  readCmdline(pid: number): string[] | undefined {
    return this.processes.get(pid)?.argv;
  }
  readStat(pid: number): { state: string; startTime: number; rssPages: number } | undefined {
    const entry = this.processes.get(pid);
    return entry && { state: 'S', startTime: entry.startTime, rssPages: 1 };
  }
  exists(pid: number): boolean {
    return this.processes.has(pid);
  }
  signal(pid: number, signal: string): void {
    this.signals.push({ pid, signal });
    if (signal === 'SIGKILL' && this.processes.get(pid)?.unkillable !== true) this.processes.delete(pid);
  }
}

/** A fake machine: directories, mounts, a scripted runner and a network; records every command. */
export function fakeMachine(options: { directories?: string[]; files?: string[]; mounts?: FakeMount[]; network: ResolverDeps; script?: Script; root?: boolean; proc?: FakeProcesses; /** paths whose check never answers (below a hung mount) */ hungPaths?: string[] }) {
  const mounts: Array<FakeMount & { id: number }> = [];
  let nextMountId = 100;
  const addMount = (mount: FakeMount): void => {
    mounts.push({ ...mount, id: nextMountId++ });
  };
  for (const mount of options.mounts ?? []) addMount(mount);
  const commands: Command[] = [];
  const directories = new Set(options.directories ?? ['/data', '/mfs']);
  const files = new Set(options.files ?? []);
  const runner: Runner = async (command) => {
    commands.push(command);
    const answer = options.script?.(command) ?? {};
    if (answer.mounts) addMount(answer.mounts);
    if (answer.spawns) options.proc?.spawn(answer.spawns);
    if (answer.unmounts) {
      const index = mounts.findLastIndex((mount) => mount.mountpoint === answer.unmounts);
      if (index >= 0) mounts.splice(index, 1);
    }
    return { exitCode: 0, signal: undefined, stdout: '', stderr: '', timedOut: false, durationMs: 1, ...answer.result };
  };
  const clock = new FakeClock(0, { autoAdvance: true });
  const deps: MounterDeps = {
    runner,
    resolver: options.network,
    readFile: async (path) => {
      if (path !== '/proc/self/mountinfo') throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      const root = '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n';
      return root + mounts.map((mount) => `${mount.id} 22 0:${mount.id - 50} / ${mount.mountpoint} rw,relatime shared:2 - ${mount.fstype} ${mount.source} rw,user_id=0\n`).join('');
    },
    checkDirectory: async (path) => {
      if (options.hungPaths?.some((hung) => path.startsWith(`${hung}/`))) return { ok: false, code: 'ETIMEDOUT', detail: 'no answer within 5 s (the check was killed)' };
      if (directories.has(path)) return { ok: true, real: path };
      if (files.has(path)) return { ok: false, code: 'ENOTDIR', detail: 'Not a directory' };
      return { ok: false, code: 'ENOENT', detail: 'No such file or directory' };
    },
    isRoot: () => options.root ?? true,
    ...(options.proc === undefined ? {} : { proc: options.proc, signal: (pid: number, signal: NodeJS.Signals) => options.proc?.signal(pid, signal) }),
    clock,
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
