// The bench's per-fault summaries and RESULTS.md (bench/results.ts), on hand-built results.
import { describe, expect, it } from 'vitest';
import type { MountFloor } from '../../../bench/cost.js';
import { FAULT_CLASSES, type FaultId } from '../../../bench/faults.js';
import type { MachineInfo } from '../../../bench/machine.js';
import { renderResultsMarkdown, renderSummary, summarizeFault, type BenchResults } from '../../../bench/results.js';
import type { SetupName } from '../../../bench/setups.js';
import type { SetupTrial, TrialResult } from '../../../bench/trial.js';

/** One setup's row in one trial: detected after 100 ms, 200 ms outage, recovered, unless told otherwise. */
function row(setup: SetupName, overrides: Partial<SetupTrial> = {}): SetupTrial {
  return {
    setup,
    detectMs: 100,
    detectedAs: null,
    outageMs: 200,
    recovered: true,
    backAfterReturnMs: null,
    remounts: 0,
    remountFailures: 0,
    restoredByHand: false,
    writes: { total: 100, failed: 2, blocked: 0, errnos: ['ENOTCONN'] },
    ...overrides,
  };
}

function trial(fault: FaultId, index: number, setups: SetupTrial[]): TrialResult {
  return { fault, trial: index, faultAt: 1_000_000 + index * 60_000, observeEnd: 1_030_000 + index * 60_000, setups, timeline: {} };
}

/** A trial of `fault` in which each setup had the given outage (ms). */
function outages(fault: FaultId, index: number, byName: Partial<Record<SetupName, number>>, overrides: Partial<Record<SetupName, Partial<SetupTrial>>> = {}): TrialResult {
  return trial(
    fault,
    index,
    (Object.entries(byName) as Array<[SetupName, number]>).map(([setup, outageMs]) => row(setup, { outageMs, ...overrides[setup] })),
  );
}

const MACHINE: MachineInfo = { nproc: 2, cpuModel: 'Test CPU', memoryGiB: 3.8, kernel: '6.1.0-test', versions: { glusterfs: '10.3', node: 'v20.19.0' } };
const GLUSTER_FLOOR: MountFloor = { backend: 'glusterfs', command: 'mount -t glusterfs 10.213.140.10:/rep_vol1 /tmp/ha-mount-lab-x/bench/floor -o backup-volfile-servers=10.213.140.11:10.213.140.12', runs: 20, medianMs: 180, minMs: 100 };
const MOOSE_FLOOR: MountFloor = { backend: 'moosefs', command: 'mfsmount /tmp/ha-mount-lab-y/bench/floor-moosefs -H 10.213.27.20', runs: 20, medianMs: 5, minMs: 3 };

function results(trials: TrialResult[], overrides: Partial<BenchResults> = {}): BenchResults {
  return {
    generatedAt: '2025-03-10T14:00:00.000Z',
    command: 'npm run bench -- --trials 3',
    status: 'complete',
    options: { trials: 3, faults: ['kill-daemon', 'moosefs-failover'], quick: false },
    machine: MACHINE,
    floor: [GLUSTER_FLOOR, MOOSE_FLOOR],
    cost: [{ mounts: 1, seconds: 60, rssMiB: 61.5, cpuPercent: 0.4, cpuPercentWithChildren: 1.2 }],
    trials,
    notes: [],
    ...overrides,
  };
}

/** The Markdown between the heading line starting with `heading` and the next heading. */
function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith(heading));
  if (start < 0) throw new Error(`no heading ${heading}`);
  const end = lines.findIndex((line, index) => index > start && line.startsWith('#'));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

