// `npm run bench`: failover of ha-mount against a plain mount, a cron-style and a keepalived-style
// remount check, on the lab, fault by fault; then cost. Writes bench/results/results.json,
// RESULTS.md and timeline.png. Run as root. Every lab it starts is torn down, also on Ctrl-C.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULTS } from '../src/defaults.js';
import { startLab } from '../src/lab/lab.js';
import type { Lab } from '../src/lab/lab-types.js';
import { parseBenchArgs, type BenchOptions } from './bench-args.js';
import { installBenchCleanup, stopEverything, trackLab, untrackLab } from './children.js';
import { COST_CASES, type CostBuild, measureAgentCosts, measureFloor, measureMountOverhead, QUICK_COST_CASES } from './cost.js';
import { FAULT_CLASSES, type FaultId } from './faults.js';
import { describeMachine, ensureGnuplot, sampleLoad } from './machine.js';
import { drawTimeline } from './plot.js';
import { renderResultsMarkdown, type BenchResults } from './results.js';
import { startSetups, stopSetups, type Setup } from './setups.js';
import { runTrial } from './trial.js';
import { type LaneShare, planLaneShares, REPLACEMENTS_PER_CLASS, TrialPlan } from './lanes.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
/** a trial's usual length, to start none that would overrun --until */
const TRIAL_ESTIMATE_MS: Record<FaultId, number> = {
  'kill-daemon': 45_000,
  'vip-crash': 60_000,
  'vip-partition': 130_000,
  'moosefs-failover': 120_000,
  'all-down': 110_000,
};

const progress = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

function saveResults(results: BenchResults, out: string): void {
  mkdirSync(out, { recursive: true });
  const write = (name: string, text: string): void => {
    writeFileSync(join(out, `${name}.tmp`), text);
    renameSync(join(out, `${name}.tmp`), join(out, name));
  };
  write('results.json', `${JSON.stringify(results, null, 1)}\n`);
  write('RESULTS.md', renderResultsMarkdown(results));
}

async function drawAndSave(results: BenchResults, options: BenchOptions): Promise<void> {
  saveResults(results, options.out);
  try {
    await drawTimeline(results, join(options.out, 'plot'), join(options.out, 'timeline.png'));
  } catch (error) {
    progress(`timeline plot failed: ${String(error)}`);
  }
}

/** A GlusterFS lab with the four setups writing. */
interface GlusterRig {
  lab: Lab;
  setups: Setup[];
}

async function startLabTracked(moosefs: boolean): Promise<Lab> {
  const lab = await startLab({ gluster: !moosefs, moosefs, onProgress: (message) => progress(`[lab] ${message}`) });
  trackLab(lab);
  return lab;
}

async function stopLabTracked(lab: Lab): Promise<void> {
  untrackLab(lab);
  await lab.stop();
}

async function startGlusterRig(workDir: string): Promise<GlusterRig> {
  const lab = await startLabTracked(false);
  progress('starting the four GlusterFS setups');
  const setups = await startSetups(lab, 'glusterfs', join(workDir, `gluster-${lab.prefix}`));
  return { lab, setups };
}

async function stopRig(rig: GlusterRig | undefined): Promise<void> {
  if (!rig) return;
  await stopSetups(rig.setups).catch((error: unknown) => progress(`stopping setups: ${String(error)}`));
  await stopLabTracked(rig.lab);
}

/** One MooseFS trial on a fresh MooseFS lab (the lab supports one master failover per run). */
async function runMooseTrial(results: BenchResults, workDir: string, trial: number, quick: boolean): Promise<void> {
  const lab = await startLabTracked(true);
  let setups: Setup[] = [];
  try {
    if (!results.floor.some((entry) => entry.backend === 'moosefs')) results.floor.push(await measureFloor(lab, 'moosefs', quick ? 3 : 10));
    setups = await startSetups(lab, 'moosefs', join(workDir, `moose-${trial}`));
    results.trials.push(await runTrial(lab, setups, 'moosefs-failover', trial, quick));
  } finally {
    await stopSetups(setups).catch((error: unknown) => progress(`stopping MooseFS setups: ${String(error)}`));
    await stopLabTracked(lab);
  }
}

/** What the lanes share: the results document and whether one stopped at --until. */
interface LaneState {
  results: BenchResults;
  options: BenchOptions;
  workDir: string;
  stoppedEarly: boolean;
}

