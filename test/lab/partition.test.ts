// Issue 17 on the real lab (GlusterFS replica 2): the agent aborts the FUSE daemon's sockets to a
// server that vanished (its link cut: packets dropped, no RST), so writes go on within seconds
// instead of after the ping timeout; it aborts the FUSE connection of a daemon that died with
// requests in flight and could not close it; and it aborts nothing while a brick is only slow.
// The agent runs as its own process in the client's namespace; writes are measured by the
// independent writer process (the user's view).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/exec/run.js';
import { freezeProcesses } from '../../src/lab/faults.js';
import { glusterOf, glusterServer, waitUntil } from '../../src/lab/lab-access.js';
import { installSignalCleanup, startLab } from '../../src/lab/lab.js';
import type { Lab, LabHost } from '../../src/lab/lab-types.js';
import { netnsPath } from '../../src/lab/context.js';
import { findProcessesInNamespaces, readComm, readNamespaceInode, sleep } from '../../src/lab/procs.js';
import { analyzeWrites, measureRecoveryAfter } from '../../src/lab/writer-analysis.js';
import { findMountAt, readMountInfo } from '../../src/mount/mountinfo.js';
import { FUSECTL_DIR, fuseConnectionId, isFusectlMounted, readWaiting } from '../../src/probes/fuse-connection.js';
import { systemProc } from '../../src/probes/proc.js';
import { groupByServer, readDaemonConnections } from '../../src/probes/sockets.js';
import { AgentProcess } from './support/agent-process.js';
import { daemonsFor } from './support/lab-helpers.js';
import { WriterProcess } from './support/writer-process.js';

const BLOCKED_MS = 1_000; // a write slower than this counts as "not working" for the user
const results: Record<string, unknown> = {};
const ABORT_LINE = /"target":"server-sockets"/;
// how long the no-false-abort tests write: 20 s in the suite; the full form is 5 minutes
// (NO_FALSE_ABORT_MS=300000 npx vitest run --project lab test/lab/partition.test.ts -t 'aborts nothing')
const NO_FALSE_ABORT_MS = Number(process.env.NO_FALSE_ABORT_MS ?? 20_000);

let lab: Lab;
let fusectlBefore = false;
let removeSignalCleanup: () => void = () => undefined;
const cleanups: Array<() => Promise<void>> = [];

/** Starts an agent for the lab's GlusterFS volume (1 s probes); it mounts the volume itself. */
async function startAgent(name: string): Promise<{ agent: AgentProcess; mountpoint: string }> {
  const dir = join(lab.dir, 'partition', name);
  const mountpoint = join(lab.dir, 'mnt', `partition-${name}`);
  mkdirSync(join(dir, 'state'), { recursive: true });
  mkdirSync(mountpoint, { recursive: true });
  const gluster = glusterOf(lab);
  const config = ['probe:', '  interval: 1s', '  timeout: 5s', 'mounts:', `  - name: ${name}`, '    backend: glusterfs', `    volume: ${gluster.volume}`, `    servers: [${gluster.vip}, ${glusterServer(lab, 0).ip}, ${glusterServer(lab, 1).ip}]`, `    mountpoint: ${mountpoint}`];
  writeFileSync(join(dir, 'config.yaml'), `${config.join('\n')}\n`);
  const agent = new AgentProcess(lab, { dir });
  cleanups.push(async () => {
    await agent.stop(5_000);
    await runCommand({ file: 'umount', args: ['-l', mountpoint] }, { timeoutMs: 10_000 });
    for (const pid of daemonsFor(mountpoint, 'glusterfs')) if (systemProc.exists(pid)) process.kill(pid, 'SIGKILL');
  });
  await agent.waitForState('healthy', 30_000);
  return { agent, mountpoint };
}

/** The brick processes (glusterfsd) of one lab server. */
function brickPids(host: LabHost): number[] {
  const inode = readNamespaceInode(netnsPath(host.netns));
  if (inode === undefined) return [];
  return findProcessesInNamespaces(new Set([inode])).map((found) => found.pid).filter((pid) => readComm(pid) === 'glusterfsd');
}

/** The kernel state letter of a process (R, S, D...), or undefined when it is gone. */
function processState(pid: number): string | undefined {
  return systemProc.readStat(pid)?.state;
}

/**
 * A process that holds a copy of the daemon's /dev/fuse (pidfd_getfd, x86_64 syscall numbers):
 * once the daemon is killed, its FUSE connection cannot close, as when a thread of a killed client
 * is stuck in D state on its own mount. Resolves once it holds the descriptor.
 */
