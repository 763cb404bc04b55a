// Health watching and self-healing on the real lab (issue 4). Each test runs the agent as its own
// process in the client's network namespace, and measures through the mount with the independent
// writer process (src/lab/writer.ts): the user's view, not the agent's.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../src/agent/status-file.js';
import { getBackend } from '../../src/backends/registry.js';
import { runCommand } from '../../src/exec/run.js';
import { installSignalCleanup, startLab } from '../../src/lab/lab.js';
import type { Lab, LabHost } from '../../src/lab/lab-types.js';
import { analyzeWrites, measureRecoveryAfter, parseWriteRecords, type WriteAnalysis } from '../../src/lab/writer-analysis.js';
import { findMountAt, parseMountInfo } from '../../src/mount/mountinfo.js';
import { findDaemons } from '../../src/probes/daemon.js';
import { systemProc } from '../../src/probes/proc.js';
import type { BackendName, MountState } from '../../src/types.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const WRITER = join(ROOT, 'dist/src/lab/writer.js');
const BLOCKED_MS = 1_000; // a write slower than this counts as "not working" for the user
const results: Record<string, unknown> = {};
const KEEP_DIR = '/tmp/ha-mount-health-last'; // each test's agent log and writer records, kept after the lab is gone

let lab: Lab;
let removeSignalCleanup: () => void = () => undefined;
const cleanups: Array<() => Promise<void>> = [];

/** `node dist/bin/ha-mount.js -c CFG agent ...`: the agent as systemd would run it. */
function agentArgv(config: string, stateDir: string): string[] {
  return [join(ROOT, 'dist/bin/ha-mount.js'), '-c', config, 'agent', '--state-dir', stateDir, '--no-fstab'];
}

interface Transition {
  time: number;
  from: MountState;
  to: MountState;
  reason: string;
}

/** The agent under test: a real process in the client namespace, read through status.json and its log. */
class AgentProcess {
  readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  constructor(
    readonly dir: string,
    readonly mountpoint: string,
    nodeOptions: string[] = [],
  ) {
    const log = openSync(join(dir, 'agent.log'), 'a');
    const command = lab.clientCommand({ file: process.execPath, args: [...nodeOptions, ...agentArgv(join(dir, 'config.yaml'), join(dir, 'state'))] });
    this.child = spawn(command.file, command.args, { stdio: ['ignore', log, log], env: { ...process.env, HA_MOUNT_LOG_FORMAT: 'json', HA_MOUNT_LOG_LEVEL: 'debug' } });
    closeSync(log);
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  status(): AgentStatus | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir, 'state', 'status.json'), 'utf8')) as AgentStatus;
    } catch {
      return undefined;
    }
  }

  mount(): AgentStatus['mounts'][number] | undefined {
    return this.status()?.mounts[0];
  }

  transitions(): Transition[] {
    const text = existsSync(join(this.dir, 'agent.log')) ? readFileSync(join(this.dir, 'agent.log'), 'utf8') : '';
    const found: Transition[] = [];
    for (const line of text.split('\n')) {
      if (!line.includes('"to"')) continue;
      try {
        const entry = JSON.parse(line) as { time: string; from?: MountState; to?: MountState; reason?: string };
        if (entry.from && entry.to) found.push({ time: Date.parse(entry.time), from: entry.from, to: entry.to, reason: entry.reason ?? '' });
      } catch {
        // not JSON
      }
    }
    return found;
  }

  logLines(pattern: RegExp): number {
    const text = existsSync(join(this.dir, 'agent.log')) ? readFileSync(join(this.dir, 'agent.log'), 'utf8') : '';
    return text.split('\n').filter((line) => pattern.test(line)).length;
  }

  async waitForState(state: MountState, timeoutMs: number, extra: (mount: NonNullable<ReturnType<AgentProcess['mount']>>) => boolean = () => true): Promise<number> {
    return waitUntil(`agent state ${state} on ${this.mountpoint}`, async () => {
      const mount = this.mount();
      return mount?.state === state && extra(mount) ? Date.now() : undefined;
    }, timeoutMs, 20);
  }

  /** CPU seconds (user + system) the agent process used so far. */
  cpuSeconds(): number {
    const fields = readFileSync(`/proc/${this.pid}/stat`, 'utf8').slice(readFileSync(`/proc/${this.pid}/stat`, 'utf8').lastIndexOf(')') + 2).split(' ');
    return (Number(fields[14 - 3]) + Number(fields[15 - 3])) / 100;
  }

  openFiles(): number {
    return readdirSync(`/proc/${this.pid}/fd`).length;
  }

  rssKb(): number {
    return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'))?.[1] ?? NaN);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** The user's view: the independent writer process writing through the mount. */
class WriterProcess {
  readonly child: ChildProcess;
  readonly out: string;
  private readonly exited: Promise<void>;
  constructor(dir: string, target: string, options: { intervalMs?: number; size?: number } = {}) {
    mkdirSync(target, { recursive: true });
    this.out = join(dir, `writes-${Date.now()}.jsonl`);
    this.child = spawn(process.execPath, [WRITER, target, '--interval', String(options.intervalMs ?? 50), '--size', String(options.size ?? 256), '--keep', '50', '--out', this.out], { stdio: 'ignore' });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }
  async stop(): Promise<ReturnType<typeof parseWriteRecords>> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    await this.exited;
    return existsSync(this.out) ? parseWriteRecords(readFileSync(this.out, 'utf8')) : [];
  }
}