describe('summarizeFault', () => {
  const trials = [
    trial('kill-daemon', 0, [row('ha-mount', { detectMs: 50, outageMs: 200, remounts: 1 }), row('cron', { detectMs: 9_000, outageMs: 10_000, remounts: 1 }), row('plain', { detectMs: null, outageMs: 25_000, recovered: false, restoredByHand: true })]),
    trial('kill-daemon', 1, [row('ha-mount', { detectMs: null, outageMs: 300, remounts: 2, remountFailures: 1 }), row('cron', { detectMs: 4_000, outageMs: 5_001, remounts: 1 }), row('plain', { detectMs: null, outageMs: 25_100, recovered: false, restoredByHand: true })]),
    trial('kill-daemon', 2, [row('ha-mount', { detectMs: 70, outageMs: 250, remounts: 1 }), row('cron', { detectMs: 2_000, outageMs: 4_000, remounts: 2, remountFailures: 1 }), row('plain', { detectMs: null, outageMs: 300 })]),
    trial('vip-crash', 0, [row('ha-mount', { outageMs: 99_999 })]),
  ];

  it('when trials of a fault are given then each setup gets its counts and p50/p95 over those trials only', () => {
    const [ours, plain, cron, keepalived] = summarizeFault(trials, 'kill-daemon');
    expect(ours).toEqual({ setup: 'ha-mount', trials: 3, detected: 2, detectP50: 60, detectP95: 70, outageP50: 250, outageP95: 300, unrecovered: 0, remounts: 4, remountFailures: 1, restoredByHand: 0 });
    expect(cron).toEqual({ setup: 'cron', trials: 3, detected: 3, detectP50: 4_000, detectP95: 9_000, outageP50: 5_001, outageP95: 10_000, unrecovered: 0, remounts: 4, remountFailures: 1, restoredByHand: 0 });
    expect(plain).toMatchObject({ setup: 'plain', trials: 3, detected: 0, outageP50: 25_000, outageP95: 25_100, unrecovered: 2, restoredByHand: 2 });
    expect(plain).not.toHaveProperty('detectP50');
    expect(keepalived).toEqual({ setup: 'keepalived', trials: 0, detected: 0, unrecovered: 0, remounts: 0, remountFailures: 0, restoredByHand: 0 });
  });

  it('when a median falls between two values then it is rounded to whole ms', () => {
    const [ours] = summarizeFault([outages('kill-daemon', 0, { 'ha-mount': 101 }), outages('kill-daemon', 1, { 'ha-mount': 102 })], 'kill-daemon');
    expect(ours).toMatchObject({ outageP50: 102, outageP95: 102 });
  });

  it('when back-after-return times are known then they get their own p50/p95, nulls left out', () => {
    const back = (index: number, ms: number | null): TrialResult => trial('all-down', index, [row('ha-mount', { backAfterReturnMs: ms })]);
    const [ours] = summarizeFault([back(0, 7_000), back(1, null), back(2, 9_000), back(3, 15_800)], 'all-down');
    expect(ours).toMatchObject({ trials: 4, backP50: 9_000, backP95: 15_800 });
  });

  it('when the fault has no trials then every setup has zero trials and no percentiles', () => {
    const summary = summarizeFault(trials, 'all-down');
    expect(summary.map((entry) => entry.setup)).toEqual(['ha-mount', 'plain', 'cron', 'keepalived']);
    for (const entry of summary) expect(Object.keys(entry).sort()).toEqual(['detected', 'remountFailures', 'remounts', 'restoredByHand', 'setup', 'trials', 'unrecovered']);
  });
});

