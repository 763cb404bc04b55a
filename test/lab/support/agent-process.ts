// The agent under test: `node dist/bin/ha-mount.js -c CONFIG agent --state-dir DIR --no-fstab`
// as a real process in the lab client's network namespace (as systemd would run it), read through
// its status.json and its JSON log.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULTS } from '../../../src/defaults.js';
import type { AgentStatus } from '../../../src/agent/status-file.js';
import { waitUntil } from '../../../src/lab/lab-access.js';
import type { Lab } from '../../../src/lab/lab-types.js';
import { countOpenFiles, readCpuSeconds, readRssKb } from '../../../src/lab/procs.js';
import type { MountState } from '../../../src/types.js';
import { HA_MOUNT } from './lab-helpers.js';

/** One line of the agent's JSON log. */
export interface LogEntry {
  level: number;
  time?: number | string;
  msg?: string;
  err?: { message?: string };
  [key: string]: unknown;
}

/** A state change the agent logged. */
export interface Transition {
  time: number;
  from: MountState;
  to: MountState;
  reason: string;
}

export type MountStatus = AgentStatus['mounts'][number];

export interface AgentProcessOptions {
  /** where its log and state go */
  dir: string;
  /** its config file (default DIR/config.yaml) */
  config?: string;
  /** options for node itself, e.g. a capped heap, after the V8 flags the launcher gives the agent */
  nodeOptions?: string[];
}

export class AgentProcess {
  readonly child: ChildProcess;
  readonly dir: string;
  readonly config: string;
  readonly logFile: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(lab: Lab, options: AgentProcessOptions) {
    this.dir = options.dir;
    this.config = options.config ?? join(options.dir, 'config.yaml');
    this.logFile = join(this.dir, 'agent.log');
    const log = openSync(this.logFile, 'a');
    // as the launcher starts it (DEFAULTS.agent.nodeFlags): the lab tests the agent users run
    const args = [...DEFAULTS.agent.nodeFlags, ...(options.nodeOptions ?? []), HA_MOUNT, '-c', this.config, 'agent', '--state-dir', join(this.dir, 'state'), '--no-fstab'];
    const command = lab.clientCommand({ file: process.execPath, args });
    const env: NodeJS.ProcessEnv = { ...process.env, HA_MOUNT_LOG_FORMAT: 'json', HA_MOUNT_LOG_LEVEL: 'debug' };
    // not a systemd service here, whatever the test runner's environment says
    delete env.NOTIFY_SOCKET;
    delete env.WATCHDOG_USEC;
    delete env.WATCHDOG_PID;
    // nsenter execs the agent: child.pid is the agent's own pid
    this.child = spawn(command.file, command.args, { stdio: ['ignore', log, log], env });
    closeSync(log);
    this.exited = new Promise((done) => this.child.once('exit', (code, signal) => done({ code, signal })));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  status(): AgentStatus | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir, 'state', 'status.json'), 'utf8')) as AgentStatus;
    } catch {
      return undefined; // not written yet
    }
  }

  /** The named mount's status, or the first mount's without a name. */
  mount(name?: string): MountStatus | undefined {
    const mounts = this.status()?.mounts;
    return name === undefined ? mounts?.[0] : mounts?.find((mount) => mount.name === name);
  }

  log(): LogEntry[] {
    const text = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
    const entries: LogEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        entries.push(JSON.parse(line) as LogEntry);
      } catch {
        // a line being written
      }
    }
    return entries;
  }

  /** Log entries whose message matches `pattern` (at `level`, when given). */
  entries(pattern: RegExp, level?: number): LogEntry[] {
    return this.log().filter((entry) => pattern.test(entry.msg ?? '') && (level === undefined || entry.level === level));
  }

  /** Raw log lines matching `pattern` (message, fields and all). */
  logLines(pattern: RegExp): number {
    const text = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
    return text.split('\n').filter((line) => pattern.test(line)).length;
  }

  transitions(): Transition[] {
    const found: Transition[] = [];
    for (const entry of this.log()) {
      const { from, to, reason, time } = entry as LogEntry & { from?: MountState; to?: MountState; reason?: string };
      if (from !== undefined && to !== undefined) found.push({ time: typeof time === 'number' ? time : Date.parse(String(time)), from, to, reason: reason ?? '' });
    }
    return found;
  }

  /** Waits for the `count`th log entry matching `pattern` and returns it. */
  waitForEntry(pattern: RegExp, count: number, timeoutMs: number, level?: number): Promise<LogEntry> {
    return waitUntil(`agent log entry #${count} matching ${pattern}`, () => {
      this.assertRunning(`waiting for ${pattern}`);
      return this.entries(pattern, level)[count - 1];
    }, timeoutMs, 100);
  }

  /** Waits until every named mount is healthy with a FUSE daemon. */
  waitForHealthy(names: string[], timeoutMs: number): Promise<AgentStatus> {
    return waitUntil(`healthy with a daemon pid: ${names.join(', ')}`, () => {
      this.assertRunning(`before ${names.join(', ')} were healthy`);
      const status = this.status();
      const healthy = names.every((name) => {
        const mount = status?.mounts.find((entry) => entry.name === name);
        return mount?.state === 'healthy' && mount.daemonPid !== undefined;
      });
      return healthy ? status : undefined;
    }, timeoutMs, 200);
  }

  /** Waits until the first mount is in `state` (and `extra` holds); resolves with the time seen. */
  waitForState(state: MountState, timeoutMs: number, extra: (mount: MountStatus) => boolean = () => true): Promise<number> {
    return waitUntil(`agent state ${state} on ${this.mount()?.mountpoint ?? this.config}`, () => {
      this.assertRunning(`waiting for ${state}`);
      const mount = this.mount();
      return mount?.state === state && extra(mount) ? Date.now() : undefined;
    }, timeoutMs, 20);
  }

  /** CPU seconds (user + system) the agent used so far. */
  cpuSeconds(): number {
    return readCpuSeconds(this.pid)?.self ?? Number.NaN;
  }

  openFiles(): number {
    return countOpenFiles(this.pid) ?? Number.NaN;
  }

  rssKb(): number {
    return readRssKb(this.pid) ?? Number.NaN;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 30_000): Promise<void> {
    if (this.running) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private assertRunning(context: string): void {
    if (!this.running) throw new Error(`the agent exited (${this.child.exitCode ?? this.child.signalCode}) ${context}`);
  }
}
