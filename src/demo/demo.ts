import { execa, type ResultPromise } from 'execa';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { readStatusFile } from '../agent/status-file.js';
import { formatDuration } from '../config/duration.js';
import { installSignalCleanup, keepLab, startLab } from '../lab/lab.js';
import type { Lab, LabHost } from '../lab/lab-types.js';
import { analyzeWrites, parseWriteRecords, type WriteRecord } from '../lab/writer-analysis.js';
import { runCommand } from '../exec/run.js';
import type { Command, MountState } from '../types.js';
import { renderDashboard, type DashboardView } from './dashboard.js';
import { describeEpisode, formatSummary, worstState, type FaultOutcome } from './summary.js';

export type { FaultOutcome } from './summary.js';

/** How the demo talks to the terminal; injected so the CLI decides about colours and redraws. */
export interface DemoOutput {
  /** a line that stays (progress, the final summary) */
  line(text: string): void;
  /** redraw the live screen (a terminal), or undefined to print only event lines (CI logs) */
  redraw?: (lines: string[]) => void;
  colour: boolean;
  /** the terminal's width, for the summary; 80 when unknown */
  columns?: number;
}

export interface DemoOptions {
  /** leave the lab, the agent and the SMTP sink running at the end */
  keep: boolean;
  output: DemoOutput;
  prefix?: string;
}

const SMTP_PORT = 2525;
/** a write slower than this counts as blocked in the user's view */
const BLOCKED_WRITE_MS = 1_000;
const distRoot = fileURLToPath(new URL('../../', import.meta.url));
const haMountBin = join(distRoot, 'bin', 'ha-mount.js');
const writerScript = join(distRoot, 'src', 'lab', 'writer.js');
const sinkScript = join(distRoot, 'src', 'demo', 'smtp-sink.js');

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The demo's config: one GlusterFS mount through the VIP with both servers as backups, mail to the local sink. */
export function buildDemoConfig(lab: Lab, mountpoint: string): string {
  const gluster = lab.gluster;
  if (!gluster) throw new Error('the demo needs the GlusterFS lab');
  return [
    '# written by ha-mount demo',
    'probe:',
    '  interval: 1s',
    '  timeout: 5s',
    'mounts:',
    '  - name: rep_vol1',
    '    backend: glusterfs',
    `    volume: ${gluster.volume}`,
    `    servers: [${[gluster.vip, ...gluster.servers.map((host) => host.ip)].join(', ')}]`,
    `    mountpoint: ${mountpoint}`,
    'notify:',
    '  email:',
    '    to: [ops@demo.lab]',
    `    from: ha-mount@${lab.client.name}.demo.lab`,
    '    smtp:',
    '      host: 127.0.0.1',
    `      port: ${SMTP_PORT}`,
    '      security: none',
    '',
  ].join('\n');
}

