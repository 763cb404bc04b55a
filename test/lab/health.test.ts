// Health watching and self-healing on the real lab (issue 4). Each test runs the agent as its own
// process in the client's network namespace, and measures through the mount with the independent
// writer process (src/lab/writer.ts): the user's view, not the agent's.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/exec/run.js';
import { glusterOf, glusterServer, mooseOf, waitUntil } from '../../src/lab/lab-access.js';
import { installSignalCleanup, startLab } from '../../src/lab/lab.js';
import type { Lab } from '../../src/lab/lab-types.js';
import { sleep } from '../../src/lab/procs.js';
import { analyzeWrites, measureRecoveryAfter, type WriteAnalysis } from '../../src/lab/writer-analysis.js';
import { findMountAt, parseMountInfo } from '../../src/mount/mountinfo.js';
import { systemProc } from '../../src/probes/proc.js';
import type { BackendName } from '../../src/types.js';
import { AgentProcess } from './support/agent-process.js';
import { daemonsFor } from './support/lab-helpers.js';
import { WriterProcess } from './support/writer-process.js';

const BLOCKED_MS = 1_000; // a write slower than this counts as "not working" for the user
/** the agent's line for an abort of a FUSE daemon's sockets to a server that took no TCP connection */
const ABORTED_SOCKETS = /aborted \d+ socket\(s\) of FUSE daemon/;
const results: Record<string, unknown> = {};
const KEEP_DIR = '/tmp/ha-mount-health-last'; // each test's agent log and writer records, kept after the lab is gone

let lab: Lab;
let removeSignalCleanup: () => void = () => undefined;
const cleanups: Array<() => Promise<void>> = [];

/** A watched mount: its agent, and where it mounts. */
interface Watched {
  agent: AgentProcess;
  mountpoint: string;
}

