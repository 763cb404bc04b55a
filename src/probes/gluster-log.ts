import { closeSync, fstatSync, readSync } from 'node:fs';
import { DEFAULTS } from '../defaults.js';
import { openLocalFile, readOwnMountInfo } from '../mount/local-path.js';
import type { MountInfoEntry } from '../mount/mountinfo.js';

/** One brick as the GlusterFS client log tells it. */
export interface BrickStatus {
  /** client translator name, e.g. "rep_vol1-client-1" */
  name: string;
  host?: string;
  /** brick path on the server */
  path?: string;
  /** undefined until the log says either way */
  connected?: boolean;
}

/**
 * Folds GlusterFS client log lines into per-brick state. The client writes one line per brick
 * connect (MSGID 114046 "Connected, attached to remote volume") and disconnect (114018
 * "disconnected from", or a ping timeout "has not responded ... disconnecting"); its volume
 * graph names each brick's host. A new client process ("Started running", 100030) starts over.
 */
export class BrickTracker {
  private readonly bricks = new Map<string, BrickStatus>();
  private graphVolume: string | undefined;

  feedLine(line: string): void {
    if (line.includes('[MSGID: 100030]') || line.includes('Started running version')) {
      this.bricks.clear();
      this.graphVolume = undefined;
      return;
    }
    const graph = /^\s*\d+: (?:volume (\S+)|\s+option (remote-host|remote-subvolume) (\S+)|end-volume)/.exec(line);
    if (graph) {
      if (graph[1] !== undefined) this.graphVolume = /-client-\d+$/.test(graph[1]) ? graph[1] : undefined;
      else if (graph[2] !== undefined && this.graphVolume !== undefined) {
        const brick = this.brick(this.graphVolume);
        if (graph[2] === 'remote-host') brick.host = graph[3];
        else brick.path = graph[3];
      } else this.graphVolume = undefined;
      return;
    }
    const subject = /\] \d+-(\S+-client-\d+): (.*)$/.exec(line);
    if (!subject?.[1] || subject[2] === undefined) return;
    const message = subject[2];
    if (message.startsWith('Connected, attached to remote volume')) this.brick(subject[1]).connected = true;
    else if (message.startsWith('disconnected from') || /has not responded in the last .* disconnecting/.test(message)) {
      this.brick(subject[1]).connected = false;
    }
  }

  feed(text: string): void {
    for (const line of text.split('\n')) this.feedLine(line);
  }

  /** Bricks the log last saw disconnected. */
  downBricks(): BrickStatus[] {
    return [...this.bricks.values()].filter((brick) => brick.connected === false);
  }

  all(): BrickStatus[] {
    return [...this.bricks.values()];
  }

  private brick(name: string): BrickStatus {
    let brick = this.bricks.get(name);
    if (brick === undefined) {
      brick = { name };
      this.bricks.set(name, brick);
    }
    return brick;
  }
}

/** "brick rep_vol1-client-1 (10.0.0.12:/bricks/b1) disconnected". Pure. */
export function describeDownBricks(bricks: readonly BrickStatus[]): string {
  return bricks
    .map((brick) => {
      const where = brick.host === undefined ? '' : ` (${brick.host}${brick.path === undefined ? '' : `:${brick.path}`})`;
      return `brick ${brick.name}${where} disconnected`;
    })
    .join(', ');
}

/**
 * Where the GlusterFS client logs for a mount: the `log-file=` mount option, else
 * /var/log/glusterfs/<mountpoint without its first "/", other "/" as "-">.log (measured with
 * glusterfs 10.3: /tmp/h4exp/mnt -> tmp-h4exp-mnt.log). Pure.
 */
export function glusterLogPath(mountpoint: string, options: readonly string[]): string {
  const explicit = options.find((option) => option.startsWith('log-file='));
  if (explicit !== undefined) return explicit.slice('log-file='.length);
  return `/var/log/glusterfs/${mountpoint.replace(/^\/+/, '').replaceAll('/', '-')}.log`;
}

