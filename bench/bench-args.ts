// `npm run bench -- [--trials N] [--faults a,b] [--quick] [--until HH:MM] [--out DIR]
//   [--no-cost] [--no-overhead] [--lanes 1|2] [--report-only] [--cost-only] [--floor-only]
//   [--cost-baseline DIR] [--cost-node-options OPTIONS] [--cost-agent-flags]`: argv to options. Pure.
import { parseFaultList, type FaultId } from './faults.js';

/** What one bench run does. */
export interface BenchOptions {
  trials: number;
  faults: FaultId[];
  /** shorter observation windows, fewer floor and cost samples */
  quick: boolean;
  /** start no trial that would end after this time (ms since the epoch) */
  until?: number;
  /** where results.json, RESULTS.md and timeline.png go */
  out: string;
  cost: boolean;
  overhead: boolean;
  /** fault lanes run at once, each on its own lab (1 or 2; default 2, 1 with --quick) */
  lanes: number;
  /** measure only the bare GlusterFS mount (the floor) and put it into the existing results.json */
  floorOnly: boolean;
  /** measure only the agent's cost and put it into the existing results.json */
  costOnly: boolean;
  /** the root of another build (its dist/bin/ha-mount.js) whose agent the cost measures too, case by case */
  costBaseline?: string;
  /** NODE_OPTIONS with which the cost measures this tree's agent once more, case by case */
  costNodeOptions?: string;
  /** measure this tree's agent once more, case by case, with the V8 flags its launcher gives it (DEFAULTS.agent.nodeFlags) */
  costAgentFlags: boolean;
  /** regenerate RESULTS.md and timeline.png from results.json, measure nothing */
  reportOnly: boolean;
}

/** "07:35" today (or tomorrow when already past) as ms since the epoch, machine local time. */
export function parseClockTime(text: string, now: Date): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) throw new Error(`--until: expected HH:MM (00:00-23:59), got "${text}"`);
  const at = new Date(now);
  at.setHours(Number(match[1]), Number(match[2]), 0, 0);
  if (at.getTime() < now.getTime() - 12 * 3_600_000) at.setDate(at.getDate() + 1);
  return at.getTime();
}

export function parseBenchArgs(argv: readonly string[], defaultOut: string, now = new Date()): BenchOptions {
  const value = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    if (index < 0) return undefined;
    const found = argv[index + 1];
    if (found === undefined || found.startsWith('--')) throw new Error(`${flag}: missing value`);
    return found;
  };
  const known = new Set(['--trials', '--faults', '--quick', '--until', '--out', '--no-cost', '--no-overhead', '--report-only', '--lanes', '--cost-only', '--floor-only', '--cost-baseline', '--cost-node-options', '--cost-agent-flags']);
  // node options are themselves --flags: the value after --cost-node-options is not one of ours
  const nodeOptionsFlag = argv.indexOf('--cost-node-options');
  const nodeOptionsAt = nodeOptionsFlag < 0 ? -1 : nodeOptionsFlag + 1;
  argv.forEach((arg, index) => {
    if (arg.startsWith('--') && !known.has(arg) && index !== nodeOptionsAt) throw new Error(`unknown option ${arg}; known: ${[...known].join(' ')}`);
  });
  const trialsText = value('--trials');
  const trials = trialsText === undefined ? 20 : Number(trialsText);
  if (!Number.isInteger(trials) || trials < 1) throw new Error(`--trials: expected a whole number of 1 or more, got "${trialsText}"`);
  const until = value('--until');
  const lanesText = value('--lanes');
  const lanes = lanesText === undefined ? (argv.includes('--quick') ? 1 : 2) : Number(lanesText);
  if (lanes !== 1 && lanes !== 2) throw new Error(`--lanes: expected 1 or 2, got "${lanesText}"`);
  const options: BenchOptions = {
    trials,
    faults: parseFaultList(value('--faults')),
    quick: argv.includes('--quick'),
    out: value('--out') ?? defaultOut,
    cost: !argv.includes('--no-cost'),
    overhead: !argv.includes('--no-overhead'),
    reportOnly: argv.includes('--report-only'),
    costOnly: argv.includes('--cost-only'),
    costAgentFlags: argv.includes('--cost-agent-flags'),
    floorOnly: argv.includes('--floor-only'),
    lanes,
  };
  if (until !== undefined) options.until = parseClockTime(until, now);
  const baseline = value('--cost-baseline');
  if (baseline !== undefined) options.costBaseline = baseline;
  const nodeOptions = nodeOptionsAt > 0 ? argv[nodeOptionsAt] : undefined;
  if (nodeOptionsAt > 0 && nodeOptions === undefined) throw new Error('--cost-node-options: missing value');
  if (nodeOptions !== undefined) options.costNodeOptions = nodeOptions;
  return options;
}
