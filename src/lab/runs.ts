import { teardownRun } from './cleanup.js';
import { LAB_DEFAULTS } from './lab-defaults.js';
import { labError } from './lab-error.js';
import type { Lab } from './lab-types.js';
import { isProcessAlive, readBootId } from './procs.js';
import { type StateStore, readStateFiles, writeStateFile } from './state.js';

/** The state stores of the labs this process runs: keepLab must change the copy later writes go through. */
export const liveStores = new Map<string, StateStore>();

/**
 * Leaves a running lab up after this process exits (demo --keep): later sweeps skip it until
 * `sweepStaleLabs({ includeKept: true })` or `stopLabRun(prefix)` removes it.
 */
export function keepLab(lab: Lab): void {
  const store = liveStores.get(lab.prefix);
  if (store) {
    store.update((state) => {
      state.kept = true;
    });
    return;
  }
  const run = readStateFiles(LAB_DEFAULTS.stateDir).find((candidate) => candidate.state.prefix === lab.prefix);
  if (!run) throw labError('ha-mount.lab.command', `lab ${lab.prefix} has no state file in ${LAB_DEFAULTS.stateDir}: it was stopped or never started`);
  writeStateFile(run.file, { ...run.state, kept: true });
}

/** One run as the state folder lists it, for `ha-mount demo --clean` style listings. */
export interface LabRunInfo {
  prefix: string;
  ownerPid: number;
  ownerAlive: boolean;
  kept: boolean;
  createdAt: string;
  dir: string;
}

export function listLabRuns(): LabRunInfo[] {
  return readStateFiles(LAB_DEFAULTS.stateDir).map(({ state }) => ({
    prefix: state.prefix,
    ownerPid: state.owner.pid,
    ownerAlive: state.bootId === readBootId() && isProcessAlive(state.owner.pid, state.owner.startTime),
    kept: state.kept === true,
    createdAt: state.createdAt,
    dir: state.dir,
  }));
}

/** Removes one run by prefix (any owner): what `lab.stop()` does, from another process. */
export async function stopLabRun(prefix: string): Promise<void> {
  const run = readStateFiles(LAB_DEFAULTS.stateDir).find((candidate) => candidate.state.prefix === prefix);
  if (!run) throw labError('ha-mount.lab.command', `no lab run "${prefix}" in ${LAB_DEFAULTS.stateDir}: see listLabRuns()`);
  const report = await teardownRun(run.state, run.file);
  if (report.problems.length > 0) throw labError('ha-mount.lab.command', `lab ${prefix} teardown left things behind: ${report.problems.join('; ')}`);
}