/** Spawns a long-running process in the lab client's network namespace and hands each stdout line to `onLine`. */
function spawnInClient(lab: Lab, command: Command, env: Record<string, string>, keep: boolean, onLine: (line: string) => void): ResultPromise {
  const wrapped = lab.clientCommand(command);
  const child = execa(wrapped.file, wrapped.args, {
    shell: false,
    reject: false,
    env: { ...process.env, ...env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    cleanup: !keep,
    detached: keep,
  });
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  return child;
}

/**
 * `ha-mount demo`: brings up the GlusterFS lab, mounts rep_vol1 through the VIP with the agent,
 * plays kill-the-client, crash-the-VIP-holder and cut-a-link while showing each mount's state,
 * what was detected and done, the user's writes and the mails received; tears down at the end
 * or on Ctrl-C (unless `keep`).
 */
export async function runDemo(options: DemoOptions): Promise<FaultOutcome[]> {
  const { output } = options;
  const startedMs = Date.now();
  output.line('ha-mount demo: bringing up a GlusterFS replica-2 volume behind a keepalived VIP, in network namespaces on this machine');
  const lab = await startLab({ gluster: true, moosefs: false, onProgress: (message) => output.line(`  ${message}`), ...(options.prefix ? { prefix: options.prefix } : {}) });
  const removeSignalCleanup = options.keep ? () => undefined : installSignalCleanup(lab);
  const view: DashboardView = { startedMs, step: 'starting the agent', mounts: [], events: [], mails: [] };
  const children: ResultPromise[] = [];
  const event = (text: string): void => {
    view.events.push({ atMs: Date.now(), text });
    if (!output.redraw) output.line(`  t+${formatDuration(Date.now() - startedMs)} ${text}`);
  };
  const transitions: Array<{ atMs: number; to: string; reason: string }> = [];
  /** states since the mount was last healthy, for the words of the next recovery */
  let unhealthy: MountState[] = [];
  let writes: WriteRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const mountpoint = join(lab.dir, 'mnt', 'rep_vol1');
    const stateDir = join(lab.dir, 'agent-state');
    mkdirSync(mountpoint, { recursive: true });
    mkdirSync(stateDir, { recursive: true });
    const configFile = join(lab.dir, 'ha-mount.yaml');
    const writerOut = join(lab.dir, 'writer.jsonl');
    writeFileSync(configFile, buildDemoConfig(lab, mountpoint));

    children.push(
      spawnInClient(lab, { file: process.execPath, args: [sinkScript, String(SMTP_PORT)] }, {}, options.keep, (line) => {
        const mail = parseJson(line);
        if (mail && typeof mail.subject === 'string') {
          view.mails.push({ atMs: Date.now(), subject: mail.subject });
          if (!output.redraw) output.line(`  mail: ${mail.subject}`);
        }
      }),
    );
    await sleep(500);
    children.push(
      spawnInClient(
        lab,
        { file: process.execPath, args: [haMountBin, 'agent', '-c', configFile, '--state-dir', stateDir] },
        { HA_MOUNT_LOG_FORMAT: 'json' },
        options.keep,
        (line) => {
          const record = parseJson(line);
          if (record?.event !== 'transition') return;
          const reason = typeof record.reason === 'string' && record.reason ? ` (${record.reason})` : '';
          const action = typeof record.action === 'string' ? `; ${record.action}` : '';
          // the agent's outageMs is time away from healthy; the words depend on what the mount went through
          const episode = typeof record.outageMs === 'number' ? `; ${describeEpisode(worstState(unhealthy), record.outageMs)}` : '';
          if (record.to === 'healthy') unhealthy = [];
          else unhealthy.push(String(record.to) as MountState);
          transitions.push({ atMs: Date.now(), to: String(record.to), reason: String(record.reason ?? '') });
          event(`${String(record.mount)}: ${String(record.from)} -> ${String(record.to)}${reason}${action}${episode}`);
        },
      ),
    );
    timer = setInterval(() => {
      const status = readStatusFileQuietly(stateDir);
      if (status) {
        view.mounts = status.mounts.map((mount) => ({
          name: mount.name,
          state: mount.state,
          sinceMs: mount.since,
          ...(mount.server === undefined ? {} : { server: mount.server }),
          ...(mount.lastProbe?.latencyMs === undefined ? {} : { latencyMs: mount.lastProbe.latencyMs }),
          remounts: mount.remounts,
        }));
      }
      writes = readWriterRecords(writerOut);
      view.writer = summariseWrites(writes);
      output.redraw?.(renderDashboard(view, Date.now(), { colour: output.colour }));
    }, 250);

    const outcomes: FaultOutcome[] = [];
    const step = (text: string): void => {
      view.step = text;
      event(`>>> ${text}`);
    };
    step('waiting for the agent to mount rep_vol1 through the VIP');
    await waitFor(() => currentState(stateDir) === 'healthy', 60_000, 'rep_vol1 healthy after the first mount');
    // the user's own writer, in its own process; its folder exists only on the mount, so a
    // vanished mount gives ENOENT instead of silently writing to the local disk below it
    const writerDir = join(mountpoint, 'demo-writer');
    await runCommand({ file: 'mkdir', args: ['-p', writerDir] }, { timeoutMs: 10_000 });
    children.push(
      spawnInClient(lab, { file: process.execPath, args: [writerScript, writerDir, '--interval', '50', '--out', writerOut] }, {}, options.keep, () => undefined),
    );
    await sleep(3_000);

    const run = async (fault: string, inject: () => Promise<void>, heal?: () => Promise<void>, healAfterMs = 0): Promise<void> => {
      step(fault);
      const remountsBefore = currentRemounts(stateDir);
      const firstTransition = transitions.length;
      const faultAt = Date.now();
      await inject();
      if (heal) {
        await sleep(healAfterMs);
        step(`undoing: ${fault}`);
        await heal();
      }
      await sleep(1_500);
      await waitFor(() => currentState(stateDir) === 'healthy', 90_000, `rep_vol1 healthy again after "${fault}"`);
      const detected = transitions[firstTransition];
      const healthyAt = transitions.slice(firstTransition).findLast((transition) => transition.to === 'healthy')?.atMs ?? Date.now();
      outcomes.push({
        fault,
        ...(detected ? { detectedMs: detected.atMs - faultAt, detectedAs: `${detected.to}${detected.reason ? ` (${detected.reason})` : ''}` } : {}),
        healthyMs: healthyAt - faultAt,
        remounts: currentRemounts(stateDir) - remountsBefore,
        userWriteGapMs: analyzeWrites(writes.filter((write) => write.t >= faultAt), BLOCKED_WRITE_MS).longestWindowMs,
      });
      await sleep(3_000);
    };

    await run('kill the FUSE client daemon (it leaves ENOTCONN behind)', async () => {
      await lab.faults.killClientDaemon(mountpoint);
    });
    const holder = (await lab.vipHolder('gluster')) ?? lab.gluster?.servers[0];
    if (holder) {
      await run(
        `crash the VIP holder ${holder.name} (every process killed)`,
        () => lab.faults.crashHost(holder),
        () => lab.faults.restartHost(holder),
        10_000,
      );
      const next: LabHost = (await lab.vipHolder('gluster')) ?? holder;
      await run(`cut the link of the VIP holder ${next.name} (packets vanish)`, () => lab.faults.partitionHost(next), () => lab.faults.healHost(next), 25_000);
    }
    step('done');
    await sleep(4_000);
    clearInterval(timer);
    timer = undefined;
    for (const line of formatSummary(outcomes, view.mails.length, output.columns ?? 80)) output.line(line);
    if (options.keep) {
      output.line('');
      output.line(`The lab ${lab.prefix} is still up (--keep). To look around:`);
      output.line(`  nsenter --net=/run/netns/${lab.client.netns} bash     # a shell on the client host`);
      output.line(`  ls ${mountpoint}`);
      output.line(`  HA_MOUNT_STATE_DIR=${stateDir} ha-mount status`);
      output.line('  ha-mount demo --clean                                   # removes it when you are done');
    }
    return outcomes;
  } finally {
    if (timer) clearInterval(timer);
    if (!options.keep) {
      for (const child of children) child.kill('SIGTERM');
      await Promise.allSettled(children.map((child) => Promise.race([child, sleep(5_000)])));
      output.line(`tearing down lab ${lab.prefix}`);
      await lab.stop();
      removeSignalCleanup();
      output.line('lab removed: no namespace, mount, route or daemon of it is left');
    } else {
      keepLab(lab);
      for (const child of children) child.unref();
    }
  }
}

