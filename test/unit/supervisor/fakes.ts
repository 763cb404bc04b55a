// Test doubles for the supervisor: a fake clock, probes, /proc, mounts. No sleeps, no exec.
import type { Backend } from '../../../src/backends/backend.js';
import { createSilentLogger } from '../../../src/log/logger.js';
import type { MountInfoEntry } from '../../../src/mount/mountinfo.js';
import type { ProcReader, ProcStat } from '../../../src/probes/proc.js';
import type { ProbeResult, ProbeTarget, RunningProbe } from '../../../src/probes/probe-types.js';
import { FakeClock } from '../fake-clock.js';
import { resolveServers } from '../../../src/resolve/resolve-servers.js';
import { fakeNetwork } from '../resolve/fake-network.js';
import type { SupervisorDeps } from '../../../src/supervisor/supervisor-types.js';
import type { MountSpec, TransitionEvent } from '../../../src/types.js';

export { FakeClock, flush } from '../fake-clock.js';

/** A probe the test answers: `mode` decides how each new probe ends. */
export class FakeProbes {
  started: ProbeTarget[] = [];
  /** 'ok' | a result | 'hang' (never answers until release()) */
  mode: 'hang' | ProbeResult | ((target: ProbeTarget) => ProbeResult) = okResult(3);
  private hanging: Array<{ resolve: (result: ProbeResult) => void; exit: () => void; killed: boolean }> = [];
  /** a killed hanging probe exits only when the test says so (a child blocked in FUSE) */
  exitOnKill = false;
  inFlight = 0;
  maxInFlight = 0;

  run = (target: ProbeTarget): RunningProbe => {
    this.started.push(target);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let resolveResult!: (result: ProbeResult) => void;
    let resolveExit!: () => void;
    const result = new Promise<ProbeResult>((resolve) => (resolveResult = resolve));
    const exited = new Promise<void>((resolve) => (resolveExit = resolve)).then(() => {
      this.inFlight -= 1;
    });
    const entry = { resolve: resolveResult, exit: resolveExit, killed: false };
    if (this.mode === 'hang') this.hanging.push(entry);
    else {
      const answer = typeof this.mode === 'function' ? this.mode(target) : this.mode;
      queueMicrotask(() => {
        resolveResult(answer);
        resolveExit();
      });
    }
    return {
      result,
      exited,
      kill: () => {
        entry.killed = true;
        if (this.exitOnKill) {
          resolveResult({ verdict: 'bad', step: 'none', detail: 'killed', latencyMs: 0 });
          resolveExit();
        }
      },
    };
  };

  /** The blocked calls return: every hanging probe ends with `result`. */
  release(result: ProbeResult = okResult(3)): void {
    for (const entry of this.hanging.splice(0)) {
      entry.resolve(result);
      entry.exit();
    }
  }
}

export function okResult(latencyMs: number): ProbeResult {
  return { verdict: 'ok', step: 'read', detail: 'ok', latencyMs };
}
export function errnoResult(errno: string, verdict: ProbeResult['verdict']): ProbeResult {
  return { verdict, errno, step: 'lookup', detail: `lookup: ${errno}`, latencyMs: 2 };
}

/** /proc with processes the test starts and kills. */
export class FakeProc implements ProcReader {
  keepStat?: ProcReader['keepStat'];
  processes = new Map<number, { argv: string[]; stat: ProcStat }>();
  private nextPid = 5_000;
  private ticks = 100;
  spawnDaemon(mountpoint: string): number {
    const pid = this.nextPid++;
    this.ticks += 1;
    this.processes.set(pid, { argv: ['/usr/sbin/glusterfs', '--process-name', 'fuse', mountpoint], stat: { state: 'S', startTime: this.ticks, rssPages: 1_000 } });
    return pid;
  }
  kill(pid: number): void {
    this.processes.delete(pid);
  }
  daemonsFor(mountpoint: string): number[] {
    return [...this.processes.entries()].filter(([, process]) => process.argv.at(-1) === mountpoint).map(([pid]) => pid);
  }
  listPids = (): number[] => [...this.processes.keys()];
  readCmdline = (pid: number): string[] | undefined => this.processes.get(pid)?.argv;
  readStat = (pid: number): ProcStat | undefined => this.processes.get(pid)?.stat;
  exists = (pid: number): boolean => this.processes.has(pid);
}

