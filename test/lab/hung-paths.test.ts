// Hung paths on real mounts (issue 15, items 3, 4 and 10). A hung mount is made by stopping every
// brick process (glusterfsd) with SIGSTOP: connections stay open and nothing answers, so every
// access through a mount of the volume blocks until the client's ping timeout (30 s here).
// Cutting links instead gave a quick ENOTCONN on one lab. Bricks and frozen clients are always
// resumed (SIGCONT, by pid) in a finally. Run `npm run build` first.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, type RunResult } from '../../src/exec/run.js';
import { writeThroughClient } from '../../src/lab/client-io.js';
import { glusterOf, waitUntil } from '../../src/lab/lab-access.js';
import { installSignalCleanup, startLab } from '../../src/lab/lab.js';
import type { Frozen, Lab } from '../../src/lab/lab-types.js';
import { AgentProcess } from './support/agent-process.js';
import { daemonsFor, HA_MOUNT, mountAt, MOUNT_HA, runInClient } from './support/lab-helpers.js';

// long enough that a hang outlasts every deadline under test; ha-mount's default (10 s) would end it early
const PING_TIMEOUT = 'ping-timeout=30';
const MOUNT8_CODES = [1, 2, 4, 8, 16, 32, 64];

let lab: Lab;
let removeSignalCleanup: () => void = () => undefined;
const mounted = new Set<string>();
const frozen: Frozen[] = [];

function newMountpoint(name: string): string {
  const path = `${lab.dir}/mnt/hp-${name}`;
  mkdirSync(path, { recursive: true });
  mounted.add(path);
  return path;
}

function runHaMount(args: string[], timeoutMs = 60_000): Promise<RunResult> {
  return runInClient(lab, process.execPath, [HA_MOUNT, ...args], timeoutMs);
}

async function mountVolume(mountpoint: string): Promise<void> {
  const result = await runHaMount([`${glusterOf(lab).vip}:/${glusterOf(lab).volume}`, mountpoint, '-o', PING_TIMEOUT]);
  expect(result.exitCode, result.stderr).toBe(0);
}

async function thawAll(): Promise<void> {
  for (const item of frozen.splice(0)) await item.thaw();
}

/** GETs /metrics `count` times, `gapMs` apart, from inside the client's network namespace (where the agent listens); each answer's time. */
async function timeMetrics(port: number, count: number, gapMs: number): Promise<{ ms: number; status: number; body: string }[]> {
  const script = `
    const http = require('node:http');
    const [port, count, gap] = process.argv.slice(1).map(Number);
    const once = () => new Promise((done) => {
      const started = performance.now();
      const request = http.get({ host: '127.0.0.1', port, path: '/metrics', agent: false, timeout: 2000 }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => done({ ms: performance.now() - started, status: response.statusCode, body }));
      });
      request.on('timeout', () => { request.destroy(); done({ ms: 2000, status: 0, body: '' }); });
      request.on('error', () => done({ ms: performance.now() - started, status: -1, body: '' }));
    });
    (async () => {
      const answers = [];
      for (let i = 0; i < count; i += 1) { answers.push(await once()); await new Promise((done) => setTimeout(done, gap)); }
      // only the last body is read, and the runner keeps 64 KiB of output: the others are dropped
      process.stdout.write(JSON.stringify(answers.map((answer, i) => (i === answers.length - 1 ? answer : { ...answer, body: '' }))));
    })();`;
  const result = await runInClient(lab, process.execPath, ['-e', script, String(port), String(count), String(gapMs)], 60_000);
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { ms: number; status: number; body: string }[];
}

function expectQuickAnswers(answers: readonly { ms: number; status: number }[], label: string): void {
  const times = answers.map((answer) => Math.round(answer.ms));
  console.log(`[hung-paths] metrics ${label}: ${times.join(' ')} ms`);
  expect(answers.every((answer) => answer.status === 200), `statuses ${answers.map((answer) => answer.status).join(' ')}`).toBe(true);
  // a blocked loop holds every request for seconds; one late answer on a loaded 2-core machine is scheduling noise
  expect(times.filter((ms) => ms >= 100).length, `answer times ${times.join(' ')} ms`).toBeLessThanOrEqual(1);
  expect(Math.max(...times)).toBeLessThan(1_000);
}

beforeAll(async () => {
  if (!existsSync(HA_MOUNT) || !existsSync(MOUNT_HA)) throw new Error(`${HA_MOUNT} is missing: run "npm run build" first (npm run test:lab does)`);
  lab = await startLab({ gluster: true, onProgress: (message) => console.log(`[lab] ${message}`) });
  removeSignalCleanup = installSignalCleanup(lab);
});

afterEach(async () => {
  await thawAll();
  for (const path of mounted) {
    if (mountAt(path) !== undefined) await runCommand({ file: 'umount', args: ['-l', path] }, { timeoutMs: 10_000 });
  }
  mounted.clear();
});

afterAll(async () => {
  await thawAll();
  removeSignalCleanup();
  await lab?.stop();
});