async function waitUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function gfs(index: 0 | 1): LabHost {
  const server = lab.gluster?.servers[index];
  if (server === undefined) throw new Error('the lab has no GlusterFS servers');
  return server;
}

/** FUSE client processes serving `mountpoint` (orphans included, zombies not). */
function daemonsFor(mountpoint: string, backend: BackendName): number[] {
  return findDaemons(mountpoint, getBackend(backend), systemProc).map((daemon) => daemon.pid);
}

/** Starts an agent for one mount of the lab with a 1 s probe interval; it mounts the volume itself. */
async function startWatchedMount(name: string, backend: BackendName, extraYaml = '', nodeOptions: string[] = []): Promise<AgentProcess> {
  const dir = join(lab.dir, 'health', name);
  const mountpoint = join(lab.dir, 'mnt', `health-${name}`);
  mkdirSync(join(dir, 'state'), { recursive: true });
  mkdirSync(mountpoint, { recursive: true });
  const servers = backend === 'glusterfs' ? [lab.gluster!.vip, gfs(0).ip, gfs(1).ip] : [lab.moosefs!.vip];
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      'probe:',
      '  interval: 1s',
      '  timeout: 5s',
      'mounts:',
      `  - name: ${name}`,
      `    backend: ${backend}`,
      ...(backend === 'glusterfs' ? [`    volume: ${lab.gluster!.volume}`] : []),
      `    servers: [${servers.join(', ')}]`,
      `    mountpoint: ${mountpoint}`,
      extraYaml,
    ].join('\n'),
  );
  const agent = new AgentProcess(dir, mountpoint, nodeOptions);
  cleanups.push(async () => {
    await agent.stop();
    rmSync(join(KEEP_DIR, name), { recursive: true, force: true });
    cpSync(dir, join(KEEP_DIR, name), { recursive: true });
    const clientLog = `/var/log/glusterfs/${mountpoint.slice(1).replaceAll('/', '-')}.log`;
    if (existsSync(clientLog)) cpSync(clientLog, join(KEEP_DIR, name, 'client.log'));
    await runCommand({ file: 'umount', args: ['-l', mountpoint] }, { timeoutMs: 10_000 });
    for (const pid of daemonsFor(mountpoint, backend)) if (systemProc.exists(pid)) process.kill(pid, 'SIGKILL');
  });
  await agent.waitForState('healthy', 30_000);
  return agent;
}

function summarize(analysis: WriteAnalysis): Record<string, unknown> {
  return {
    total: analysis.total,
    failed: analysis.failed,
    blocked: analysis.blocked,
    longestWindowMs: Math.round(analysis.longestWindowMs),
    maxLatencyMs: Math.round(analysis.maxLatencyMs),
    windows: analysis.windows.map((window) => `${Math.round(window.durationMs)} ms ${window.errnos.join('/')}`),
  };
}

beforeAll(async () => {
  lab = await startLab({ gluster: true, moosefs: true, onProgress: (message) => console.log(`[lab] ${message}`) });
  removeSignalCleanup = installSignalCleanup(lab);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => console.log(`[health] cleanup: ${String(error)}`));
});

