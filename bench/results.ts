// The bench's results: the JSON document, its per-fault summaries, and the Markdown report made
// from it. Pure, so `--report-only` regenerates RESULTS.md from results.json.
import type { AgentCost, MountFloor, MountOverhead } from './cost.js';
import { FAULT_CLASSES, FAULT_IDS, type FaultId } from './faults.js';
import { HEAL_WAIT_CAP_MS } from './heal.js';
import type { MachineInfo } from './machine.js';
import { SETUP_LABELS, SETUP_NAMES, type SetupName } from './setups.js';
import { median, percentile } from './stats.js';
import type { TrialResult } from './trial.js';

/** Everything one `npm run bench` measured. */
export interface BenchResults {
  generatedAt: string;
  command: string;
  status: 'running' | 'complete' | 'stopped early';
  options: { trials: number; faults: FaultId[]; quick: boolean };
  machine: MachineInfo;
  floor: MountFloor[];
  cost: AgentCost[];
  mountOverhead?: MountOverhead;
  trials: TrialResult[];
  notes: string[];
}

/** One row of a fault's table. */
export interface SetupSummary {
  setup: SetupName;
  trials: number;
  detected: number;
  detectP50?: number;
  detectP95?: number;
  outageP50?: number;
  outageP95?: number;
  /** trials in which writes had not recovered when observation ended (their outage is a lower bound) */
  unrecovered: number;
  backP50?: number;
  backP95?: number;
  remounts: number;
  remountFailures: number;
  restoredByHand: number;
}

/** p50/p95 of each setup over the trials of one fault. Pure. */
export function summarizeFault(trials: readonly TrialResult[], fault: FaultId): SetupSummary[] {
  const mine = trials.filter((trial) => trial.fault === fault);
  return SETUP_NAMES.map((setup) => {
    const rows = mine.flatMap((trial) => trial.setups.filter((row) => row.setup === setup));
    const detects = rows.flatMap((row) => (row.detectMs === null ? [] : [row.detectMs]));
    const outages = rows.map((row) => row.outageMs);
    const backs = rows.flatMap((row) => (row.backAfterReturnMs === null ? [] : [row.backAfterReturnMs]));
    const summary: SetupSummary = {
      setup,
      trials: rows.length,
      detected: detects.length,
      unrecovered: rows.filter((row) => !row.recovered).length,
      remounts: rows.reduce((sum, row) => sum + row.remounts, 0),
      remountFailures: rows.reduce((sum, row) => sum + row.remountFailures, 0),
      restoredByHand: rows.filter((row) => row.restoredByHand).length,
    };
    const set = (key: 'detectP50' | 'detectP95' | 'outageP50' | 'outageP95' | 'backP50' | 'backP95', value: number | undefined): void => {
      if (value !== undefined) summary[key] = Math.round(value);
    };
    set('detectP50', median(detects));
    set('detectP95', percentile(detects, 95));
    set('outageP50', median(outages));
    set('outageP95', percentile(outages, 95));
    set('backP50', median(backs));
    set('backP95', percentile(backs, 95));
    return summary;
  });
}

function formatMs(value: number | undefined): string {
  if (value === undefined) return '—';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : value >= 1_000 ? `${(value / 1000).toFixed(2)} s` : `${value} ms`;
}

function formatPair(p50: number | undefined, p95: number | undefined, censored: boolean): string {
  if (p50 === undefined) return '—';
  const mark = censored ? '≥' : '';
  return `${mark}${formatMs(p50)} / ${mark}${formatMs(p95)}`;
}

