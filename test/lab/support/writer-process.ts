// The user's view in the lab tests: the independent writer process (src/lab/writer.ts) writing
// through a mount, its records read back when it stops.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
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

  /** Starts writing into `target` (created when absent); records go to a file in `dir`. */
  constructor(dir: string, target: string, options: WriterOptions = {}) {
    mkdirSync(target, { recursive: true });
    this.out = join(dir, `writes-${target.split('/').filter(Boolean).slice(-2).join('-')}-${Date.now()}.jsonl`);
    const args = [WRITER, target, '--interval', String(options.intervalMs ?? 50), '--size', String(options.size ?? 256), '--keep', String(options.keep ?? 50), '--out', this.out];
    this.child = spawn(process.execPath, args, { stdio: 'ignore' });
    this.exited = new Promise((done) => this.child.once('exit', () => done()));
  }

  /** The records so far (the writer keeps going). */
  records(): WriteRecord[] {
    return existsSync(this.out) ? parseWriteRecords(readFileSync(this.out, 'utf8')) : [];
  }

  /** Stops the writer and returns every record it wrote. */
  async stop(): Promise<WriteRecord[]> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
    return this.records();
  }
}