/** Starts an agent for one mount of the lab with a 1 s probe interval; it mounts the volume itself. */
async function startWatchedMount(name: string, backend: BackendName, extraYaml = '', nodeOptions: string[] = []): Promise<Watched> {
  const dir = join(lab.dir, 'health', name);
  const mountpoint = join(lab.dir, 'mnt', `health-${name}`);
  mkdirSync(join(dir, 'state'), { recursive: true });
  mkdirSync(mountpoint, { recursive: true });
  const gluster = backend === 'glusterfs' ? glusterOf(lab) : undefined;
  const servers = gluster ? [gluster.vip, glusterServer(lab, 0).ip, glusterServer(lab, 1).ip] : [mooseOf(lab).vip];
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      'probe:',
      '  interval: 1s',
      '  timeout: 5s',
      'mounts:',
      `  - name: ${name}`,
      `    backend: ${backend}`,
      ...(gluster ? [`    volume: ${gluster.volume}`] : []),
      `    servers: [${servers.join(', ')}]`,
      `    mountpoint: ${mountpoint}`,
      extraYaml,
    ].join('\n'),
  );
  const agent = new AgentProcess(lab, { dir, nodeOptions });
  cleanups.push(async () => {
    await agent.stop(5_000);
    rmSync(join(KEEP_DIR, name), { recursive: true, force: true });
    cpSync(dir, join(KEEP_DIR, name), { recursive: true });
    const clientLog = `/var/log/glusterfs/${mountpoint.slice(1).replaceAll('/', '-')}.log`;
    if (existsSync(clientLog)) cpSync(clientLog, join(KEEP_DIR, name, 'client.log'));
    await runCommand({ file: 'umount', args: ['-l', mountpoint] }, { timeoutMs: 10_000 });
    for (const pid of daemonsFor(mountpoint, backend)) if (systemProc.exists(pid)) process.kill(pid, 'SIGKILL');
  });
  await agent.waitForState('healthy', 30_000);
  return { agent, mountpoint };
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
    const { agent, mountpoint } = await startWatchedMount('kill', 'glusterfs');
    const writer = new WriterProcess(agent.dir, join(mountpoint, 'writer'));
    await sleep(1_500);
    const killedAt: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      const before = agent.mount()?.daemonPid;
      killedAt.push(Date.now());
      await lab.faults.killClientDaemon(mountpoint);
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
    const { agent, mountpoint } = await startWatchedMount('adopt', 'glusterfs');
    const daemonBefore = agent.mount()?.daemonPid;
    await agent.stop();
    expect(daemonBefore).toBeDefined();
    expect(systemProc.exists(daemonBefore!)).toBe(true);
    const again = new AgentProcess(lab, { dir: agent.dir });
    cleanups.push(() => again.stop(5_000));
    const adoptedAt = await again.waitForState('healthy', 10_000, (mount) => mount.daemonPid !== undefined);
    results.adopt = { sameDaemon: again.mount()?.daemonPid === daemonBefore, transitionsAfterRestart: again.transitions().filter((t) => t.time >= adoptedAt - 5_000).map((t) => `${t.from}->${t.to}`) };
    expect(again.mount()?.daemonPid).toBe(daemonBefore);
    expect(again.mount()?.remounts).toBe(0);
    expect(again.logLines(/mounted .* via/)).toBe(1); // the first agent's mount only
  }, 60_000);

  it('when the FUSE daemon is killed 100 times then no client process is orphaned and the agent grows no files or memory', async () => {
    // a capped old space turns a leak into a crash within the test instead of leaving it to lazy GC
    const { agent, mountpoint } = await startWatchedMount('cycles', 'glusterfs', '', ['--max-old-space-size=48']);
    const cycle = async (): Promise<void> => {
      const before = agent.mount()?.daemonPid;
      await lab.faults.killClientDaemon(mountpoint);
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
    const daemons = daemonsFor(mountpoint, 'glusterfs');
    const mountEntries = parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8')).filter((entry) => entry.mountpoint === mountpoint);
    results.killCycles = { cycles: 100, remounts: agent.mount()?.remounts, strayDaemonsEnded: agent.logLines(/stray FUSE daemon/), msPerCycle: Math.round((Date.now() - started) / 90), fdBefore, fdAfter, rssKbBefore: rssBefore, rssKbAfter: rssAfter, daemons: daemons.length, mountEntries: mountEntries.length };
    expect(daemons).toHaveLength(1);
    expect(mountEntries).toHaveLength(1);
    expect(agent.child.exitCode).toBeNull();
    expect(fdAfter).toBeLessThanOrEqual(fdBefore + 2);
    // V8 grows its heap lazily: 300 cycles under the same cap plateaued at ~79 MB RSS (measured)
    expect(rssAfter).toBeLessThan(rssBefore + 32 * 1024);
    // each kill is one remount. The 1-8 extra per 100 seen before were the lab's injector killing the
    // agent's new mount as well (it looked again for 1 s); with one kill per call, 200 cycles gave 200
    // every kill is seen: mostly by the daemon watcher, sometimes first by a probe's ENOTCONN (seen 1 in 100)
    expect(agent.logLines(/"to":"failed"/)).toBeGreaterThanOrEqual(100);
    expect(agent.logLines(/"to":"failed".*FUSE daemon \d+ died/)).toBeGreaterThanOrEqual(90);
    expect(agent.mount()!.remounts).toBeGreaterThanOrEqual(100);
    expect(agent.mount()!.remounts).toBeLessThanOrEqual(102);
  }, 180_000);

  it('when heavy writes run through the mount for 2 minutes then there is no remount and no false failure', async () => {
    const { agent, mountpoint } = await startWatchedMount('heavy', 'glusterfs');
    const writer = new WriterProcess(agent.dir, join(mountpoint, 'heavy'), { intervalMs: 0, size: 1024 * 1024 });
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
    const { agent, mountpoint } = await startWatchedMount('crash', 'glusterfs');
    const writer = new WriterProcess(agent.dir, join(mountpoint, 'writer'));
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

  it("when the VIP holder's link is cut then the agent acts within the probe timeout (aborts the client's sockets to the silent server, or reports hung), nothing is remounted, and writes resume", async () => {
    const { agent, mountpoint } = await startWatchedMount('partition', 'glusterfs');
    const writer = new WriterProcess(agent.dir, join(mountpoint, 'writer'));
    await sleep(1_000);
    const holder = await lab.vipHolder('gluster');
    const cutAt = Date.now();
    await lab.faults.partitionHost(holder!);
    try {
      // with another replica answering, the agent aborts the sockets to the silent server (issue 17)
      // before a probe outlives its deadline; without one, the probe times out and the mount is hung
      const actedAt = await waitUntil('the agent acts on the cut', async () => (agent.logLines(ABORTED_SOCKETS) > 0 || agent.mount()?.state === 'hung' ? Date.now() : undefined), 15_000, 100);
      await waitUntil('writes resume', async () => {
        const records = writer.records();
        return records.some((record) => record.t > cutAt + 1_000 && record.ok && record.latencyMs < BLOCKED_MS) ? true : undefined;
      }, 60_000, 200);
      await sleep(2_000);
      const records = await writer.stop();
      const recovery = measureRecoveryAfter(records, cutAt, BLOCKED_MS);
      results.partition = { actedAfterMs: actedAt - cutAt, socketAborts: agent.logLines(ABORTED_SOCKETS), writesBackAfterMs: recovery === undefined ? null : Math.round(recovery), mountAttempts: agent.logLines(/remounted via|remount failed/), state: agent.mount()?.state, writes: summarize(analyzeWrites(records, BLOCKED_MS)) };
      expect(actedAt - cutAt).toBeLessThanOrEqual(5_000 + 1_000 + 1_500);
      expect(agent.mount()?.remounts).toBe(0);
      expect(recovery).toBeDefined();
    } finally {
      await lab.faults.healHost(holder!);
    }
    await agent.waitForState('healthy', 90_000);
  }, 180_000);

  it('when every server is down for 30 s then the agent backs off without a busy loop and is healthy within 2 s of their return', async () => {
    const { agent, mountpoint } = await startWatchedMount('alldown', 'glusterfs');
    const writer = new WriterProcess(agent.dir, join(mountpoint, 'writer'), { intervalMs: 100 });
    const [first, second] = [glusterServer(lab, 0), glusterServer(lab, 1)];
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

  it('when the MooseFS master fails over to the standby then nothing is remounted and new writes work after the takeover', async () => {
    const { agent, mountpoint } = await startWatchedMount('moose', 'moosefs');
    const writer = new WriterProcess(agent.dir, join(mountpoint, 'writer'));
    await sleep(1_500);
    const failoverAt = Date.now();
    await lab.faults.moosefsFailover();
    const takeoverAt = Date.now();
    // A write under way at the crash can wait 120-150 s for a chunk lock the standby replays from
    // the changelog (README, "How it tells failures apart"), and the running writer waits behind
    // it. That is MooseFS's, not the client's: whether writes work again is judged by a second
    // writer that starts now (its folder is made by the writer process, not by this one).
    const after = new WriterProcess(agent.dir, join(mountpoint, 'writer-after'));
    await waitUntil('a write started after the takeover succeeds', async () => (after.records().some((record) => record.ok) ? true : undefined), 60_000, 200);
    await sleep(2_000);
    const records = await writer.stop();
    const afterRecords = await after.stop();
    await agent.waitForState('healthy', 30_000);
    const recovery = measureRecoveryAfter(records, failoverAt, BLOCKED_MS);
    const firstNew = afterRecords.find((record) => record.ok);
    const stillBlocked = records.find((record) => record.errno === 'PENDING' && record.latencyMs > BLOCKED_MS); // not one merely under way at the stop
    results.mooseFailover = {
      takeoverMs: takeoverAt - failoverAt,
      writesBackAfterFailoverMs: recovery === undefined ? null : Math.round(recovery),
      newWriteDoneAfterTakeoverMs: firstNew === undefined ? null : Math.round(firstNew.t + firstNew.latencyMs - takeoverAt),
      writeBlockedAtStop: stillBlocked === undefined ? null : { startedBeforeCrashMs: failoverAt - stillBlocked.t, blockedMs: stillBlocked.latencyMs },
      transitions: agent.transitions().map((t) => `${t.from}->${t.to}`),
      writes: summarize(analyzeWrites(records, BLOCKED_MS)),
      writesAfter: summarize(analyzeWrites(afterRecords, BLOCKED_MS)),
    };
    expect(agent.mount()?.remounts).toBe(0);
    // writes begun after the takeover do not fail; one under way at the crash is MooseFS's matter
    // (it may wait out a replayed chunk lock, or fail: seen once in lab.test.ts), so it is only reported
    expect(afterRecords.filter((record) => !record.ok && record.errno !== 'PENDING')).toEqual([]);
    // the first writer is either writing again or waits on a write it began before the takeover
    if (stillBlocked !== undefined) expect(stillBlocked.t).toBeLessThan(takeoverAt);
    else expect(recovery).toBeDefined();
    expect(findMountAt(parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8')), mountpoint)).toBeDefined();
  }, 180_000);
});