/**
 * One lane: its own GlusterFS lab with the four setups (when it has GlusterFS faults) and its
 * faults round-robin, trial by trial, so a run stopped at --until has every fault class at
 * about the same count.
 */
async function runLane(state: LaneState, share: LaneShare, name: string): Promise<void> {
  const { results, options, workDir } = state;
  const { faults } = share;
  let rig: GlusterRig | undefined;
  try {
    if (faults.some((fault) => FAULT_CLASSES[fault].backend === 'glusterfs')) rig = await startGlusterRig(workDir);
    const plan = new TrialPlan(faults, share.trials, REPLACEMENTS_PER_CLASS, share.firstTrial);
    rounds: for (let round = plan.nextRound(); round.length > 0; round = plan.nextRound()) {
      for (const { fault, trial } of round) {
        if (options.until !== undefined && Date.now() + TRIAL_ESTIMATE_MS[fault] > options.until) {
          state.stoppedEarly = true;
          break rounds;
        }
        progress(`${name}: trial ${trial}/${options.trials}: ${fault}`);
        try {
          if (fault === 'moosefs-failover') await runMooseTrial(results, workDir, trial, options.quick);
          else {
            if (rig === undefined) throw new Error('no GlusterFS lab in this lane');
            results.trials.push(await runTrial(rig.lab, rig.setups, fault, trial, options.quick));
          }
          plan.counts(fault);
        } catch (error) {
          const again = plan.fails(fault);
          const note = `trial ${trial} of ${fault} failed and was not counted (${again ? 'run again' : 'no more replacements: the class stops short'}): ${String(error).split('\n')[0]}`;
          progress(`${name}: ${note}`);
          results.notes.push(note);
          if (fault !== 'moosefs-failover') {
            // the lab may be in any state: start over with a fresh one
            await stopRig(rig);
            rig = undefined;
            rig = await startGlusterRig(workDir);
          }
        }
        const last = results.trials.findLast((candidate) => candidate.fault === fault && candidate.trial === trial);
        if (last?.heal !== undefined) {
          const { before, after } = last.heal;
          progress(`${name}:   heal info empty after ${before.waitedMs} ms before the cut, ${after.waitedMs} ms after the link came back`);
          if (!before.clean) results.notes.push(`trial ${trial} of ${fault} started on a volume still healing: \`heal info\` listed ${before.lastEntries.map((count) => count ?? '-').join('/')} entries after ${before.waitedMs} ms`);
        }
        if (last) {
          progress(`${name}:   ${last.setups.map((row) => `${row.setup}: detect ${row.detectMs ?? '-'} ms, outage ${row.outageMs} ms${row.recovered ? '' : ' (not recovered)'}, remounts ${row.remounts}`).join('; ')}`);
        }
        results.generatedAt = new Date().toISOString();
        saveResults(results, options.out);
      }
    }
  } finally {
    await stopRig(rig).catch((error: unknown) => progress(`${name}: stopping the GlusterFS lab: ${String(error)}`));
  }
}

async function runBench(options: BenchOptions): Promise<void> {
  const workDir = mkdtempSync('/tmp/ha-mount-bench-');
  progress(`logs and writer records under ${workDir}`);
  await ensureGnuplot(progress);
  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    status: 'running',
    options: { trials: options.trials, faults: options.faults, quick: options.quick },
    machine: await describeMachine(),
    floor: [],
    cost: [],
    trials: [],
    notes: [],
  };
  const state: LaneState = { results, options, workDir, stoppedEarly: false };
  try {
    // cost and overhead first, each alone on the machine
    if (options.overhead) {
      progress('mount.ha against mount.glusterfs (bench/mount-overhead.ts, its own lab)');
      results.mountOverhead = await measureMountOverhead(options.quick ? 3 : 20);
      saveResults(results, options.out);
    }
    const lab = await startLabTracked(false);
    try {
      results.floor.push(await measureFloor(lab, 'glusterfs', options.quick ? 3 : 10));
      if (options.cost) {
        results.cost = await measureAgentCosts(lab, workDir, options.quick ? QUICK_COST_CASES : COST_CASES, options.quick ? 5 : 30, progress, costBuilds(options)).catch((error: unknown) => {
          results.notes.push(`cost measurement failed: ${String(error).split('\n')[0]}`);
          progress(`cost measurement failed: ${String(error)}`);
          return [];
        });
      }
    } finally {
      await stopLabTracked(lab);
    }
    saveResults(results, options.out);
    const lanes = planLaneShares(options.faults, options.lanes, options.trials);
    if (lanes.length > 1) results.notes.push(`the trials ran in ${lanes.length} lanes at once, each on its own lab (${lanes.map((lane) => `${lane.faults.join(' + ')}, trials ${lane.firstTrial}-${lane.firstTrial + lane.trials - 1}`).join('; ')}), to fit the trials in the time; the floor, cost and mount overhead were measured before, alone`);
    const stopSampling = sampleLoad();
    try {
      await Promise.all(lanes.map((share, index) => runLane(state, share, `lane ${index + 1}`)));
    } finally {
      const load = stopSampling();
      if (load) results.machine.load = load;
    }
  } finally {
    await stopEverything();
  }
  const counts = options.faults.map((fault) => `${fault} ${results.trials.filter((trial) => trial.fault === fault).length}`);
  if (state.stoppedEarly) results.notes.push(`stopped early at --until: trials done per fault class: ${counts.join(', ')} (asked for ${options.trials})`);
  results.status = state.stoppedEarly ? 'stopped early' : 'complete';
  results.generatedAt = new Date().toISOString();
  await drawAndSave(results, options);
  progress(`done: ${counts.join(', ')}; results in ${options.out}`);
}

