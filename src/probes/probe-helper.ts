import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { DEFAULTS } from '../defaults.js';
import {
  encodeKillRequest,
  encodeProbeBatch,
  encodeProbeRequest,
  encodeUnwatchRequest,
  encodeWatchRequest,
  errnoName,
  helperErrnoArgs,
  helperFileConstantArgs,
  parseHelperLine,
  syscallArgs,
  type ChildReport,
  type HelperLine,
  type ProbeRequest,
} from './probe-protocol.js';
import { PROBE_SCRIPT } from './probe-script.js';

/** How a probe ended: with its worker's report, killed on request, or without a report. */
export type ProbeEnd = { kind: 'report'; report: ChildReport } | { kind: 'killed' } | { kind: 'failed'; message: string };

/** One probe in the helper. `exited` settles once its worker is done with it (idle again, or gone). */
export interface HelperProbe {
  end: Promise<ProbeEnd>;
  exited: Promise<void>;
  /** SIGKILL its worker (through the helper, which knows whether it still runs this probe: no pid reuse race) */
  kill(): void;
}

/** Runs probes; the real one is the Perl helper, tests may inject another. */
export interface ProbeHelperPort {
  run(request: ProbeRequest): HelperProbe;
}

/** What the helper says about a watched process: it ended, or it cannot be watched (then poll it). */
export interface ProcessWatchEvents {
  ended(): void;
  unwatchable(reason: string): void;
}

/** Tells when a process that is not ours ends, without polling (a pidfd in the helper). */
export interface ProcessEndWatch {
  /** Watches `pid` started at `startTime` (clock ticks); exactly one event, unless stopped first. Returns the stop. */
  watchProcess(pid: number, startTime: number, events: ProcessWatchEvents): () => void;
}

interface Flight {
  id: number;
  request: ProbeRequest;
  pid?: number;
  ended: boolean;
  killRequested: boolean;
  /** the batch whose worker runs this probe; undefined once it runs alone */
  batch?: Batch;
  /** performance.now() when it was sent alone (a probe of a mount taken out of the batches) */
  sentAloneAt?: number;
  end(value: ProbeEnd): void;
  exit(): void;
}

/** One request of several probes, run in turn by one worker. */
interface Batch {
  id: number;
  pid?: number;
  members: Flight[];
  timer?: NodeJS.Timeout;
}

const STDERR_CAP = 4_096;

/**
 * The long-lived probe helper: one small Perl process (a few MiB) started at the first probe,
 * which hands the probes of one turn (the mounts tick together) to a worker, a child it forked
 * that runs one request after the other and is forked again only when one was killed (a spawn of
 * the ~100 MiB agent costs ~2 ms in its main thread, a fork of the helper ~0.2 ms, a request to a
 * waiting worker a few hundredths). The helper itself never touches a mount; the agent owns every
 * deadline and asks it to kill an overdue worker. A batch not done within `batchDeadlineMs` is
 * killed and its unanswered probes run alone (see DEFAULTS.probe.batchDeadlineMs). Should the
 * helper die, the probes in flight end as failed, their workers are killed by pid, and the next
 * probe starts a new helper.
 */
export class ProbeHelper implements ProbeHelperPort, ProcessEndWatch {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly flights = new Map<number, Flight>();
  /** processes watched for the agent: ID -> who to tell */
  private readonly watches = new Map<number, ProcessWatchEvents>();
  private readonly batches = new Map<number, Batch>();
  /** mountpoints whose probe held up a batch: probed alone until one answers within the deadline */
  private readonly alone = new Set<string>();
  private nextId = 1;
  private stderr = '';
  /** requests of this turn of the event loop: the mounts' ticks fire together, so one pipe write carries them all */
  private outbox = '';
  /** probes of this turn, sent together at its end */
  private pending: Flight[] = [];
  private flushing = false;

  constructor(
    private readonly perl: string = DEFAULTS.probe.helperPerl,
    private readonly batchDeadlineMs: number = DEFAULTS.probe.batchDeadlineMs,
  ) {}

