// One trial: a fault hits the lab while all setups run; then every setup is brought back to
// work and measured: detection (the watcher's view) and the outage (the writer's view).
import { existsSync, readFileSync } from 'node:fs';
import { waitUntil } from '../src/lab/lab-access.js';
import type { Lab } from '../src/lab/lab-types.js';
import { analyzeWrites, type WriteRecord } from '../src/lab/writer-analysis.js';
import { FAULT_CLASSES, type FaultId, type FaultTimes } from './faults.js';
import { parseAgentTransitions, parseBaselineEvents } from './logs.js';
import { sleep } from './processes.js';
import { BLOCKED_MS, isWriterHealthy, readAgentStatus, readWriterRecords, restoreByHand, waitForAgentHealthy, type Setup, type SetupName } from './setups.js';

/** A stretch of the writer's state, ms relative to the fault. */
export type Segment = [start: number, end: number, status: 'ok' | 'failed' | 'blocked'];

/** What one setup showed in one trial. */
export interface SetupTrial {
  setup: SetupName;
  /** ms from the fault to the watcher's first reaction (agent: first transition; baseline: its remount decision); null: none */
  detectMs: number | null;
  detectedAs: string | null;
  /** ms in which the writer's writes failed or blocked (sum of bad windows after the fault) */
  outageMs: number;
  /** false: writes did not work again before observation ended (outageMs is then a lower bound) */
  recovered: boolean;
  /** all-down: ms from the servers' restart to writes working again; MooseFS: from the takeover done */
  backAfterReturnMs: number | null;
  remounts: number;
  remountFailures: number;
  /** the bench had to remount it by hand after the observation (it did not recover by itself) */
  restoredByHand: boolean;
  writes: { total: number; failed: number; blocked: number; errnos: string[] };
}

/** One trial of one fault class. */
export interface TrialResult {
  fault: FaultId;
  trial: number;
  faultAt: number;
  observeEnd: number;
  returnAt?: number;
  detail?: string;
  /** partition: the waits for an empty `heal info` before the cut and after the link came back */
  heal?: FaultTimes['heal'];
  setups: SetupTrial[];
  /** the writers' state over time, per setup */
  timeline: Partial<Record<SetupName, Segment[]>>;
}

function classify(record: WriteRecord): Segment[2] {
  if (record.latencyMs > BLOCKED_MS || record.errno === 'PENDING') return 'blocked';
  return record.ok ? 'ok' : 'failed';
}

/** The writer's records as merged segments relative to `origin`, within [from, to]. Pure. */
export function buildSegments(records: readonly WriteRecord[], origin: number, from: number, to: number): Segment[] {
  const inside = records.filter((record) => record.t >= from && record.t <= to).sort((a, b) => a.t - b.t);
  const segments: Segment[] = [];
  inside.forEach((record, index) => {
    const next = inside[index + 1];
    const status = classify(record);
    const end = Math.max(record.t + record.latencyMs, next?.t ?? record.t + record.latencyMs);
    const last = segments[segments.length - 1];
    const start = record.t - origin;
    if (last !== undefined && last[2] === status && start <= last[1] + 1) last[1] = Math.max(last[1], end - origin);
    else segments.push([start, end - origin, status]);
  });
  return segments;
}

/** The user's view of one setup in a trial. Pure. */
export function measureOutage(records: readonly WriteRecord[], times: FaultTimes): Pick<SetupTrial, 'outageMs' | 'recovered' | 'backAfterReturnMs' | 'writes'> {
  const inside = records.filter((record) => record.t >= times.faultAt - 1_000 && record.t <= times.observeEnd);
  const analysis = analyzeWrites(inside, BLOCKED_MS);
  const windows = analysis.windows.filter((window) => window.end >= times.faultAt);
  let outageMs = 0;
  let recovered = true;
  for (const window of windows) {
    if (window.recovered) outageMs += window.end - Math.max(window.start, times.faultAt - 1_000);
    else {
      recovered = false;
      outageMs += times.observeEnd - window.start;
    }
  }
  const lastEnd = windows.length > 0 ? Math.max(...windows.map((window) => window.end)) : undefined;
  const backAfterReturnMs = times.returnAt === undefined || !recovered ? null : Math.max(0, (lastEnd ?? times.returnAt) - times.returnAt);
  return {
    outageMs: Math.round(outageMs),
    recovered,
    backAfterReturnMs: backAfterReturnMs === null ? null : Math.round(backAfterReturnMs),
    writes: {
      total: inside.length,
      failed: windows.reduce((sum, window) => sum + window.failed, 0),
      blocked: windows.reduce((sum, window) => sum + window.blocked, 0),
      errnos: [...new Set(windows.flatMap((window) => window.errnos))],
    },
  };
}