function renderFaultTable(results: BenchResults, fault: FaultId): string[] {
  const rows = summarizeFault(results.trials, fault);
  const count = Math.max(0, ...rows.map((row) => row.trials));
  const fc = FAULT_CLASSES[fault];
  const withBack = fault === 'all-down' || fault === 'moosefs-failover';
  const lines = [
    `### ${fc.title}`,
    '',
    `${count} trial(s), ${fc.backend}. Can a client-side watcher act? ${fc.clientCanAct}.`,
    '',
    ...(fc.note === undefined ? [] : [fc.note, '']),
    `| setup | detect p50 / p95 | detected | user-visible outage p50 / p95 | not recovered in the window |${withBack ? ' writes back after servers restarted / takeover done, p50 / p95 |' : ''} remounts (failed) | remounted by hand after the trial |`,
    `|---|---|---|---|---|${withBack ? '---|' : ''}---|---|`,
  ];
  for (const row of rows) {
    if (row.trials === 0) continue;
    lines.push(
      `| ${SETUP_LABELS[row.setup]} | ${formatPair(row.detectP50, row.detectP95, false)} | ${row.detected}/${row.trials} | ${formatPair(row.outageP50, row.outageP95, row.unrecovered > 0)} | ${row.unrecovered}/${row.trials} |` +
        `${withBack ? ` ${formatPair(row.backP50, row.backP95, false)} |` : ''} ${row.remounts} (${row.remountFailures}) | ${row.restoredByHand}/${row.trials} |`,
    );
  }
  // pids, times and the lookup probe's random names differ between trials: keep the kind of reaction
  const normalize = (text: string): string => text.replace(/\/[^\s),;]*/g, 'PATH').replace(/\b[0-9a-f]{12}\b/g, 'X').replace(/\d+/g, 'N');
  const details = [...new Set(results.trials.filter((trial) => trial.fault === fault).flatMap((trial) => trial.setups.flatMap((row) => (row.detectedAs === null ? [] : [`${row.setup}: ${normalize(row.detectedAs)}`]))))].slice(0, 8);
  if (details.length > 0) lines.push('', `What the watchers saw first (distinct): ${details.map((detail) => `\`${detail}\``).join('; ')}.`);
  const heals = results.trials.filter((trial) => trial.fault === fault).flatMap((trial) => (trial.heal === undefined ? [] : [trial.heal]));
  if (heals.length > 0) {
    const before = heals.map((heal) => heal.before.waitedMs);
    const after = heals.map((heal) => heal.after.waitedMs);
    const unclean = heals.filter((heal) => !heal.before.clean).length;
    lines.push('', `Each trial began once \`gluster volume heal VOL info\` listed 0 entries on every brick (cap ${HEAL_WAIT_CAP_MS / 1_000} s): wait before the cut p50 ${formatMs(percentile(before, 50))}, max ${formatMs(Math.max(...before))}; trials that started still healing: ${unclean}/${heals.length}; heal done after the link came back p50 ${formatMs(percentile(after, 50))}, max ${formatMs(Math.max(...after))}.`);
  }
  lines.push('');
  return lines;
}

const SAME_WITHIN_MS = 100;

/** One line per fault: ha-mount's outage against each baseline's, and the gap to the floor. Pure. */
export function renderSummary(results: BenchResults): string[] {
  const lines: string[] = [];
  const floor = results.floor.find((entry) => entry.backend === 'glusterfs');
  for (const fault of FAULT_IDS) {
    const rows = summarizeFault(results.trials, fault);
    const ours = rows.find((row) => row.setup === 'ha-mount');
    if (ours === undefined || ours.trials === 0) continue;
    const others = rows.filter((row) => row.setup !== 'ha-mount' && row.trials > 0);
    const compare = others.map((row) => {
      const mark = row.unrecovered > 0 ? '≥' : '';
      // two writer intervals: a difference the writer cannot resolve
      const gap = (row.outageP50 ?? 0) - (ours.outageP50 ?? 0);
      const verdict = Math.abs(gap) <= SAME_WITHIN_MS ? 'same within 100 ms' : gap > 0 ? 'ha-mount ahead' : 'ha-mount behind';
      return `${row.setup} ${mark}${formatMs(row.outageP50)} (${verdict})`;
    });
    // like the table: trials in which ha-mount itself had not recovered make its outage a lower bound
    const ourMark = ours.unrecovered > 0 ? '≥' : '';
    let line = `- **${fault}**: ha-mount outage p50 ${ourMark}${formatMs(ours.outageP50)} (p95 ${ourMark}${formatMs(ours.outageP95)}) against ${compare.join(', ')}`;
    if (fault === 'kill-daemon' && floor && ours.outageP50 !== undefined) {
      const gap = Math.round(ours.outageP50 - floor.medianMs);
      line += gap >= 0
        ? `; gap to the floor (a bare \`mount -t glusterfs\`, ${formatMs(floor.medianMs)}): ${formatMs(gap)}`
        : `; no gap to the floor: ${formatMs(-gap)} below a bare \`mount -t glusterfs\` (${formatMs(floor.medianMs)}), since writes work once the FUSE client serves the mountpoint, before the mount command returns`;
    }
    lines.push(`${line}.`);
  }
  return lines;
}