afterAll(async () => {
  removeSignalCleanup();
  await lab?.stop();
  console.log(`[health] measured: ${JSON.stringify(results, null, 1)}`);
});

describe('health watching and self-healing on the lab', () => {
  it('when the FUSE daemon is killed then writes work again within 1.5 s at a 1 s probe interval', async () => {
    const agent = await startWatchedMount('kill', 'glusterfs');
    const writer = new WriterProcess(agent.dir, join(agent.mountpoint, 'writer'));
    await sleep(1_500);
    const killedAt: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      const before = agent.mount()?.daemonPid;
      killedAt.push(Date.now());
      await lab.faults.killClientDaemon(agent.mountpoint);
      await agent.waitForState('healthy', 10_000, (mount) => mount.daemonPid !== before);
      await sleep(1_500);
    }
    const records = await writer.stop();
    const recoveries = killedAt.map((at) => measureRecoveryAfter(records, at, BLOCKED_MS));
    results.daemonKill = { recoveriesMs: recoveries.map((ms) => (ms === undefined ? null : Math.round(ms))), writes: summarize(analyzeWrites(records, BLOCKED_MS)) };
    for (const ms of recoveries) {
      expect(ms).toBeDefined();
      expect(ms!).toBeLessThan(1_500);
    }
    expect(agent.mount()?.remounts).toBe(3);
  }, 120_000);

  it('when the agent restarts then it adopts the healthy mount without remounting it, and the FUSE daemon survives the agent', async () => {
    const agent = await startWatchedMount('adopt', 'glusterfs');
    const daemonBefore = agent.mount()?.daemonPid;
    await agent.stop();
    expect(daemonBefore).toBeDefined();
    expect(systemProc.exists(daemonBefore!)).toBe(true);
    const again = new AgentProcess(agent.dir, agent.mountpoint);
    cleanups.push(() => again.stop());
    const adoptedAt = await again.waitForState('healthy', 10_000, (mount) => mount.daemonPid !== undefined);
    results.adopt = { sameDaemon: again.mount()?.daemonPid === daemonBefore, transitionsAfterRestart: again.transitions().filter((t) => t.time >= adoptedAt - 5_000).map((t) => `${t.from}->${t.to}`) };
    expect(again.mount()?.daemonPid).toBe(daemonBefore);
    expect(again.mount()?.remounts).toBe(0);
    expect(again.logLines(/mounted .* via/)).toBe(1); // the first agent's mount only
  }, 60_000);

  it('when the FUSE daemon is killed 100 times then no client process is orphaned and the agent grows no files or memory', async () => {
    // a capped old space turns a leak into a crash within the test instead of leaving it to lazy GC
    const agent = await startWatchedMount('cycles', 'glusterfs', '', ['--max-old-space-size=48']);
    const cycle = async (): Promise<void> => {
      const before = agent.mount()?.daemonPid;
      await lab.faults.killClientDaemon(agent.mountpoint);
      await agent.waitForState('healthy', 15_000, (mount) => mount.daemonPid !== before);
    };
    for (let warmUp = 0; warmUp < 10; warmUp += 1) await cycle();
    const fdBefore = agent.openFiles();
    const rssBefore = agent.rssKb();
    const started = Date.now();
    for (let round = 10; round < 100; round += 1) await cycle();
    await sleep(1_500);
    const fdAfter = agent.openFiles();
    const rssAfter = agent.rssKb();
    const daemons = daemonsFor(agent.mountpoint, 'glusterfs');
    const mountEntries = parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8')).filter((entry) => entry.mountpoint === agent.mountpoint);
    results.killCycles = { cycles: 100, remounts: agent.mount()?.remounts, strayDaemonsEnded: agent.logLines(/stray FUSE daemon/), msPerCycle: Math.round((Date.now() - started) / 90), fdBefore, fdAfter, rssKbBefore: rssBefore, rssKbAfter: rssAfter, daemons: daemons.length, mountEntries: mountEntries.length };
    expect(daemons).toHaveLength(1);
    expect(mountEntries).toHaveLength(1);
    expect(agent.child.exitCode).toBeNull();
    expect(fdAfter).toBeLessThanOrEqual(fdBefore + 2);
    // V8 grows its heap lazily: 300 cycles under the same cap plateaued at ~79 MB RSS (measured)
    expect(rssAfter).toBeLessThan(rssBefore + 32 * 1024);
    // each kill is one remount; when mount.glusterfs fails an attempt right after a kill, the failed
    // client's exit can take the next attempt's fresh mount down with it: one more remount (seen 0-3 per 100)
    // every kill is seen: mostly by the daemon watcher, sometimes first by a probe's ENOTCONN (seen 1 in 100)
    expect(agent.logLines(/"to":"failed"/)).toBeGreaterThanOrEqual(100);
    expect(agent.logLines(/"to":"failed".*FUSE daemon \d+ died/)).toBeGreaterThanOrEqual(90);
    expect(agent.mount()!.remounts).toBeGreaterThanOrEqual(100);
    expect(agent.mount()!.remounts).toBeLessThanOrEqual(110);
  }, 180_000);

  it('when heavy writes run through the mount for 2 minutes then there is no remount and no false failure', async () => {
    const agent = await startWatchedMount('heavy', 'glusterfs');
    const writer = new WriterProcess(agent.dir, join(agent.mountpoint, 'heavy'), { intervalMs: 0, size: 1024 * 1024 });
    const cpuBefore = agent.cpuSeconds();
    await sleep(120_000);
    const records = await writer.stop();
    const analysis = analyzeWrites(records, 5_000);
    const transitions = agent.transitions().filter((transition) => transition.from !== 'starting' && transition.from !== 'recovering');
    results.heavyWrites = { mib: records.filter((record) => record.ok).length, agentCpuSeconds: Number((agent.cpuSeconds() - cpuBefore).toFixed(2)), transitions, lastProbeMs: agent.mount()?.lastProbe?.latencyMs, writes: summarize(analysis) };
    expect(analysis.failed).toBe(0);
    expect(agent.mount()?.remounts).toBe(0);
    expect(transitions.filter((transition) => transition.to === 'failed' || transition.to === 'hung')).toEqual([]);
  }, 170_000);

  it('when the VIP holder crashes then there is no remount, the mount is degraded, and writes never fail', async () => {
    const agent = await startWatchedMount('crash', 'glusterfs');
    const writer = new WriterProcess(agent.dir, join(agent.mountpoint, 'writer'));
    await sleep(1_000);
    const holder = await lab.vipHolder('gluster');
    expect(holder?.name).toBeDefined();
    const crashedAt = Date.now();
    await lab.faults.crashHost(holder!);
    const degradedAt = await agent.waitForState('degraded', 15_000);
    await sleep(3_000);
    const records = await writer.stop();
    await lab.faults.restartHost(holder!);
    const healthyAgainAt = await agent.waitForState('healthy', 60_000);
    const analysis = analyzeWrites(records, 5_000);
    results.vipCrash = { degradedAfterMs: degradedAt - crashedAt, reason: agent.transitions().find((t) => t.to === 'degraded')?.reason, healthyAfterRestartMs: healthyAgainAt - crashedAt, writes: summarize(analysis) };
    expect(analysis.failed).toBe(0);
    expect(agent.mount()?.remounts).toBe(0);
    expect(agent.transitions().find((t) => t.to === 'degraded')?.reason).toMatch(/brick .* disconnected/);
  }, 150_000);

  it("when the VIP holder's link is cut then hung is reported within the probe timeout, nothing is remounted, and writes resume after the ping timeout", async () => {
    const agent = await startWatchedMount('partition', 'glusterfs');
    const writer = new WriterProcess(agent.dir, join(agent.mountpoint, 'writer'));
    await sleep(1_000);
    const holder = await lab.vipHolder('gluster');
    const cutAt = Date.now();
    await lab.faults.partitionHost(holder!);
    try {
      const hungAt = await agent.waitForState('hung', 15_000);
      // resume: writes work again (the client drops the silent brick after its ping timeout)
      await waitUntil('writes resume', async () => {
        const records = existsSync(writer.out) ? parseWriteRecords(readFileSync(writer.out, 'utf8')) : [];
        return records.some((record) => record.t > cutAt + 1_000 && record.ok && record.latencyMs < BLOCKED_MS) ? true : undefined;
      }, 60_000, 200);
      await sleep(2_000);
      const records = await writer.stop();
      const recovery = measureRecoveryAfter(records, cutAt, BLOCKED_MS);
      results.partition = { hungAfterMs: hungAt - cutAt, writesBackAfterMs: recovery === undefined ? null : Math.round(recovery), mountAttempts: agent.logLines(/remounted via|remount failed/), state: agent.mount()?.state, writes: summarize(analyzeWrites(records, BLOCKED_MS)) };
      expect(hungAt - cutAt).toBeLessThanOrEqual(5_000 + 1_000 + 1_500);
      expect(agent.mount()?.remounts).toBe(0);
      expect(recovery).toBeDefined();
    } finally {
      await lab.faults.healHost(holder!);
    }
    await agent.waitForState('healthy', 90_000);
  }, 180_000);

  it('when every server is down for 30 s then the agent backs off without a busy loop and is healthy within 2 s of their return', async () => {
    const agent = await startWatchedMount('alldown', 'glusterfs');
    const writer = new WriterProcess(agent.dir, join(agent.mountpoint, 'writer'), { intervalMs: 100 });
    const [first, second] = [gfs(0), gfs(1)];
    await lab.faults.crashHost(first);
    await lab.faults.crashHost(second);
    const downAt = Date.now();
    await agent.waitForState('failed', 15_000);
    const cpuBefore = agent.cpuSeconds();
    const attemptsBefore = agent.logLines(/remount failed/);
    await sleep(Math.max(0, downAt + 30_000 - Date.now()));
    const cpuDuringOutage = agent.cpuSeconds() - cpuBefore;
    const failedAttemptsDuringOutage = agent.logLines(/remount failed/) - attemptsBefore;
    // "back": both hosts restarted, glusterd and bricks up (restartHost waits for the bricks)
    const restartStarted = Date.now();
    const healthy = agent.waitForState('healthy', 40_000);
    await Promise.all([lab.faults.restartHost(first), lab.faults.restartHost(second)]);
    const returnedAt = Date.now();
    const healthyAt = await healthy;
    await sleep(1_000);
    const records = await writer.stop();
    const writesBack = records.find((record) => record.t > downAt + 5_000 && record.ok);
    results.allDown = {
      agentCpuSecondsDuring30s: Number(cpuDuringOutage.toFixed(2)),
      failedMountAttemptsWhileDown: failedAttemptsDuringOutage,
      restartTookMs: returnedAt - restartStarted,
      healthyAfterReturnMs: healthyAt - returnedAt,
      healthyAfterRestartStartMs: healthyAt - restartStarted,
      failedMountAttemptsAfterReturn: agent.logLines(/remount attempt .* failed/),
      writesBackAfterReturnMs: writesBack === undefined ? null : Math.round(writesBack.t + writesBack.latencyMs - returnedAt),
      remounts: agent.mount()?.remounts,
    };
    expect(cpuDuringOutage).toBeLessThan(3);
    expect(failedAttemptsDuringOutage).toBe(0);
    expect(healthyAt - returnedAt).toBeLessThanOrEqual(2_000);
  }, 180_000);

  it('when the MooseFS master fails over to the standby then nothing is remounted and writes resume after the takeover', async () => {
    const agent = await startWatchedMount('moose', 'moosefs');
    const writer = new WriterProcess(agent.dir, join(agent.mountpoint, 'writer'));
    await sleep(1_500);
    const failoverAt = Date.now();
    await lab.faults.moosefsFailover();
    const takeoverAt = Date.now();
    await waitUntil('writes resume after the takeover', async () => {
      const records = existsSync(writer.out) ? parseWriteRecords(readFileSync(writer.out, 'utf8')) : [];
      return records.some((record) => record.t > takeoverAt && record.ok && record.latencyMs < BLOCKED_MS) ? true : undefined;
    }, 120_000, 200);
    await sleep(2_000);
    const records = await writer.stop();
    await agent.waitForState('healthy', 30_000);
    const recovery = measureRecoveryAfter(records, failoverAt, BLOCKED_MS);
    results.mooseFailover = { takeoverMs: takeoverAt - failoverAt, writesBackAfterFailoverMs: recovery === undefined ? null : Math.round(recovery), transitions: agent.transitions().map((t) => `${t.from}->${t.to}`), writes: summarize(analyzeWrites(records, BLOCKED_MS)) };
    expect(agent.mount()?.remounts).toBe(0);
    expect(recovery).toBeDefined();
    expect(findMountAt(parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8')), agent.mountpoint)).toBeDefined();
  }, 180_000);
});