function readText(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** The watcher's view: first reaction after the fault, and remounts. */
function measureWatcher(setup: Setup, times: FaultTimes, until: number, remountsBefore: number): Pick<SetupTrial, 'detectMs' | 'detectedAs' | 'remounts' | 'remountFailures'> {
  if (setup.name === 'ha-mount') {
    const first = parseAgentTransitions(readText(setup.watcherLog)).find((transition) => transition.t >= times.faultAt && transition.t <= times.observeEnd);
    const remounts = (readAgentStatus(setup.stateDir)?.mounts ?? []).reduce((sum, mount) => sum + mount.remounts, 0) - remountsBefore;
    const failures = readText(setup.watcherLog).split('\n').filter((line) => /remount (attempt .* )?failed/.test(line) && Date.parse((/"time":"([^"]+)"/.exec(line) ?? [])[1] ?? '') >= times.faultAt).length;
    return { detectMs: first === undefined ? null : first.t - times.faultAt, detectedAs: first === undefined ? null : `${first.from}->${first.to} (${first.reason})`, remounts, remountFailures: failures };
  }
  if (setup.name === 'plain') return { detectMs: null, detectedAs: null, remounts: 0, remountFailures: 0 };
  const events = parseBaselineEvents(readText(setup.watcherLog)).filter((event) => event.t >= times.faultAt && event.t <= until);
  const decided = events.find((event) => event.event === 'decided' && event.t <= times.observeEnd);
  return {
    detectMs: decided === undefined ? null : decided.t - times.faultAt,
    detectedAs: decided?.detail ?? null,
    remounts: events.filter((event) => event.event === 'remount-ok').length,
    remountFailures: events.filter((event) => event.event === 'remount-failed').length,
  };
}

/** After the fault: every setup writes again (by itself, else remounted by hand) and the agent is healthy. */
async function settle(lab: Lab, setups: readonly Setup[]): Promise<Set<SetupName>> {
  const restored = new Set<SetupName>();
  await waitUntil('writers recover by themselves', () => setups.every((setup) => isWriterHealthy(setup)), 5_000).catch(() => undefined);
  for (const setup of setups) {
    if (await restoreByHand(lab, setup).catch((error: unknown) => {
      process.stderr.write(`[bench] restoring ${setup.name} by hand: ${String(error)}\n`);
      return true;
    })) restored.add(setup.name);
  }
  const agent = setups.find((setup) => setup.name === 'ha-mount');
  if (agent) await waitForAgentHealthy(agent, 120_000);
  await waitUntil('every writer writes again', () => setups.every((setup) => isWriterHealthy(setup)), 120_000);
  // the clients reconnect to the returned brick; the next fault must find both bricks connected
  await sleep(5_000);
  if (agent) await waitForAgentHealthy(agent, 60_000);
  return restored;
}

/** Runs one trial of `fault` on setups that are all writing. */
export async function runTrial(lab: Lab, setups: readonly Setup[], fault: FaultId, trial: number, quick: boolean): Promise<TrialResult> {
  const agent = setups.find((setup) => setup.name === 'ha-mount');
  const remountsBefore = agent ? (readAgentStatus(agent.stateDir)?.mounts ?? []).reduce((sum, mount) => sum + mount.remounts, 0) : 0;
  const times = await FAULT_CLASSES[fault].inject(lab, setups, quick);
  const restored = await settle(lab, setups);
  const settledAt = Date.now();
  const result: TrialResult = { fault, trial, faultAt: times.faultAt, observeEnd: times.observeEnd, setups: [], timeline: {} };
  if (times.returnAt !== undefined) result.returnAt = times.returnAt;
  if (times.detail !== undefined) result.detail = times.detail;
  if (times.heal !== undefined) result.heal = times.heal;
  for (const setup of setups) {
    const records = readWriterRecords(setup);
    result.setups.push({
      setup: setup.name,
      ...measureWatcher(setup, times, settledAt, setup.name === 'ha-mount' ? remountsBefore : 0),
      ...measureOutage(records, times),
      restoredByHand: restored.has(setup.name),
    });
    result.timeline[setup.name] = buildSegments(records, times.faultAt, times.faultAt - 3_000, times.observeEnd + 3_000);
  }
  return result;
}
