// The user's view in the lab tests: the independent writer process (src/lab/writer.ts) writing
// through a mount, its records read back when it stops.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWriteRecords, type WriteRecord } from '../../../src/lab/writer-analysis.js';
import { WRITER } from './lab-helpers.js';

export interface WriterOptions {
  /** pause between writes (0: back to back) */
  intervalMs?: number;
  /** bytes per file */
  size?: number;
  /** files kept before the oldest is removed */
  keep?: number;
}

export class WriterProcess {
  readonly child: ChildProcess;
  /** its JSON-lines records, one per write */
  readonly out: string;
  private readonly exited: Promise<void>;

  /** Starts writing into `target` (the writer process creates it when absent, so this process never touches the mount); records go to a file in `dir`. */
  constructor(dir: string, target: string, options: WriterOptions = {}) {
    this.out = join(dir, `writes-${target.split('/').filter(Boolean).slice(-2).join('-')}-${Date.now()}.jsonl`);
    const args = [WRITER, target, '--interval', String(options.intervalMs ?? 50), '--size', String(options.size ?? 256), '--keep', String(options.keep ?? 50), '--out', this.out];
    this.child = spawn(process.execPath, args, { stdio: 'ignore' });
    this.exited = new Promise((done) => this.child.once('exit', () => done()));
  }

  /** The records so far (the writer keeps going). */
  records(): WriteRecord[] {
    return existsSync(this.out) ? parseWriteRecords(readFileSync(this.out, 'utf8')) : [];
  }

  /**
   * Stops the writer and returns every record it wrote. Its SIGTERM handler records a write still
   * blocked as PENDING at once, but the process cannot end while a thread waits in the kernel for
   * a FUSE answer (a MooseFS chunk lock can hold one for 120 s or more): after `graceMs` the
   * records are returned anyway, and the process ends when the mount answers or is torn down.
   */
  async stop(graceMs = 10_000): Promise<WriteRecord[]> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise((done) => (timer = setTimeout(done, graceMs)))]);
    clearTimeout(timer);
    return this.records();
  }
}