  run(request: ProbeRequest): HelperProbe {
    const id = this.nextId++;
    let end!: (value: ProbeEnd) => void;
    let exit!: () => void;
    const ended = new Promise<ProbeEnd>((resolve) => (end = resolve));
    const exited = new Promise<void>((resolve) => (exit = resolve));
    const flight: Flight = {
      id,
      request,
      ended: false,
      killRequested: false,
      end: (value) => {
        if (flight.ended) return;
        flight.ended = true;
        end(value);
      },
      exit,
    };
    const child = this.start();
    this.flights.set(id, flight);
    if (child === undefined) this.lose(flight, `cannot start the probe helper ${this.perl}`);
    else if (this.alone.has(request.mountpoint)) this.sendAlone(flight);
    else {
      this.pending.push(flight);
      this.scheduleFlush();
    }
    return {
      end: ended,
      exited,
      kill: () => {
        flight.killRequested = true;
        // a probe in a batch is not killed alone: the batch ends within its deadline, and then it
        if (this.flights.get(id) === flight && flight.batch === undefined && !this.pending.includes(flight)) this.send(encodeKillRequest(id));
      },
    };
  }

  /**
   * One pidfd per watched process in the helper's select(2): its end is told at once, with no
   * wake-up of the agent until then. Without pidfd_open (Linux < 5.3, an unknown architecture)
   * or a helper, and when the helper dies, the watch says `unwatchable`: the caller polls instead.
   */
  watchProcess(pid: number, startTime: number, events: ProcessWatchEvents): () => void {
    const id = this.nextId++;
    if (this.start() === undefined) {
      events.unwatchable(`cannot start the probe helper ${this.perl}`);
      return () => undefined;
    }
    this.watches.set(id, events);
    this.send(encodeWatchRequest(id, pid, startTime));
    return () => {
      if (this.watches.delete(id)) this.send(encodeUnwatchRequest(id));
    };
  }

  /** Closes the helper's stdin: it exits; its workers finish the request they run, if any, and exit. */
  stop(): void {
    this.child?.stdin.end();
  }

  private sendAlone(flight: Flight): void {
    flight.sentAloneAt = performance.now();
    this.send(encodeProbeRequest(flight.id, flight.request));
    // killed while it waited for the end of the turn: the kill follows it in the same write
    if (flight.killRequested) this.send(encodeKillRequest(flight.id));
  }

  private send(line: string): void {
    this.outbox += line;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    const pending = this.pending;
    this.pending = [];
    // one probe gains nothing from a batch; in a batch the lookups go first, the slower writes after
    if (pending.length === 1 && pending[0] !== undefined) this.sendAlone(pending[0]);
    else if (pending.length > 1) this.outbox += this.openBatch([...pending.filter((flight) => !flight.request.write), ...pending.filter((flight) => flight.request.write)]);
    const text = this.outbox;
    this.outbox = '';
    this.flushing = false; // only now: what the lines above sent is in this write
    if (text !== '') this.child?.stdin.write(text);
  }

  private openBatch(members: Flight[]): string {
    const batch: Batch = { id: this.nextId++, members };
    for (const member of members) member.batch = batch;
    this.batches.set(batch.id, batch);
    batch.timer = setTimeout(() => this.overdue(batch), this.batchDeadlineMs);
    batch.timer.unref();
    return encodeProbeBatch(batch.id, members);
  }

  /** The batch's worker is stuck in a probe: kill it and run the probes it did not answer alone. */
  private overdue(batch: Batch): void {
    batch.timer = undefined;
    const waiting = batch.members.filter((member) => member.batch === batch && !member.ended);
    if (waiting.length === 0) return;
    this.send(encodeKillRequest(batch.id));
    // the worker answers in order: the first probe without an answer is the one it is stuck in
    const stuck = waiting[0];
    if (stuck !== undefined) this.alone.add(stuck.request.mountpoint);
    for (const member of waiting) {
      // a probe killed meanwhile stays with the batch and ends with its worker
      if (member.killRequested) continue;
      member.batch = undefined;
      member.pid = undefined;
      this.sendAlone(member);
    }
  }

  private start(): ChildProcessWithoutNullStreams | undefined {
    if (this.child !== undefined) return this.child;
    let child: ChildProcessWithoutNullStreams;
    try {
      // an empty environment: no PERL5LIB or PERL5OPT may reach a process running as root
      child = spawn(this.perl, ['-e', PROBE_SCRIPT, ...helperErrnoArgs(), ...syscallArgs(process.arch), ...helperFileConstantArgs()], {
        shell: false,
        cwd: '/',
        env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch {
      return undefined;
    }
    this.child = child;
    this.stderr = '';
    // per helper: an orphan of a dead helper may still write to the old pipe
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending = this.onOutput(pending + chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_CAP);
    });
    child.stdin.on('error', () => undefined); // EPIPE when the helper died: its 'exit' tells
    child.once('error', (error) => this.onGone(child, `cannot run the probe helper ${this.perl}: ${error.message}`));
    child.once('exit', (code, signal) => this.onGone(child, `the probe helper exited (${signal ?? `status ${code ?? '?'}`})`));
    // the agent's timers keep it alive; the helper must not keep `ha-mount check` from exiting
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as { unref?: () => void }).unref?.();
    return child;
  }

