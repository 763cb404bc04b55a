// timeline.png: for the first trial of each fault class, each setup's writer over time (ok,
// failed, blocked), drawn by gnuplot from data files written next to the script.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../src/exec/run.js';
import { FAULT_CLASSES, FAULT_IDS } from './faults.js';
import type { BenchResults } from './results.js';
import { SETUP_NAMES } from './setups.js';
import type { TrialResult } from './trial.js';

const COLORS = { ok: 0x2e9d4a, failed: 0xd62728, blocked: 0xff9f1c } as const;

/** gnuplot data rows "x1 x2 row color" (seconds) for one trial. Pure. */
export function buildTimelineData(trial: TrialResult): string {
  const rows: string[] = [];
  SETUP_NAMES.forEach((setup, index) => {
    for (const [start, end, status] of trial.timeline[setup] ?? []) {
      rows.push(`${(start / 1000).toFixed(3)} ${(Math.max(end, start + 20) / 1000).toFixed(3)} ${SETUP_NAMES.length - index} ${COLORS[status]}`);
    }
  });
  return `${rows.join('\n')}\n`;
}

/** The gnuplot script: one panel per fault. Pure. */
export function buildGnuplotScript(panels: Array<{ title: string; data: string; returnAt?: number }>, output: string): string {
  const height = 170 * panels.length + 60;
  const lines = [
    `set terminal pngcairo size 1100,${height} font "DejaVu Sans,10"`,
    `set output '${output}'`,
    `set multiplot layout ${panels.length},1 title "Independent writer through each setup's mount (write+fsync every 50 ms): green ok, red failed, orange blocked > 1 s; t = 0 at the fault" font ",11"`,
    `set ytics (${SETUP_NAMES.map((setup, index) => `"${setup}" ${SETUP_NAMES.length - index}`).join(', ')})`,
    'set yrange [0.4:4.6]',
    'set xlabel "seconds from the fault"',
    'set grid xtics',
    'set style fill solid 1.0 noborder',
    'set lmargin 12',
    'unset key',
  ];
  for (const panel of panels) {
    lines.push(`set title "${panel.title.replaceAll('"', "'")}"`);
    lines.push('unset arrow');
    lines.push('set arrow from 0, graph 0 to 0, graph 1 nohead front lc rgb "black" lw 1.5 dt 2');
    if (panel.returnAt !== undefined) lines.push(`set arrow from ${(panel.returnAt / 1000).toFixed(2)}, graph 0 to ${(panel.returnAt / 1000).toFixed(2)}, graph 1 nohead front lc rgb "blue" lw 3 dt 2`);
    lines.push(`plot '${panel.data}' using (($1+$2)/2):3:(($2-$1)/2):(0.3):4 with boxxyerror lc rgb variable`);
  }
  lines.push('unset multiplot');
  return `${lines.join('\n')}\n`;
}

/** Writes the data and script under `dir` and runs gnuplot; returns the PNG path. */
export async function drawTimeline(results: BenchResults, dir: string, png: string): Promise<string | undefined> {
  mkdirSync(dir, { recursive: true });
  const panels: Array<{ title: string; data: string; returnAt?: number }> = [];
  for (const fault of FAULT_IDS) {
    const trial = results.trials.find((candidate) => candidate.fault === fault);
    if (trial === undefined) continue;
    const data = join(dir, `timeline-${fault}.dat`);
    writeFileSync(data, buildTimelineData(trial));
    const title = `${FAULT_CLASSES[fault].title.split(' (')[0]} (trial ${trial.trial})${trial.returnAt === undefined ? '' : fault === 'all-down' ? '; blue: servers restarted' : '; blue: takeover done'}`;
    panels.push({ title, data, ...(trial.returnAt === undefined ? {} : { returnAt: trial.returnAt - trial.faultAt }) });
  }
  if (panels.length === 0) return undefined;
  const script = join(dir, 'timeline.gp');
  writeFileSync(script, buildGnuplotScript(panels, png));
  const result = await runCommand({ file: 'gnuplot', args: [script] }, { timeoutMs: 60_000 });
  if (result.exitCode !== 0) throw new Error(`gnuplot ${script}: exit ${result.exitCode ?? result.signal}: ${result.stderr.trim()}`);
  return png;
}
