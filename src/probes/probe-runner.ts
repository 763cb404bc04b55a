import { randomBytes } from 'node:crypto';
import type { Command } from '../types.js';
import {
  buildMkdirCommand,
  buildProbePaths,
  buildReadCommand,
  buildStatCommand,
  buildWriteCommand,
  decideAfterStat,
  parseStatOutput,
  resultFromToolFailure,
  type ProbePaths,
  type StatDecision,
} from './probe-plan.js';
import type { ProbeResult, ProbeRunner, ProbeTarget, RunningProbe } from './probe-types.js';
import { spawnStep, type RunningStep, type StepOutput } from './spawn-step.js';

/** Spawns one probe child; injected so the step sequence is tested without exec. */
export type StepSpawner = (command: Command, input?: string) => RunningStep;

let probeCounter = 0;

/** A token no earlier probe wrote: host, pid, a counter and random bits. */
function createToken(host: string): string {
  probeCounter += 1;
  return `ha-mount ${host} ${process.pid} ${probeCounter} ${randomBytes(8).toString('hex')}\n`;
}

/**
 * Creates the real probe runner: every access to the mount happens in a coreutils child
 * (stat, mkdir, dd conv=fsync, cat), one at a time, never in this process. Sequence: one stat
 * (lookup of a random name + device check of the probe folders), mkdir only when the folders
 * are missing and the mountpoint is on the mount's device (then stat again), dd, cat.
 */
export function createProbeRunner(spawnChild: StepSpawner = spawnStep, now: () => number = () => performance.now()): ProbeRunner {
  return (target: ProbeTarget): RunningProbe => {
    let current: RunningStep | undefined;
    let killed = false;
    const started = now();

    const runStep = async (command: Command, input?: string): Promise<StepOutput | undefined> => {
      if (killed) return undefined;
      current = spawnChild(command, input);
      const output = await current.done;
      current = undefined;
      return killed ? undefined : output;
    };
    const finish = (partial: Omit<ProbeResult, 'latencyMs'>): ProbeResult => ({ ...partial, latencyMs: now() - started });
    const killedResult = (): ProbeResult => finish({ verdict: 'bad', step: 'none', detail: 'probe killed' });
    const spawnFailed = (output: StepOutput, step: ProbeResult['step']): ProbeResult =>
      finish({ verdict: 'bad', step, detail: `cannot run the probe: ${output.spawnError ?? 'unknown'}` });

    type StatStep = { killed: true } | { failed: ProbeResult } | { decision: StatDecision };
    const statAndDecide = async (paths: ProbePaths, afterMkdir: boolean): Promise<StatStep> => {
      const output = await runStep(buildStatCommand(paths, target.write));
      if (output === undefined) return { killed: true as const };
      if (output.spawnError !== undefined) return { failed: spawnFailed(output, 'lookup') };
      return { decision: decideAfterStat(parseStatOutput(output.stdout, output.stderr), paths, target, afterMkdir) };
    };

    const sequence = async (): Promise<ProbeResult> => {
      const paths = buildProbePaths(target, randomBytes(6).toString('hex'));
      let step = await statAndDecide(paths, false);
      if ('killed' in step) return killedResult();
      if ('failed' in step) return step.failed;
      if (step.decision.next === 'done') return finish(step.decision.result);
      if (step.decision.next === 'mkdir') {
        const made = await runStep(buildMkdirCommand(paths));
        if (made === undefined) return killedResult();
        if (made.spawnError !== undefined) return spawnFailed(made, 'mkdir');
        if (made.exitCode !== 0) return finish(resultFromToolFailure('mkdir', made.stderr, paths.hostFolder));
        step = await statAndDecide(paths, true); // the folder must be on the mount's device before dd writes into it
        if ('killed' in step) return killedResult();
        if ('failed' in step) return step.failed;
        if (step.decision.next === 'done') return finish(step.decision.result);
        if (step.decision.next === 'mkdir') return finish({ verdict: 'bad', step: 'mkdir', detail: `mkdir ${paths.hostFolder}: folder still missing` });
      }
      const token = createToken(target.host);
      const written = await runStep(buildWriteCommand(paths), token);
      if (written === undefined) return killedResult();
      if (written.spawnError !== undefined) return spawnFailed(written, 'write');
      if (written.exitCode !== 0) return finish(resultFromToolFailure('write', written.stderr, paths.file));
      const read = await runStep(buildReadCommand(paths));
      if (read === undefined) return killedResult();
      if (read.spawnError !== undefined) return spawnFailed(read, 'read');
      if (read.exitCode !== 0) return finish(resultFromToolFailure('read', read.stderr, paths.file));
      if (read.stdout !== token.replace(/\n$/, '') && read.stdout !== token) {
        return finish({ verdict: 'bad', step: 'read', detail: `read ${paths.file}: read back something else than was written` });
      }
      return finish({ verdict: 'ok', step: 'read', detail: 'write, fsync and read back answered' });
    };

    const result = sequence();
    return {
      result,
      exited: result.then(() => undefined),
      kill: () => {
        killed = true;
        current?.kill();
      },
    };
  };
}
