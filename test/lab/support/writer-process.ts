// The user's view in the lab tests: the independent writer process (src/lab/writer.ts) writing
// through a mount, its records read back when it stops.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnLogged, type Spawned } from '../../../bench/processes.js';
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
  /** its JSON-lines records, one per write; its own errors go to the same name with .err */
  readonly out: string;
  private readonly spawned: Spawned;

  /** Starts writing into `target` (the writer process creates it when absent, so this process never touches the mount); records go to a file in `dir`. */
  constructor(dir: string, target: string, options: WriterOptions = {}) {
    this.out = join(dir, `writes-${target.split('/').filter(Boolean).slice(-2).join('-')}-${Date.now()}.jsonl`);
    const args = [WRITER, target, '--interval', String(options.intervalMs ?? 50), '--size', String(options.size ?? 256), '--keep', String(options.keep ?? 50), '--out', this.out];
    this.spawned = spawnLogged({ file: process.execPath, args }, `${this.out}.err`);
  }

  /** the writer's pid (to check it is not stuck in the kernel) */
  get pid(): number | undefined {
    return this.spawned.child.pid;
  }

  /** The records so far (the writer keeps going). */
  records(): WriteRecord[] {
    return existsSync(this.out) ? parseWriteRecords(readFileSync(this.out, 'utf8')) : [];
  }

  /**
   * Stops the writer and returns every record it wrote. Its SIGTERM handler records a write still
   * blocked as PENDING at once; a process held in the kernel by an unanswered FUSE call (a MooseFS
   * chunk lock can hold one for 120 s or more) is not waited for past the stop's give-up.
   */
  async stop(): Promise<WriteRecord[]> {
    await this.spawned.stop();
    return this.records();
  }
}