describe('renderSummary', () => {
  it('when the baselines are slower by more than 100 ms then ha-mount is ahead; within 100 ms either way the same; else behind', () => {
    const data = results([outages('vip-crash', 0, { 'ha-mount': 1_000, plain: 1_101, cron: 900, keepalived: 850 }), outages('vip-crash', 1, { 'ha-mount': 1_000, plain: 1_101, cron: 1_100, keepalived: 899 })]);
    expect(renderSummary(data)).toEqual([
      '- **vip-crash**: ha-mount outage p50 1.00 s (p95 1.00 s) against plain 1.10 s (ha-mount ahead), cron 1.00 s (same within 100 ms), keepalived 875 ms (ha-mount behind).',
    ]);
  });

  it('when a gap is exactly 100 ms then it is the same within 100 ms', () => {
    const [line] = renderSummary(results([outages('vip-crash', 0, { 'ha-mount': 500, plain: 600, cron: 400 })]));
    expect(line).toContain('plain 600 ms (same within 100 ms)');
    expect(line).toContain('cron 400 ms (same within 100 ms)');
  });

  it('when kill-daemon is summarized then the gap of ha-mount to the GlusterFS floor is given', () => {
    const [line] = renderSummary(results([outages('kill-daemon', 0, { 'ha-mount': 205, plain: 25_100, cron: 4_650, keepalived: 12_600 })]));
    expect(line).toBe('- **kill-daemon**: ha-mount outage p50 205 ms (p95 205 ms) against plain 25.1 s (ha-mount ahead), cron 4.65 s (ha-mount ahead), keepalived 12.6 s (ha-mount ahead); gap to the floor (a bare `mount -t glusterfs`, 180 ms): 25 ms.');
  });

  it('when ha-mount is faster than the floor then the line says there is no gap and by how much it is below', () => {
    const [line] = renderSummary(results([outages('kill-daemon', 0, { 'ha-mount': 130, cron: 5_000 })]));
    expect(line).toMatch(/; no gap to the floor: 50 ms below a bare `mount -t glusterfs` \(180 ms\), since writes work/);
    expect(line).not.toContain('gap to the floor (');
  });

  it('when there is no GlusterFS floor or the fault is not kill-daemon then no floor is mentioned', () => {
    expect(renderSummary(results([outages('kill-daemon', 0, { 'ha-mount': 200, cron: 5_000 })], { floor: [MOOSE_FLOOR] }))[0]).not.toContain('floor');
    expect(renderSummary(results([outages('vip-crash', 0, { 'ha-mount': 200, cron: 5_000 })]))[0]).not.toContain('floor');
  });

  it('when a baseline did not recover in some trials then its outage is marked as a lower bound', () => {
    const data = results([
      outages('moosefs-failover', 0, { 'ha-mount': 9_470, plain: 9_540, cron: 9_510 }, { plain: { recovered: false } }),
      outages('moosefs-failover', 1, { 'ha-mount': 9_470, plain: 9_540, cron: 9_510 }),
    ]);
    const [line] = renderSummary(data);
    expect(line).toContain('plain ≥9.54 s (same within 100 ms)');
    expect(line).toContain('cron 9.51 s (same within 100 ms)');
    expect(line).toContain('ha-mount outage p50 9.47 s (p95 9.47 s)');
  });

  it('when ha-mount itself did not recover in some trials then its own outage is marked as a lower bound too', () => {
    const data = results([
      outages('moosefs-failover', 0, { 'ha-mount': 90_200, plain: 9_540 }, { 'ha-mount': { recovered: false } }),
      outages('moosefs-failover', 1, { 'ha-mount': 9_470, plain: 9_540 }),
    ]);
    expect(renderSummary(data)[0]).toContain('ha-mount outage p50 ≥49.8 s (p95 ≥90.2 s) against plain 9.54 s (ha-mount behind)');
  });

  it('when a fault has no ha-mount rows then it gets no line; the others keep the fault order', () => {
    const data = results([outages('all-down', 0, { 'ha-mount': 40_000, plain: 41_000 }), outages('vip-partition', 0, { plain: 60_000 }), outages('kill-daemon', 0, { 'ha-mount': 200, plain: 25_000 })]);
    expect(renderSummary(data).map((line) => /\*\*(\S+)\*\*/.exec(line)?.[1])).toEqual(['kill-daemon', 'all-down']);
  });
});