async function holdFuseDevice(daemonPid: number): Promise<ChildProcess> {
  const script = [
    '$| = 1; my ($pid) = @ARGV; my $fd;',
    'opendir(my $dir, "/proc/$pid/fd") or die "no /proc/$pid/fd\\n";',
    'for (readdir $dir) { next unless /^\\d+$/; my $link = readlink("/proc/$pid/fd/$_"); if (defined $link && $link eq "/dev/fuse") { $fd = $_; last } }',
    'die "no /dev/fuse in $pid\\n" unless defined $fd;',
    'my $pidfd = syscall(434, $pid + 0, 0); die "pidfd_open: $!\\n" if $pidfd < 0;',
    'my $held = syscall(438, $pidfd, $fd + 0, 0); die "pidfd_getfd: $!\\n" if $held < 0;',
    'print "held\\n"; sleep 1000 while 1;',
  ].join('\n');
  const child = spawn('perl', ['-e', script, String(daemonPid)], { stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(async () => {
    child.kill('SIGKILL');
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitUntil('the holder takes /dev/fuse', () => (output.includes('held') ? true : child.exitCode !== null ? Promise.reject(new Error(`holder failed: ${output}`)) : undefined), 10_000, 50);
  return child;
}

beforeAll(async () => {
  fusectlBefore = isFusectlMounted(readMountInfo());
  lab = await startLab({ gluster: true, onProgress: (message) => console.log(`[lab] ${message}`) });
  removeSignalCleanup = installSignalCleanup(lab);
}, 180_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => console.log(`[partition] cleanup: ${String(error)}`));
});

afterAll(async () => {
  removeSignalCleanup();
  await lab?.stop();
  // the agent mounts fusectl when it is absent; leave the machine as it was
  if (!fusectlBefore && isFusectlMounted(readMountInfo())) await runCommand({ file: 'umount', args: [FUSECTL_DIR] }, { timeoutMs: 10_000 });
  console.log(`[partition] measured: ${JSON.stringify(results, null, 1)}`);
});

describe('partitions in seconds (issue 17)', () => {
  it("when the VIP holder's link is cut then the agent aborts the daemon's sockets to it, writes resume within seconds with none failed, and the client reconnects once the link is back", async () => {
    const { agent, mountpoint } = await startAgent('cut');
    const writer = new WriterProcess(agent.dir, join(mountpoint, 'writer'));
    await sleep(1_500);
    const holder = await lab.vipHolder('gluster');
    expect(holder?.name).toBeDefined();
    const daemonPid = agent.mount()?.daemonPid;
    expect(daemonPid).toBeDefined();
    const cutAt = Date.now();
    await lab.faults.partitionHost(holder!);
    let healedAt = 0;
    try {
      await agent.waitForEntry(/took no TCP connection/, 1, 15_000);
      await waitUntil('writes resume', () => (writer.records().some((record) => record.t > cutAt + 500 && record.ok && record.latencyMs < BLOCKED_MS) ? true : undefined), 30_000, 100);
      await sleep(2_000);
    } finally {
      await lab.faults.healHost(holder!);
      healedAt = Date.now();
    }
    // the client finds the server again by itself (GlusterFS reconnects every few seconds)
    const reconnectedAt = await waitUntil(`the FUSE daemon connects to ${holder!.ip} again`, () => (groupByServer(readDaemonConnections(daemonPid!) ?? []).some((server) => server.ip === holder!.ip) ? Date.now() : undefined), 30_000, 200);
    const records = await writer.stop();
    const recovery = measureRecoveryAfter(records, cutAt, BLOCKED_MS);
    const analysis = analyzeWrites(records, BLOCKED_MS);
    const aborts = agent.entries(/took no TCP connection/);
    results.cut = { writesBackAfterMs: recovery === undefined ? null : Math.round(recovery), aborts: aborts.map((entry) => entry.msg), reconnectedAfterHealMs: reconnectedAt - healedAt, remounts: agent.mount()?.remounts, failed: analysis.failed, total: analysis.total, longestWindowMs: Math.round(analysis.longestWindowMs) };
    expect(aborts.length).toBeGreaterThanOrEqual(1);
    expect(aborts.every((entry) => String(entry.msg).includes(holder!.ip) || String(entry.msg).includes(glusterOf(lab).vip))).toBe(true);
    expect(agent.logLines(/aborted \d+ socket\(s\) of FUSE daemon/)).toBeGreaterThanOrEqual(1);
    expect(analysis.failed).toBe(0);
    expect(recovery).toBeDefined();
    // the target is p50 <= 4 s over the bench's trials; one trial on a loaded machine gets room
    expect(recovery!).toBeLessThan(7_000);
    expect(agent.mount()?.remounts).toBe(0);
    await agent.waitForState('healthy', 30_000);
  }, 120_000);

  it('when the FUSE daemon is killed with a request in flight and its connection cannot close then the agent aborts the connection, the mount is repaired and no process stays stuck', async () => {
    const { agent, mountpoint } = await startAgent('zombie');
    const writer = new WriterProcess(agent.dir, join(mountpoint, 'writer'));
    await sleep(1_000);
    const daemonPid = agent.mount()!.daemonPid!;
    const connection = fuseConnectionId(findMountAt(readMountInfo(), mountpoint)!)!;
    const holderChild = await holdFuseDevice(daemonPid);
    const frozen = freezeProcesses([daemonPid]);
    // a write is in flight and cannot be answered
    await waitUntil(`a request waits on FUSE connection ${connection}`, () => ((readWaiting(connection) ?? 0) > 0 ? true : undefined), 10_000, 50);
    const killedAt = Date.now();
    process.kill(daemonPid, 'SIGKILL');
    await frozen.thaw();
    await agent.waitForState('healthy', 30_000, (mount) => mount.daemonPid !== daemonPid);
    await sleep(1_500);
    const writerState = processState(writer.pid!);
    const records = await writer.stop();
    const recovery = measureRecoveryAfter(records, killedAt, BLOCKED_MS);
    const aborted = agent.entries(/FUSE connection \d+ of the dead daemon aborted/);
    // once the old superblock is gone its fusectl folder goes and the id may be the new mount's (seen)
    const newConnection = fuseConnectionId(findMountAt(readMountInfo(), mountpoint)!);
    const oldConnectionAfter = newConnection === connection ? 'id reused by the new mount' : (readWaiting(connection) ?? 'gone');
    results.zombie = { connection, newConnection, abortLog: aborted.map((entry) => entry.msg), writesBackAfterMs: recovery === undefined ? null : Math.round(recovery), writerState, oldConnectionAfter, holderState: processState(holderChild.pid!), remounts: agent.mount()?.remounts };
    expect(aborted).toHaveLength(1);
    expect(typeof oldConnectionAfter === 'number' ? oldConnectionAfter : 0).toBe(0);
    expect(writerState).not.toBe('D');
    expect(records.some((record) => record.t > killedAt && record.ok)).toBe(true);
    // a write cut short by the writer's stop is PENDING too: only one blocked past BLOCKED_MS is stuck
    expect(records.filter((record) => !record.ok && record.errno === 'PENDING' && record.latencyMs >= BLOCKED_MS)).toEqual([]);
    expect(daemonsFor(mountpoint, 'glusterfs')).toHaveLength(1);
    expect(agent.mount()?.remounts).toBe(1);
  }, 90_000);

  it('when one brick process is stopped (SIGSTOP) for 8 s under heavy writes then the agent aborts nothing and remounts nothing, and no write fails', async () => {
    const { agent, mountpoint } = await startAgent('slow');
    const writer = new WriterProcess(agent.dir, join(mountpoint, 'heavy'), { intervalMs: 0, size: 256 * 1024 });
    const started = Date.now();
    await sleep(2_000);
    const pids = brickPids(glusterServer(lab, 0));
    expect(pids.length).toBeGreaterThan(0);
    // the suite stops it once; the full form (NO_FALSE_ABORT_MS=300000) every 30 s for 5 minutes
    do {
      const frozen = freezeProcesses(pids);
      try {
        await sleep(8_000);
      } finally {
        await frozen.thaw();
      }
      await sleep(Math.min(22_000, Math.max(5_000, started + NO_FALSE_ABORT_MS - Date.now())));
    } while (Date.now() < started + NO_FALSE_ABORT_MS);
    const records = await writer.stop();
    const analysis = analyzeWrites(records, 5_000);
    results.stoppedBrick = { checks: agent.logLines(/servers of the stalled FUSE daemon checked/), aborts: agent.logLines(ABORT_LINE), remounts: agent.mount()?.remounts, total: analysis.total, failed: analysis.failed, maxLatencyMs: Math.round(analysis.maxLatencyMs), transitions: agent.transitions().map((t) => `${t.from}->${t.to}`) };
    expect(agent.logLines(ABORT_LINE)).toBe(0);
    expect(agent.mount()?.remounts).toBe(0);
    expect(analysis.failed).toBe(0);
  }, 420_000);

  // the issue asks for `tc netem delay 300ms`; this kernel has no netem (CONFIG_NET_SCH_NETEM unset),
  // so the slow link is a token bucket: 2 Mbit/s with up to 400 ms of queue, saturated by the writer
  it("when one brick's link is throttled (tc tbf 2 Mbit/s, 400 ms queue) under heavy writes then the agent aborts nothing and remounts nothing, and no write fails", async () => {
    const { agent, mountpoint } = await startAgent('delay');
    const writer = new WriterProcess(agent.dir, join(mountpoint, 'heavy'), { intervalMs: 0, size: 256 * 1024 });
    await sleep(2_000);
    const slow = glusterServer(lab, 0);
    // both ways: the host's eth0 (brick -> client) and its port on the lab switch (client -> brick)
    const links: Array<[string, string]> = [[slow.netns, 'eth0'], [`${lab.prefix}-sw`, slow.name]];
    const qdisc = async (action: 'add' | 'del'): Promise<void> => {
      const shape = action === 'add' ? ['tbf', 'rate', '2mbit', 'burst', '32kbit', 'latency', '400ms'] : [];
      for (const [netns, dev] of links) {
        const result = await runCommand({ file: 'tc', args: ['-n', netns, 'qdisc', action, 'dev', dev, 'root', ...shape] }, { timeoutMs: 10_000 });
        if (result.exitCode !== 0) throw new Error(`tc qdisc ${action} on ${netns}/${dev}: ${result.stderr.trim()} (exit ${result.exitCode})`);
      }
    };
    await qdisc('add');
    try {
      await sleep(NO_FALSE_ABORT_MS);
    } finally {
      await qdisc('del');
    }
    await sleep(3_000);
    const records = await writer.stop();
    const analysis = analyzeWrites(records, 5_000);
    results.throttledBrick = { checks: agent.logLines(/servers of the stalled FUSE daemon checked/), aborts: agent.logLines(ABORT_LINE), remounts: agent.mount()?.remounts, total: analysis.total, failed: analysis.failed, maxLatencyMs: Math.round(analysis.maxLatencyMs), transitions: agent.transitions().map((t) => `${t.from}->${t.to}`) };
    expect(agent.logLines(ABORT_LINE)).toBe(0);
    expect(agent.mount()?.remounts).toBe(0);
    expect(analysis.failed).toBe(0);
  }, 420_000);

  it('when a program waits on a lock through the mount for longer than the stuck-request threshold while new writes work then the mount is reported degraded with how long, and healthy again once it gets the lock', async () => {
    const { agent, mountpoint } = await startAgent('stuck');
    const writer = new WriterProcess(agent.dir, join(mountpoint, 'writer'));
    const lockFile = join(mountpoint, 'lock');
    // each in its own process group: flock's child (sleep) holds the lock too
    const killGroup = (child: ChildProcess): void => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const spawnFlock = (args: string[]): ChildProcess => {
      const child = spawn('flock', args, { stdio: 'ignore', detached: true });
      cleanups.push(async () => killGroup(child));
      return child;
    };
    const holder = spawnFlock(['-x', lockFile, 'sleep', '60']);
    await sleep(1_000);
    const waiterStarted = Date.now();
    const waiter = spawnFlock(['-x', lockFile, 'true']); // its lock request waits in the FUSE daemon
    const degradedAt = await agent.waitForState('degraded', 40_000);
    const reason = agent.mount()?.reason ?? '';
    const writesMeanwhile = writer.records().filter((record) => record.t > waiterStarted && record.ok).length;
    killGroup(holder);
    await new Promise<void>((resolve) => (waiter.exitCode !== null ? resolve() : waiter.once('exit', () => resolve())));
    const healthyAt = await agent.waitForState('healthy', 15_000);
    const records = await writer.stop();
    results.stuckRequest = { reportedAfterMs: degradedAt - waiterStarted, reason, writesMeanwhile, healthyAfterReleaseMs: healthyAt - degradedAt, failed: analyzeWrites(records, BLOCKED_MS).failed };
    expect(reason).toMatch(/^stuck request: the FUSE connection has held a request for \d+ s while probes pass$/);
    // the bound: the threshold (20 s) plus one interval (1 s: the first sample that sees the
    // request), with 500 ms for flock to start, the status file to be written and this poll to read it
    expect(degradedAt - waiterStarted).toBeLessThanOrEqual(20_000 + 1_000 + 500);
    expect(degradedAt - waiterStarted).toBeGreaterThanOrEqual(20_000);
    expect(writesMeanwhile).toBeGreaterThan(100);
    expect(agent.mount()?.remounts).toBe(0);
  }, 120_000);
});