  /** Handles every whole line of `text`; returns the rest. */
  private onOutput(text: string): string {
    const lines = text.split('\n');
    const rest = lines.pop() ?? '';
    for (const raw of lines) {
      const line = parseHelperLine(raw);
      if (line !== undefined) this.onLine(line);
    }
    return rest.slice(-STDERR_CAP);
  }

  private onLine(line: HelperLine): void {
    const watch = this.watches.get(line.id);
    if (watch !== undefined) {
      if (line.kind !== 'ended' && line.kind !== 'unwatchable') return;
      this.watches.delete(line.id);
      return line.kind === 'ended' ? watch.ended() : watch.unwatchable(line.errno === 0 ? 'the helper cannot watch it' : `pidfd_open: ${errnoName(line.errno)}`);
    }
    if (line.kind === 'ended' || line.kind === 'unwatchable') return;
    const batch = this.batches.get(line.id);
    if (batch !== undefined) return this.onBatchLine(batch, line);
    const flight = this.flights.get(line.id);
    if (flight === undefined) return;
    if (line.kind === 'started') flight.pid = line.pid;
    else if (line.kind === 'result') {
      // a mount probed alone rejoins the batches once its probe answers within the deadline
      if (flight.sentAloneAt !== undefined && performance.now() - flight.sentAloneAt <= this.batchDeadlineMs) this.alone.delete(flight.request.mountpoint);
      flight.end({ kind: 'report', report: line.report });
    } else if (flight.batch === undefined) {
      this.flights.delete(line.id);
      this.finish(flight, `the probe worker ended without a result (wait status ${line.status})`);
    }
  }

  /** `s` and `x` of a batch's worker; an `r` under the batch's id is the helper's own (the fork failed): every member gets it. */
  private onBatchLine(batch: Batch, line: Exclude<HelperLine, { kind: 'ended' | 'unwatchable' }>): void {
    const members = batch.members.filter((member) => member.batch === batch);
    if (line.kind === 'started') {
      batch.pid = line.pid;
      for (const member of members) member.pid = line.pid;
    } else if (line.kind === 'result') for (const member of members) member.end({ kind: 'report', report: line.report });
    else {
      this.batches.delete(batch.id);
      if (batch.timer !== undefined) clearTimeout(batch.timer);
      for (const member of members) {
        member.batch = undefined;
        this.flights.delete(member.id);
        this.finish(member, `the probe worker ended without a result (wait status ${line.status})`);
      }
    }
  }

  /** Ends a probe whose worker is done or gone: with its report if it gave one, else killed or failed. */
  private finish(flight: Flight, message: string): void {
    flight.end(flight.killRequested ? { kind: 'killed' } : { kind: 'failed', message });
    flight.exit();
  }

  private onGone(child: ChildProcessWithoutNullStreams, reason: string): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.outbox = ''; // requests of the probes lost below: a new helper must not run them
    this.pending = [];
    for (const batch of this.batches.values()) if (batch.timer !== undefined) clearTimeout(batch.timer);
    this.batches.clear();
    const said = this.stderr.trim().split('\n').pop();
    for (const flight of [...this.flights.values()]) this.lose(flight, said ? `${reason}: ${said}` : reason);
    const watches = [...this.watches.values()];
    this.watches.clear();
    for (const watch of watches) watch.unwatchable(reason);
  }

  /** Ends a probe whose helper is gone; its worker, if it had one, is an orphan now: kill it by pid. */
  private lose(flight: Flight, message: string): void {
    this.flights.delete(flight.id);
    flight.batch = undefined;
    flight.end(flight.killRequested ? { kind: 'killed' } : { kind: 'failed', message });
    if (flight.pid === undefined) {
      flight.exit();
      return;
    }
    const pid = flight.pid;
    signal(pid, 'SIGKILL');
    const started = Date.now();
    const poll = (): void => {
      if (!signal(pid, 0) || Date.now() - started > DEFAULTS.probe.orphanWaitMs) flight.exit();
      else setTimeout(poll, 100).unref();
    };
    poll();
  }
}

/** kill(2); false once the pid is gone. */
function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let shared: ProbeHelper | undefined;

/** The one helper of this process, shared by every mount's probes. */
export function sharedProbeHelper(): ProbeHelper {
  shared ??= new ProbeHelper();
  return shared;
}