/** RESULTS.md from the results. Pure. */
export function renderResultsMarkdown(results: BenchResults): string {
  const { machine } = results;
  const floor = results.floor.map((entry) => `${entry.backend}: ${formatMs(entry.medianMs)} median of ${entry.runs} (min ${formatMs(entry.minMs)}; \`${entry.command.replace(/\/tmp\/\S+/g, 'MP').replace(/\d+\.\d+\.\d+\.\d+/g, 'IP')}\`)`);
  const faults = FAULT_IDS.filter((fault) => results.trials.some((trial) => trial.fault === fault));
  const lines = [
    '# ha-mount failover bench',
    '',
    `Generated ${results.generatedAt} by \`${results.command}\` (status: ${results.status}). Regenerate with \`npm run bench\` (as root; it brings up the lab, installs what it needs, and tears everything down). \`--trials N\` (default 20), \`--faults a,b\`, \`--quick\`.`,
    '',
    '## Machine',
    '',
    `- ${machine.nproc} CPU (${machine.cpuModel}), ${machine.memoryGiB} GiB memory, kernel ${machine.kernel}`,
    `- versions: ${Object.entries(machine.versions).map(([name, version]) => `${name} ${version}`).join(', ')}`,
    machine.load
      ? `- 1-minute load average during the failover trials (${machine.load.samples} samples, every 30 s): median ${machine.load.median}, max ${machine.load.max} on ${machine.nproc} cores, the bench's own lanes included (each runs four mounts, four writers and three watchers); absolute times carry that load, setups in one table were measured in the same trials, side by side.`
      : '- load during the run was not recorded: absolute times may carry noise from other work; setups in one table were measured in the same trials, side by side.',
    '',
    '## How it is measured',
    '',
    '- All four setups run at once on one lab, each with its own mountpoint, its own watcher and its own independent writer (`src/lab/writer.ts`: a new file written, fsynced and read back every 50 ms); each fault hits all four in the same trial.',
    '- **Setups**: (a) `ha-mount agent`, probe interval 1 s, timeout 5 s, servers VIP + both servers; (b) a plain `mount -t glusterfs VIP:/rep_vol1 -o backup-volfile-servers=gfs1:gfs2` (`mfsmount -H VIP` for MooseFS), no watcher; (c) `bench/baselines/cron-remount.ts`: every 10 s `mountpoint -q` and `stat -t` with a 5 s timeout, on failure `umount -l` + the same mount; (d) `bench/baselines/keepalived-check.ts`: the same check every 5 s, remount after 3 failures in a row (fall 3). Baselines mount with the plain setup\'s command (GlusterFS default ping timeout, 42 s); ha-mount mounts with its own defaults (ping timeout 10 s).',
    `- **Detect**: ms from the fault to the watcher's first reaction: the agent's first state transition in its log; a baseline's remount decision. The plain mount has no watcher.`,
    `- **User-visible outage**: the writer's view: the sum of the windows in which writes failed or took longer than 1 s, from the start of the first bad write to the end of the next good one (\`analyzeWrites\`). "≥" marks a percentile over trials in which some setups had not recovered when observation ended (kill-daemon: 25 s; partition: up to 100 s); their outage counts up to that end, so it is a lower bound. A setup still broken after the observation is remounted by hand before the next trial (last column).`,
    '- p50 is the median; p95 by nearest rank (with few trials p95 is the maximum).',
    '- MooseFS: the lab supports one master failover per lab, so every MooseFS trial brings up a fresh MooseFS lab (setups mounted anew) and tears it down after.',
    '',
    '## Floor: a bare mount on this machine',
    '',
    ...floor.map((line) => `- ${line}`),
    ...(results.mountOverhead?.lines.filter((line) => /^mount(\.glusterfs| -t glusterfs)/.test(line)).map((line) => `- bench/mount-overhead.ts, same run: \`${line.replace(/\s+/g, ' ')}\``) ?? []),
    '',
    '## Summary',
    '',
    ...renderSummary(results),
    '',
    '## Failover, per fault class',
    '',
    ...faults.flatMap((fault) => renderFaultTable(results, fault)),
    '![writer timeline, one trial per fault](timeline.png)',
    '',
    '`timeline.png`: the first trial of each fault class; for each setup, the writer\'s state over time from the fault (t = 0): ok, failed, blocked (a write slower than 1 s).',
    '',
    '## Cost',
    '',
    '| build | mounts watched | probe interval | agent RSS (median) | agent + probe helper and workers RSS | agent CPU % of a core (median of 5 s windows) | with all its children (helper, probe workers) |',
    '|---|---|---|---|---|---|---|',
    ...results.cost.map((cost) => `| ${cost.build ?? 'this tree'} | ${cost.mounts} | ${cost.intervalS ?? 1} s | ${cost.rssMiB} MiB | ${cost.rssWithHelperMiB === undefined ? '-' : `${cost.rssWithHelperMiB} MiB`} | ${cost.cpuPercent} % | ${cost.cpuPercentWithChildren} % |`),
    '',
  ];
  const overhead = results.mountOverhead;
  if (overhead) {
    lines.push(
      `mount.ha against mount.glusterfs, same run (\`bench/mount-overhead.ts\`, ${overhead.runs} alternating runs each):`,
      '',
      '```',
      ...overhead.lines,
      '```',
      '',
    );
    if (overhead.error) lines.push(`(mount-overhead failed: ${overhead.error})`, '');
  }
  if (results.notes.length > 0) lines.push('## Notes', '', ...results.notes.map((note) => `- ${note}`), '');
  return `${lines.join('\n')}\n`;
}