export const fakeBackend: Backend = {
  name: 'glusterfs',
  defaultPort: 24007,
  buildMountCommand: () => ({ file: 'mount', args: [] }),
  buildUnmountCommand: (mountpoint) => ({ file: 'umount', args: ['-l', mountpoint] }),
  recognizes: (entry) => entry.fstype === 'fuse.glusterfs',
  serverOf: (entry) => entry.source.split(':')[0],
  isDaemonFor: (argv, mountpoint) => argv[0] === '/usr/sbin/glusterfs' && argv.at(-1) === mountpoint,
};

export function makeSpec(overrides: Partial<MountSpec> = {}): MountSpec {
  return {
    name: 'data',
    backend: 'glusterfs',
    servers: [{ host: '10.0.0.10' }, { host: '10.0.0.11' }, { host: '10.0.0.12' }],
    volume: 'rep_vol1',
    subdir: '',
    mountpoint: '/mnt/data',
    options: [],
    probe: { intervalMs: 1_000, timeoutMs: 5_000, fall: 3, rise: 2, slowMs: 2_000, write: true },
    onHang: {},
    ...overrides,
  };
}

/** A whole fake world: mount table, daemons, servers, with counters the tests read. */
export class FakeWorld {
  clock = new FakeClock();
  probes = new FakeProbes();
  proc = new FakeProc();
  mounted: MountInfoEntry | undefined;
  serversUp = true;
  mountFails = false;
  mountCalls = 0;
  unmountCalls = 0;
  serverChecks = 0;
  killed: number[] = [];
  killedImmediately: number[] = [];
  avoidSeen: string[][] = [];
  /** the first reachable address of the resolution each mount call was given */
  resolutionsSeen: Array<string | undefined> = [];
  events: TransitionEvent[] = [];
  progress = 0;
  random = 0.5;
  seq = 0;

  constructor(readonly spec: MountSpec) {}

  mountNow(server = '10.0.0.10'): number {
    this.mounted = { mountId: 1, parentId: 0, device: '0:40', root: '/', mountpoint: this.spec.mountpoint, mountOptions: 'rw', fstype: 'fuse.glusterfs', source: `${server}:/rep_vol1`, superOptions: '' };
    return this.proc.spawnDaemon(this.spec.mountpoint);
  }

  states(): string[] {
    return this.events.map((event) => event.to);
  }

  deps(): SupervisorDeps {
    return {
      clock: this.clock,
      random: () => this.random,
      host: 'client1',
      backend: fakeBackend,
      probe: this.probes.run,
      readMounts: () => (this.mounted ? [this.mounted] : []),
      proc: this.proc,
      mounts: {
        mount: async (_spec, options) => {
          this.mountCalls += 1;
          this.avoidSeen.push(options.avoid.map((server) => server.host));
          this.resolutionsSeen.push(options.resolution.reachable[0]?.address);
          if (this.mountFails || !this.serversUp) throw new Error('mount exited 32');
          this.mountNow('10.0.0.11');
          return { server: { host: '10.0.0.11' }, backups: [], command: { file: 'mount', args: [] }, durationMs: 80 };
        },
        unmount: async () => {
          this.unmountCalls += 1;
          this.mounted = undefined;
        },
      },
      killDaemon: async (daemon, _mountpoint, options) => {
        this.killed.push(daemon.pid);
        if (options?.immediate) this.killedImmediately.push(daemon.pid);
        this.proc.kill(daemon.pid);
      },
      // the real resolution over a fake network: every server open, or every one refusing
      resolveServers: async (spec, avoid) => {
        this.serverChecks += 1;
        const how = this.serversUp ? 'open' : 'refused';
        const network = fakeNetwork({}, Object.fromEntries(spec.servers.map((server) => [server.host, how])));
        return resolveServers(spec.servers, network, { defaultPort: 24007, avoid });
      },
      onTransition: (event) => this.events.push(event),
      onProgress: () => {
        this.progress += 1;
      },
      logger: createSilentLogger(),
      nextSeq: () => ++this.seq,
    };
  }
}