describe('hung paths on a real GlusterFS volume', () => {
  it('when every brick is frozen then mount.ha below the hung mount exits with a mount(8) code within its deadline, and ha-mount umount detaches the hung mount and ends its client', async () => {
    const above = newMountpoint('above');
    await mountVolume(above);
    expect((await writeThroughClient(lab, join(above, 'hp-marker'), 'x', 10_000)).ok).toBe(true);
    const below = join(above, 'sub');
    expect((await runInClient(lab, 'mkdir', ['-p', below], 10_000)).exitCode).toBe(0);
    try {
      frozen.push(await lab.faults.freezeBricks());
      // past the FUSE attribute and entry caches (1 s): lookups now reach the frozen bricks
      await new Promise((done) => setTimeout(done, 1_500));

      // issue 15 item 3: the old mount.ha printed its 5 s error but stayed until the hang ended (32 s on a lab)
      const started = Date.now();
      const helper = await runInClient(lab, process.execPath, [MOUNT_HA, `${glusterOf(lab).vip}:/${glusterOf(lab).volume}`, below, '-o', PING_TIMEOUT], 60_000);
      const helperMs = Date.now() - started;
      console.log(`[hung-paths] mount.ha below the hung mount: exit ${helper.exitCode} after ${helperMs} ms: ${helper.stderr}`);
      expect(MOUNT8_CODES).toContain(helper.exitCode);
      expect(helper.exitCode).toBe(2);
      expect(helper.stderr).toMatch(/no answer within 5 s .*fuse\.glusterfs mount on .*hp-above above it is probably hung/);
      expect(helperMs).toBeLessThan(9_000);
      expect(mountAt(below)).toBeUndefined();

      // issue 15 item 10: the old umount ran plain umount and failed after 10 s with no hint
      const daemons = daemonsFor(above, 'glusterfs');
      expect(daemons.length).toBeGreaterThan(0);
      const umountStarted = Date.now();
      const unmount = await runHaMount(['umount', above], 60_000);
      const umountMs = Date.now() - umountStarted;
      console.log(`[hung-paths] ha-mount umount of the hung mount: exit ${unmount.exitCode} after ${umountMs} ms: ${unmount.stdout}${unmount.stderr}`);
      expect(unmount.exitCode, unmount.stderr).toBe(0);
      expect(unmount.stdout).toMatch(new RegExp(`is hung \\(no answer within 5 s.*detached it lazily \\(umount -l\\) and ended its client process pid ${daemons.at(-1)}`));
      expect(mountAt(above)).toBeUndefined();
      expect(daemonsFor(above, 'glusterfs')).toEqual([]);
      expect(umountMs).toBeLessThan(12_000);
    } finally {
      await thawAll();
    }
  });

  it('when its client log is a FIFO, another is on a hung mount, and then every watched mount is hung, the agent\'s metrics still answer within 100 ms and SIGTERM still stops it', async () => {
    const fifoMount = newMountpoint('fifo');
    const remoteMount = newMountpoint('remote');
    const logHost = newMountpoint('loghost');
    for (const path of [fifoMount, remoteMount, logHost]) await mountVolume(path);
    const remoteLog = join(logHost, 'hp-remote-client.log');
    expect((await writeThroughClient(lab, remoteLog, 'a client log on a network mount\n', 10_000)).ok).toBe(true);
    const dir = join(lab.dir, 'hp-agent');
    mkdirSync(join(dir, 'state'), { recursive: true });
    const fifo = join(dir, 'fifo-client.log');
    execFileSync('mkfifo', [fifo]);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const { vip, volume } = glusterOf(lab);
    writeFileSync(
      join(dir, 'config.yaml'),
      [
        'probe: { interval: 500ms, timeout: 2s, slow: 1s, fall: 1, rise: 1, write: true }',
        'mounts:',
        `  - { name: hp_fifo, volume: ${volume}, servers: [${vip}], mountpoint: ${fifoMount}, options: [log-file=${fifo}, ${PING_TIMEOUT}] }`,
        `  - { name: hp_remote, volume: ${volume}, servers: [${vip}], mountpoint: ${remoteMount}, options: [log-file=${remoteLog}, ${PING_TIMEOUT}] }`,
        `metrics: { listen: 127.0.0.1:${port} }`,
        '',
      ].join('\n'),
    );
    const agent = new AgentProcess(lab, { dir });
    try {
      // the old reader opened the FIFO in the main thread at the first probe: the agent froze there
      await agent.waitForHealthy(['hp_fifo', 'hp_remote'], 30_000);
      expectQuickAnswers(await timeMetrics(port, 10, 50), 'with a FIFO as a client log');

      // the other mount's client log now sits on a hung mount
      frozen.push(await lab.faults.freezeClientDaemon(logHost));
      await new Promise((done) => setTimeout(done, 2_000));
      expectQuickAnswers(await timeMetrics(port, 10, 50), 'with a client log on a hung mount');

      frozen.push(await lab.faults.freezeBricks());
      await waitUntil('both mounts hung', () => ['hp_fifo', 'hp_remote'].every((name) => agent.mount(name)?.state === 'hung'), 20_000, 100);
      const answers = await timeMetrics(port, 20, 100);
      expectQuickAnswers(answers, 'with every watched mount hung');
      expect(answers.at(-1)?.body).toMatch(/ha_mount_state\{mount="hp_fifo",state="hung"\} 1/);

      expect(agent.entries(/is a FIFO, not a regular file/)).toHaveLength(1);
      expect(agent.entries(/is on a fuse\.glusterfs mount/)).toHaveLength(1);

      const stopStarted = Date.now();
      await agent.stop(15_000);
      const stopMs = Date.now() - stopStarted;
      console.log(`[hung-paths] agent stopped ${stopMs} ms after SIGTERM with every mount hung: ${JSON.stringify(await agent.exited)}`);
      expect((await agent.exited).signal).not.toBe('SIGKILL');
      expect(stopMs).toBeLessThan(5_000);
    } finally {
      await thawAll();
      await agent.stop(5_000);
    }
  });
});