function parseJson(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function readStatusFileQuietly(stateDir: string): ReturnType<typeof readStatusFile> {
  try {
    return readStatusFile(stateDir);
  } catch {
    return undefined;
  }
}

function currentState(stateDir: string): string | undefined {
  return readStatusFileQuietly(stateDir)?.mounts[0]?.state;
}

function currentRemounts(stateDir: string): number {
  return readStatusFileQuietly(stateDir)?.mounts[0]?.remounts ?? 0;
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`demo: gave up waiting for ${what} after ${formatDuration(timeoutMs)}`);
    await sleep(200);
  }
}

/** Counts of the user's writes and, when the newest failed, since when they have been failing. Pure. */
export function summariseWrites(writes: readonly WriteRecord[]): { ok: number; failed: number; failingSinceMs?: number } {
  let ok = 0;
  let failed = 0;
  let failingSinceMs: number | undefined;
  for (const write of writes) {
    if (write.ok && write.latencyMs <= BLOCKED_WRITE_MS) {
      ok += 1;
      failingSinceMs = undefined;
    } else {
      failed += 1;
      failingSinceMs ??= write.t;
    }
  }
  return failingSinceMs === undefined ? { ok, failed } : { ok, failed, failingSinceMs };
}

function readWriterRecords(file: string): WriteRecord[] {
  try {
    return parseWriteRecords(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}