describe('renderResultsMarkdown', () => {
  const data = results([
    trial('kill-daemon', 0, [
      row('ha-mount', { detectMs: 60, detectedAs: 'healthy->failed (ENOTCONN (lookup /tmp/bench-1/ha-mount/.ha-mount/client/3f9a0c1b2d4e ENOTCONN))', outageMs: 200, remounts: 1 }),
      row('plain', { detectMs: null, outageMs: 25_000, recovered: false, restoredByHand: true }),
    ]),
    trial('kill-daemon', 1, [
      row('ha-mount', { detectMs: 70, detectedAs: 'healthy->failed (ENOTCONN (lookup /tmp/bench-2/ha-mount/.ha-mount/client/77aa00bb11cc ENOTCONN))', outageMs: 300, remounts: 1 }),
      row('plain', { detectMs: null, outageMs: 400 }),
    ]),
    trial('moosefs-failover', 0, [row('ha-mount', { outageMs: 9_470, backAfterReturnMs: 3_610 }), row('cron', { outageMs: 9_510, backAfterReturnMs: 3_700, detectedAs: 'stat timed out after 5000 ms' })]),
  ]);

  it('when rendered then each fault with trials gets its table header and one row per setup that ran', () => {
    const markdown = renderResultsMarkdown(data);
    const kill = section(markdown, `### ${FAULT_CLASSES['kill-daemon'].title}`);
    expect(kill).toContain('2 trial(s), glusterfs. Can a client-side watcher act? yes: only a remount repairs it.');
    expect(kill).toContain('| setup | detect p50 / p95 | detected | user-visible outage p50 / p95 | not recovered in the window | remounts (failed) | remounted by hand after the trial |');
    expect(kill).toContain('| ha-mount agent (1 s probes) | 65 ms / 70 ms | 2/2 | 250 ms / 300 ms | 0/2 | 2 (0) | 0/2 |');
    expect(kill).toContain('| plain mount, backup servers, no agent | — | 0/2 | ≥12.7 s / ≥25.0 s | 1/2 | 0 (0) | 1/2 |');
    expect(kill).not.toContain('cron-style');
    expect(markdown).not.toContain(`### ${FAULT_CLASSES['vip-crash'].title}`);
  });

  it('when partition trials waited for an empty heal info then the wait and the trials that started still healing are given under the table', () => {
    const wait = (waitedMs: number, clean = true) => ({ waitedMs, clean, lastEntries: clean ? [0, 0] : [0, 3] });
    const partition = (index: number, beforeMs: number, clean = true): TrialResult => ({ ...trial('vip-partition', index, [row('ha-mount', { outageMs: 3_900 })]), heal: { before: wait(beforeMs, clean), after: wait(9_000) } });
    const markdown = renderResultsMarkdown(results([partition(1, 400), partition(2, 12_000), partition(3, 120_500, false)]));
    expect(section(markdown, `### ${FAULT_CLASSES['vip-partition'].title}`)).toContain('wait before the cut p50 12.0 s, max 120.5 s; trials that started still healing: 1/3; heal done after the link came back p50 9.00 s, max 9.00 s.');
    expect(section(renderResultsMarkdown(data), `### ${FAULT_CLASSES['kill-daemon'].title}`)).not.toContain('heal info');
  });

  it('when a fault has writes-back times then its table has that column', () => {
    const moose = section(renderResultsMarkdown(data), `### ${FAULT_CLASSES['moosefs-failover'].title}`);
    expect(moose).toContain('| not recovered in the window | writes back after servers restarted / takeover done, p50 / p95 | remounts (failed) |');
    expect(moose).toContain('| ha-mount agent (1 s probes) | 100 ms / 100 ms | 1/1 | 9.47 s / 9.47 s | 0/1 | 3.61 s / 3.61 s | 0 (0) | 0/1 |');
  });

  it('when the MooseFS failover ran then its note appears under its own table, and only there', () => {
    const note = FAULT_CLASSES['moosefs-failover'].note;
    expect(note).toBeDefined();
    const markdown = renderResultsMarkdown(data);
    expect(section(markdown, `### ${FAULT_CLASSES['moosefs-failover'].title}`)).toContain(note);
    expect(section(markdown, `### ${FAULT_CLASSES['kill-daemon'].title}`)).not.toContain(note);
    expect(markdown.split(note ?? '').length - 1).toBe(1);
    expect(renderResultsMarkdown(results([data.trials[0]!]))).not.toContain(note);
  });

  it('when the watchers reported what they saw then paths, ids and numbers are normalized and duplicates dropped', () => {
    const markdown = renderResultsMarkdown(data);
    expect(section(markdown, `### ${FAULT_CLASSES['kill-daemon'].title}`)).toContain('What the watchers saw first (distinct): `ha-mount: healthy->failed (ENOTCONN (lookup PATH ENOTCONN))`.');
    expect(section(markdown, `### ${FAULT_CLASSES['moosefs-failover'].title}`)).toContain('`cron: stat timed out after N ms`');
  });

  it('when a reason has a path inside parentheses then the closing parenthesis survives the normalizing', () => {
    const withBrick = results([trial('vip-crash', 0, [row('ha-mount', { detectMs: 2_000, detectedAs: 'healthy->degraded (brick 10.0.0.11:/srv/brick disconnected)', outageMs: 0 })])]);
    expect(renderResultsMarkdown(withBrick)).toContain('`ha-mount: healthy->degraded (brick N.N.N.N:PATH disconnected)`');
  });

  it('when the load was sampled then the machine section gives it', () => {
    const markdown = renderResultsMarkdown(results(data.trials, { machine: { ...MACHINE, load: { samples: 42, median: 3.4, max: 7.9 } } }));
    const machine = section(markdown, '## Machine');
    expect(machine).toContain('- 2 CPU (Test CPU), 3.8 GiB memory, kernel 6.1.0-test');
    expect(machine).toContain('- versions: glusterfs 10.3, node v20.19.0');
    expect(machine).toContain('- 1-minute load average during the failover trials (42 samples, every 30 s): median 3.4, max 7.9 on 2 cores');
    expect(machine).not.toContain('not recorded');
  });

  it('when the load was not sampled then the machine section says it was not recorded', () => {
    const machine = section(renderResultsMarkdown(data), '## Machine');
    expect(machine).toContain('- load during the run was not recorded');
    expect(machine).not.toContain('1-minute load average during the failover trials');
  });

  it('when rendered then the floor lines hide the lab\'s temp paths and addresses', () => {
    const floor = section(renderResultsMarkdown(data), '## Floor');
    expect(floor).toContain('- glusterfs: 180 ms median of 20 (min 100 ms; `mount -t glusterfs IP:/rep_vol1 MP -o backup-volfile-servers=IP:IP`)');
    expect(floor).toContain('- moosefs: 5 ms median of 20 (min 3 ms; `mfsmount MP -H IP`)');
  });

  it('when rendered then the summary, cost table, mount overhead and notes are included', () => {
    const markdown = renderResultsMarkdown(
      results(data.trials, {
        mountOverhead: { runs: 10, lines: ['mount.glusterfs   median 120 ms', 'mount.ha  median 150 ms', 'mount -t glusterfs  median 130 ms'], error: 'exit 1' },
        notes: ['the machine was shared'],
      }),
    );
    expect(section(markdown, '## Summary')).toContain('- **kill-daemon**: ha-mount outage p50 250 ms');
    expect(section(markdown, '## Floor')).toContain('- bench/mount-overhead.ts, same run: `mount.glusterfs median 120 ms`');
    expect(section(markdown, '## Floor')).not.toContain('mount.ha');
    expect(section(markdown, '## Cost')).toContain('| this tree | 1 | 1 s | 61.5 MiB | - | 0.4 % | 1.2 % |');
    expect(markdown).toContain('mount.ha against mount.glusterfs, same run (`bench/mount-overhead.ts`, 10 alternating runs each):');
    expect(markdown).toContain('(mount-overhead failed: exit 1)');
    expect(section(markdown, '## Notes')).toContain('- the machine was shared');
    expect(markdown.endsWith('\n')).toBe(true);
  });

  it('when a cost row has a probe interval then the table shows it; a row from before intervals varied reads 1 s', () => {
    const markdown = renderResultsMarkdown(results([], { cost: [{ mounts: 50, intervalS: 5, seconds: 30, rssMiB: 90, cpuPercent: 6.2, cpuPercentWithChildren: 10.4 }, { mounts: 50, seconds: 30, rssMiB: 104.6, cpuPercent: 29.4, cpuPercentWithChildren: 50.9 }] }));
    const cost = section(markdown, '## Cost');
    expect(cost).toContain('| this tree | 50 | 5 s | 90 MiB | - | 6.2 % | 10.4 % |');
    expect(cost).toContain('| this tree | 50 | 1 s | 104.6 MiB | - | 29.4 % | 50.9 % |');
  });

  it('when cost rows come from two builds with the helper counted then the table names the build and the RSS with the helper', () => {
    const markdown = renderResultsMarkdown(results([], { cost: [{ mounts: 10, intervalS: 1, build: 'baseline', seconds: 30, rssMiB: 88, rssWithHelperMiB: 88.5, cpuPercent: 8, cpuPercentWithChildren: 13 }, { mounts: 10, intervalS: 1, seconds: 30, rssMiB: 50, rssWithHelperMiB: 56, cpuPercent: 0.5, cpuPercentWithChildren: 0.8 }] }));
    expect(section(markdown, '## Cost')).toContain('| baseline | 10 | 1 s | 88 MiB | 88.5 MiB | 8 % | 13 % |');
    expect(section(markdown, '## Cost')).toContain('| this tree | 10 | 1 s | 50 MiB | 56 MiB | 0.5 % | 0.8 % |');
  });

  it('when there are no notes then there is no notes section', () => {
    expect(renderResultsMarkdown(data)).not.toContain('## Notes');
  });
});
