import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCommand, type RunResult } from '../exec/run.js';
import { type MountInfoEntry, parseMountInfo } from '../mount/mountinfo.js';
import { removeEmptyCgroupTree } from './cleanup.js';
import { netnsPath } from './context.js';
import { holdsFuseDevice } from './faults.js';
import { LAB_DEFAULTS } from './lab-defaults.js';
import { describeFailure, labError, runChecked, waitFor } from './lab-error.js';
import type { Lab } from './lab-types.js';
import { isProcessAlive, killProcesses, listPids, readCmdline, readProcessNamespace, readStartTime, sleep } from './procs.js';
import { liveStores } from './runs.js';
import type { StateStore } from './state.js';
import { ensureCachedRoot } from './systemd-root.js';

/** What systemd-nspawn --keep-unit leaves in the host's cgroup tree (hybrid layout); rmdir'ed after each boot and by teardown. */
export const NSPAWN_CGROUP_FOLDERS = ['systemd', 'unified'].flatMap((hierarchy) => ['payload', 'supervisor'].map((name) => `/sys/fs/cgroup/${hierarchy}/${name}`));

/** How a client host is set up; everything a user would do by hand on a Debian 12 client. */
export interface SystemdHostOptions {
  /** the .deb to install, as the README tells a user (`apt-get install ./ha-mount_*.deb`) */
  deb: string;
  /** the whole /etc/fstab of the client */
  fstab: string;
  /** /etc/ha-mount/ha-mount.yaml; the package's sample stays when absent */
  config?: string;
  /** false: dbus.socket and dbus.service masked (a client without D-Bus); default true */
  dbus?: boolean;
  /** drop-ins for ha-mount.service, file name -> content (e.g. a test's Environment=) */
  serviceDropIns?: Record<string, string>;
  progress?: (message: string) => void;
}

/** The systemd-nspawn command line: boot the root, in the lab client's network namespace, with FUSE. Pure. */
export function buildNspawnArgs(root: string, clientNetns: string): string[] {
  return [
    '-D', root,
    '-b',
    // the host's PID 1 is not systemd: no machined or scope to register with
    '--register=no', '--keep-unit',
    '-q',
    '--bind=/dev/fuse',
    `--network-namespace-path=${netnsPath(clientNetns)}`,
    `--hostname=${LAB_DEFAULTS.systemdHost.hostname}`,
    '--console=read-only',
  ];
}

/** The container's PID 1: the child of nspawn named systemd (nspawn's intermediate child exits early). */
function findContainerInit(nspawnPid: number): number | undefined {
  for (const pid of listPids()) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const end = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, end);
    const ppid = Number(text.slice(end + 2).split(' ')[1]);
    if (ppid === nspawnPid && comm === 'systemd') return pid;
  }
  return undefined;
}

/** One boot of the client: nspawn's pid, the container's init (host pid), when it started. */
export interface Boot {
  nspawnPid: number;
  initPid: number;
  startedAt: number;
}

/**
 * A Debian 12 client booted by a real systemd 252 inside the lab's client network namespace.
 * Its root is an overlay on the cached debootstrap root, under the lab's folder, so each run
 * starts clean and the lab's teardown removes it with the rest (processes by pid and by
 * namespace, the overlay mount, the cgroup folders nspawn leaves).
 */
export class SystemdHost {
  /** the client's "/" as the host sees it (the overlay) */
  readonly root: string;
  private current: Boot | undefined;
  private readonly store: StateStore;

  private constructor(
    private readonly lab: Lab,
    private readonly dir: string,
    private readonly progress: (message: string) => void,
  ) {
    this.root = join(dir, 'root');
    const store = liveStores.get(lab.prefix);
    if (!store) throw labError('ha-mount.lab.command', `lab ${lab.prefix} is not run by this process: start it with startLab() before a systemd host`);
    this.store = store;
  }

