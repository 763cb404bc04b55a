/** One write of the lab writer, as it records it (a JSON line). */
export interface WriteRecord {
  /** ms since the epoch when the write started */
  t: number;
  ok: boolean;
  /** errno name of a failed write ("ENOTCONN"), "EBADSUM" for a read-back mismatch, "PENDING" for one still blocked at the end */
  errno?: string;
  latencyMs: number;
}

/** A stretch of writes that failed or took longer than the threshold. */
export interface BadWindow {
  /** start of the first bad write */
  start: number;
  /** when writes worked again: the end of the first good write after it (or of the last record) */
  end: number;
  durationMs: number;
  failed: number;
  blocked: number;
  errnos: string[];
  /** false when the run ended inside the window */
  recovered: boolean;
}

/** The writer's run seen from the user's side. */
export interface WriteAnalysis {
  total: number;
  ok: number;
  failed: number;
  /** writes slower than the threshold (they may still have succeeded, or still run at the end: PENDING) */
  blocked: number;
  windows: BadWindow[];
  longestWindowMs: number;
  maxLatencyMs: number;
}

/** A write still running when the writer was stopped: bad only when it was already blocked. */
function isPending(record: WriteRecord): boolean {
  return !record.ok && record.errno === 'PENDING';
}

/** True when a write counts against the user: it failed or took longer than `blockedMs`. */
function isBad(record: WriteRecord, blockedMs: number): boolean {
  return (!record.ok && !isPending(record)) || record.latencyMs > blockedMs;
}

/**
 * Finds every window in which writes did not work: consecutive writes that failed or took
 * longer than `blockedMs`, from the start of the first to the end of the next good write. Pure.
 */
export function analyzeWrites(records: readonly WriteRecord[], blockedMs: number): WriteAnalysis {
  const sorted = [...records].sort((a, b) => a.t - b.t);
  const windows: BadWindow[] = [];
  let current: BadWindow | undefined;
  for (const record of sorted) {
    if (isBad(record, blockedMs)) {
      current ??= { start: record.t, end: record.t + record.latencyMs, durationMs: 0, failed: 0, blocked: 0, errnos: [], recovered: false };
      if (!record.ok && !isPending(record)) current.failed += 1;
      if (record.latencyMs > blockedMs) current.blocked += 1;
      if (record.errno !== undefined && !current.errnos.includes(record.errno)) current.errnos.push(record.errno);
      current.end = Math.max(current.end, record.t + record.latencyMs);
      continue;
    }
    if (current !== undefined) {
      current.end = record.t + record.latencyMs;
      current.recovered = true;
      current.durationMs = current.end - current.start;
      windows.push(current);
      current = undefined;
    }
  }
  if (current !== undefined) {
    current.durationMs = current.end - current.start;
    windows.push(current);
  }
  return {
    total: sorted.length,
    ok: sorted.filter((record) => record.ok).length,
    failed: sorted.filter((record) => !record.ok && !isPending(record)).length,
    blocked: sorted.filter((record) => record.latencyMs > blockedMs).length,
    windows,
    longestWindowMs: Math.max(0, ...windows.map((window) => window.durationMs)),
    maxLatencyMs: Math.max(0, ...sorted.map((record) => record.latencyMs)),
  };
}

/**
 * How long after `at` (a fault) writes worked again: the end of the first good write after the
 * first bad stretch that follows `at` (later faults do not count). Undefined when they never did. Pure.
 */
export function measureRecoveryAfter(records: readonly WriteRecord[], at: number, blockedMs: number): number | undefined {
  const after = [...records].filter((record) => record.t + record.latencyMs >= at).sort((a, b) => a.t - b.t);
  const firstBad = after.findIndex((record) => isBad(record, blockedMs));
  const firstGood = after.find((record, index) => index > firstBad && !isBad(record, blockedMs));
  return firstGood === undefined ? undefined : Math.max(0, firstGood.t + firstGood.latencyMs - at);
}

/** Parses the writer's JSON lines; a torn last line (the writer was killed mid-write) is skipped. */
export function parseWriteRecords(text: string): WriteRecord[] {
  const records: WriteRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as WriteRecord);
    } catch {
      // torn line
    }
  }
  return records;
}