const FIRST_READ_MAX = 8 * 1024 * 1024; // an old log can be large; the last 8 MiB hold the current client's start
const READ_CHUNK = 256 * 1024;
let sharedChunk: Buffer | undefined; // reads are synchronous: one buffer serves every reader, allocated at the first read

/** What a GlusterLogReader needs besides its path; all optional. */
export interface GlusterLogOptions {
  /** told once per distinct reason why the log is not read (a FIFO, a network mount, an unsafe folder) */
  warn?(message: string): void;
  /** mountinfo to judge the path by; default: read /proc/self/mountinfo at each (re)open */
  readMounts?(): readonly MountInfoEntry[];
  /** ms clock for the re-open cadence; default Date.now */
  now?(): number;
  /** how long an opened log is polled through its fd before its path is walked again; default DEFAULTS.probe.logReopenMs */
  reopenMs?: number;
}

/**
 * Reads a GlusterFS client log incrementally by offset, in this process, so it must never block:
 * the path is refused (and nothing read) when it lies on a network or FUSE mount, runs through a
 * folder others can change, or is not a regular file (a FIFO would block open and read); it is
 * opened O_NONBLOCK|O_NOFOLLOW (see src/mount/local-path.ts). The fd stays open: a poll is one
 * fstat, and reads only when the file grew; the path is walked and opened again every `reopenMs`
 * (and when the file was removed), which is when a rotation is seen. Starts over when the file
 * shrank or was replaced (rotated); a missing file is no news.
 */
export class GlusterLogReader {
  private offset: number | undefined;
  private inode: number | undefined;
  private partial = '';
  private refused: string | undefined;
  private fd: number | undefined;
  private openedAt = 0;
  private closed = false;
  readonly tracker = new BrickTracker();

  constructor(
    readonly path: string,
    private readonly options: GlusterLogOptions = {},
  ) {}

  /** Reads what was appended since the last call and returns the bricks now down. */
  poll(): BrickStatus[] {
    if (this.closed) return [];
    const now = (this.options.now ?? Date.now)();
    if (this.fd !== undefined && now - this.openedAt >= (this.options.reopenMs ?? DEFAULTS.probe.logReopenMs)) this.release();
    let stats = this.fd === undefined ? undefined : fstatSync(this.fd);
    if (stats !== undefined && stats.nlink === 0) {
      this.release(); // removed: the client writes to a new file at the path
      stats = undefined;
    }
    if (this.fd === undefined) {
      try {
        this.fd = openLocalFile('the GlusterFS client log', this.path, { trustedFolders: true, entries: (this.options.readMounts ?? readOwnMountInfo)() });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.tracker.downBricks();
        this.refuse(`brick state is not read: ${(error as Error).message}`);
        return [];
      }
      this.openedAt = now;
      this.refused = undefined;
      stats = fstatSync(this.fd);
    }
    if (stats === undefined) return this.tracker.downBricks();
    this.readNew(this.fd, stats.size, stats.ino);
    return this.tracker.downBricks();
  }

  /** Closes the kept fd for good: later polls read nothing (a probe may answer after its mount's supervisor stopped). */
  close(): void {
    this.closed = true;
    this.release();
  }

  private release(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private readNew(fd: number, size: number, inode: number): void {
    if (this.offset === undefined) this.offset = Math.max(0, size - FIRST_READ_MAX);
    if (size < this.offset || (this.inode !== undefined && inode !== this.inode)) {
      this.offset = 0;
      this.partial = '';
    }
    this.inode = inode;
    if (this.offset >= size) return;
    const buffer = (sharedChunk ??= Buffer.allocUnsafe(READ_CHUNK));
    while (this.offset < size) {
      const read = readSync(fd, buffer, 0, Math.min(READ_CHUNK, size - this.offset), this.offset);
      if (read <= 0) break;
      this.offset += read;
      const text = this.partial + buffer.subarray(0, read).toString('utf8');
      const lastNewline = text.lastIndexOf('\n');
      this.partial = text.slice(lastNewline + 1);
      if (lastNewline >= 0) this.tracker.feed(text.slice(0, lastNewline));
    }
  }

  private refuse(message: string): void {
    if (message === this.refused) return;
    this.refused = message;
    this.options.warn?.(message);
  }
}