  /** Builds (or reuses) the cached root, mounts this run's overlay, installs the package, writes fstab and config. */
  static async create(lab: Lab, options: SystemdHostOptions): Promise<SystemdHost> {
    const progress = options.progress ?? (() => undefined);
    const lower = await ensureCachedRoot(progress);
    const host = new SystemdHost(lab, join(lab.dir, 'systemd-client'), progress);
    for (const name of ['upper', 'work', 'root']) mkdirSync(join(host.dir, name), { recursive: true, mode: 0o755 });
    // under the lab folder: teardown unmounts it (umount -l) before removing the folder
    await runChecked(
      { file: 'mount', args: ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${join(host.dir, 'upper')},workdir=${join(host.dir, 'work')}`, host.root] },
      'mounting the systemd client root overlay',
    );
    await host.install(options);
    return host;
  }

  private async install(options: SystemdHostOptions): Promise<void> {
    const deb = join(this.root, 'root', 'ha-mount.deb');
    copyFileSync(options.deb, deb);
    // as a user does: apt installs the .deb with its dependencies (all present: no download)
    const installed = await runCommand(
      { file: 'chroot', args: [this.root, 'apt-get', 'install', '-y', '-q', '--no-install-recommends', '/root/ha-mount.deb'] },
      { timeoutMs: LAB_DEFAULTS.commandTimeoutMs * 2, env: { DEBIAN_FRONTEND: 'noninteractive', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } },
    );
    if (installed.exitCode !== 0) throw labError('ha-mount.lab.command', `installing ${options.deb} in the systemd client failed: apt-get install: ${describeFailure(installed)}`);
    this.writeFile('/etc/fstab', options.fstab);
    if (options.config !== undefined) this.writeFile('/etc/ha-mount/ha-mount.yaml', options.config);
    for (const [name, content] of Object.entries(options.serviceDropIns ?? {})) this.writeFile(`/etc/systemd/system/ha-mount.service.d/${name}`, content);
    await this.systemctlOffline(['enable', 'ha-mount.service']);
    if (options.dbus === false) await this.systemctlOffline(['mask', 'dbus.socket', 'dbus.service']);
  }

  /** `systemctl --root=ROOT ...` from the host: enable/mask while the client is down. */
  async systemctlOffline(args: string[]): Promise<void> {
    await runChecked({ file: 'systemctl', args: [`--root=${this.root}`, ...args] }, `systemctl ${args.join(' ')} in the systemd client root`);
  }

  /** Writes a file of the client (absolute path inside it). */
  writeFile(path: string, content: string): void {
    const target = join(this.root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }

  get boot(): Boot {
    if (!this.current) throw labError('ha-mount.lab.command', 'the systemd client is not booted: call start() first');
    return this.current;
  }

  get running(): boolean {
    return this.current !== undefined;
  }

  /** Boots the client; resolves once its PID 1 exists (then waitRunning / waitMounted). */
  async start(): Promise<Boot> {
    if (this.current) throw labError('ha-mount.lab.command', 'the systemd client is already booted: shutdown() first');
    // recorded before the spawn: a crash right after still leaves them to the sweep
    this.store.update((state) => {
      state.cgroupFolders = [...new Set([...(state.cgroupFolders ?? []), ...NSPAWN_CGROUP_FOLDERS])];
    });
    const console = openSync(join(this.dir, 'console.log'), 'a');
    const startedAt = Date.now();
    const child = spawn('systemd-nspawn', buildNspawnArgs(this.root, this.lab.client.netns), { detached: true, stdio: ['ignore', console, console] });
    closeSync(console);
    const nspawnPid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid as number));
      child.once('error', (error) => reject(labError('ha-mount.lab.command', `starting systemd-nspawn failed: ${error.message}; install systemd-container`, error)));
    });
    child.unref();
    this.store.update((state) => {
      state.processes.push({ pid: nspawnPid, startTime: readStartTime(nspawnPid) ?? 0, name: 'systemd-nspawn', host: 'client' });
    });
    const initPid = await waitFor(
      'the systemd client to start its PID 1',
      () => (isProcessAlive(nspawnPid) ? findContainerInit(nspawnPid) : Promise.reject(labError('ha-mount.lab.command', `systemd-nspawn exited at start: see ${join(this.dir, 'console.log')}`))),
      { timeoutMs: LAB_DEFAULTS.systemdHost.bootTimeoutMs, intervalMs: 20, hint: `see ${join(this.dir, 'console.log')}` },
    );
    // systemctl (as root) talks to PID 1 over this socket; before it exists every systemctl fails
    await waitFor('systemd in the client to open /run/systemd/private', () => existsSync(`/proc/${initPid}/root/run/systemd/private`), {
      timeoutMs: LAB_DEFAULTS.systemdHost.bootTimeoutMs,
      intervalMs: 20,
      hint: `see ${join(this.dir, 'console.log')}`,
    });
    this.current = { nspawnPid, initPid, startedAt };
    return this.current;
  }

  /** Runs a command inside the client (all its namespaces), as root. */
  exec(file: string, args: string[], timeoutMs: number = LAB_DEFAULTS.commandTimeoutMs): Promise<RunResult> {
    return runCommand({ file: 'nsenter', args: ['-t', String(this.boot.initPid), '-a', '--', file, ...args] }, { timeoutMs, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' } });
  }

  /** Like exec, but a non-zero exit is an error naming the command. */
  async execChecked(file: string, args: string[], timeoutMs?: number): Promise<string> {
    const result = await this.exec(file, args, timeoutMs);
    if (result.exitCode !== 0) throw labError('ha-mount.lab.command', `in the systemd client: ${file} ${args.join(' ')}: ${describeFailure(result)}`);
    return result.stdout;
  }

  /** `systemctl is-system-running --wait`: "running", "degraded"... once boot is over. */
  async waitRunning(): Promise<string> {
    const result = await this.exec('systemctl', ['is-system-running', '--wait'], LAB_DEFAULTS.systemdHost.bootTimeoutMs);
    return result.stdout.trim();
  }

  /** One property of a unit (`systemctl show -P`). */
  async unitProperty(unit: string, property: string): Promise<string> {
    return (await this.execChecked('systemctl', ['show', '-P', property, unit])).trim();
  }

  /** The client's mount table, read from the host (never touches a mount). */
  mounts(): MountInfoEntry[] {
    try {
      return parseMountInfo(readFileSync(`/proc/${this.boot.initPid}/mountinfo`, 'utf8'));
    } catch {
      return [];
    }
  }

  mountAt(mountpoint: string): MountInfoEntry | undefined {
    return this.mounts().find((entry) => entry.mountpoint === mountpoint);
  }

  /** Waits until `mountpoint` is mounted in the client; returns the entry. */
  async waitMounted(mountpoint: string, timeoutMs: number): Promise<MountInfoEntry> {
    return waitFor(`${mountpoint} mounted in the systemd client`, () => this.mountAt(mountpoint), { timeoutMs, intervalMs: 20 });
  }

  /** Host pids of the client's FUSE daemons serving `mountpoint` (argv names it, /dev/fuse is open). */
  fuseDaemons(mountpoint: string): number[] {
    const inside = readProcessNamespace(this.boot.initPid, 'mnt');
    return listPids().filter(
      (pid) =>
        readProcessNamespace(pid, 'mnt') === inside &&
        isProcessAlive(pid) &&
        readCmdline(pid).some((arg) => arg === mountpoint || arg === `${mountpoint}/`) &&
        holdsFuseDevice(pid),
    );
  }

  /** The cgroup a host pid of the client lives in (`0::/system.slice/...` line of /proc/PID/cgroup). */
  cgroupOf(pid: number): string {
    try {
      const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((entry) => entry.startsWith('0::'));
      return line?.slice(3) ?? '';
    } catch {
      return '';
    }
  }

  /** A path of the client as the host can reach it, through its PID 1's root (and so its mounts). */
  hostPath(path: string): string {
    return `/proc/${this.boot.initPid}/root${path}`;
  }

  /**
   * Shuts the client down as `poweroff` does (SIGTERM to nspawn: systemd stops every unit) and
   * waits for nspawn to exit; returns how long it took. The cgroup folders nspawn leaves are removed.
   */
  async shutdown(timeoutMs: number = LAB_DEFAULTS.systemdHost.shutdownTimeoutMs): Promise<number> {
    const boot = this.boot;
    const started = Date.now();
    try {
      process.kill(boot.nspawnPid, 'SIGTERM');
    } catch {
      // already gone
    }
    while (isProcessAlive(boot.nspawnPid) && Date.now() - started < timeoutMs) await sleep(20);
    const took = Date.now() - started;
    if (isProcessAlive(boot.nspawnPid)) {
      this.progress(`systemd client: nspawn ${boot.nspawnPid} still running ${timeoutMs} ms after SIGTERM: SIGKILL`);
      await this.kill();
      throw labError('ha-mount.lab.timeout', `the systemd client did not shut down within ${timeoutMs} ms; see ${join(this.dir, 'console.log')}`);
    }
    this.afterExit();
    return took;
  }

  /** SIGKILL of nspawn and of the container's PID 1 (its whole pid namespace goes with it). */
  async kill(): Promise<void> {
    const boot = this.current;
    if (!boot) return;
    await killProcesses([{ pid: boot.initPid }, { pid: boot.nspawnPid }], LAB_DEFAULTS.killWaitMs);
    this.afterExit();
  }

  private afterExit(): void {
    const nspawnPid = this.current?.nspawnPid;
    this.current = undefined;
    for (const folder of NSPAWN_CGROUP_FOLDERS) removeEmptyCgroupTree(folder);
    this.store.update((state) => {
      state.processes = state.processes.filter((process) => process.pid !== nspawnPid);
    });
  }

  /** The console log of every boot so far (systemd's own lines), for failure messages. */
  consoleLog(): string {
    try {
      return readFileSync(join(this.dir, 'console.log'), 'utf8');
    } catch {
      return '';
    }
  }
}