/** The other agents the cost measures beside this tree's, case by case: `--cost-baseline`, `--cost-node-options`, `--cost-agent-flags`. */
function costBuilds(options: BenchOptions): CostBuild[] {
  const builds: CostBuild[] = [];
  if (options.costBaseline !== undefined) builds.push({ label: `baseline ${options.costBaseline}`, cli: join(options.costBaseline, 'dist/bin/ha-mount.js') });
  if (options.costNodeOptions !== undefined) builds.push({ label: `NODE_OPTIONS=${options.costNodeOptions}`, nodeOptions: options.costNodeOptions });
  if (options.costAgentFlags) builds.push({ label: `launcher flags ${DEFAULTS.agent.nodeFlags.join(' ')}`, nodeArgs: DEFAULTS.agent.nodeFlags });
  return builds;
}

/** `--cost-only`: measures the agent's cost alone and puts it into the existing results.json. */
async function runCostOnly(options: BenchOptions): Promise<void> {
  const file = join(options.out, 'results.json');
  if (!existsSync(file)) throw new Error(`--cost-only: no ${file} to put the cost into; run the bench first`);
  const workDir = mkdtempSync('/tmp/ha-mount-bench-cost-');
  const lab = await startLabTracked(false);
  const startedAt = new Date().toISOString().slice(0, 16);
  const stopSampling = sampleLoad(5_000);
  let cost;
  try {
    cost = await measureAgentCosts(lab, workDir, options.quick ? QUICK_COST_CASES : COST_CASES, options.quick ? 5 : 30, progress, costBuilds(options));
  } finally {
    await stopLabTracked(lab);
  }
  const load = stopSampling();
  const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  results.cost = cost;
  const costNote = 'the cost table was measured by a separate `--cost-only` run';
  results.notes = results.notes.filter((note) => !note.startsWith('cost measurement failed') && !note.startsWith(costNote));
  results.notes.push(`${costNote} (${startedAt}Z, its own lab${load ? `, 1-minute load median ${load.median}, max ${load.max}` : ''}), not in the same run as the failover trials`);
  saveResults(results, options.out);
}

/** `--floor-only`: measures the bare GlusterFS mount again and puts it into the existing results.json. */
async function runFloorOnly(options: BenchOptions): Promise<void> {
  const file = join(options.out, 'results.json');
  const lab = await startLabTracked(false);
  let floor;
  try {
    floor = await measureFloor(lab, 'glusterfs', options.quick ? 3 : 20);
  } finally {
    await stopLabTracked(lab);
  }
  const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  results.floor = [floor, ...results.floor.filter((entry) => entry.backend !== 'glusterfs')];
  saveResults(results, options.out);
}

const options = parseBenchArgs(process.argv.slice(2), join(ROOT, 'bench/results'));
installBenchCleanup();
if (options.floorOnly) await runFloorOnly(options);
else if (options.costOnly) await runCostOnly(options);
else if (options.reportOnly) {
  const file = join(options.out, 'results.json');
  if (!existsSync(file)) throw new Error(`--report-only: no ${file}; run the bench first`);
  await ensureGnuplot(progress);
  await drawAndSave(JSON.parse(readFileSync(file, 'utf8')) as BenchResults, options);
} else await runBench(options);
