// Waits until the GlusterFS volume has nothing left to heal, so that a partition trial starts on a
// clean volume: a self-heal still running when the link is cut holds locks on the surviving brick
// that the writers then wait on for the server's own timeout (issue 17, docs/partitions.md).
import { runCommand } from '../src/exec/run.js';
import { glusterOf, glusterServer } from '../src/lab/lab-access.js';
import type { Lab } from '../src/lab/lab-types.js';
import { sleep } from './processes.js';

/** How long a trial waits for an empty `heal info` before it goes on (and says so). */
export const HEAL_WAIT_CAP_MS = 120_000;
const HEAL_INFO_TIMEOUT_MS = 30_000; // `heal info` starts a gfapi client (glfsheal): 1-3 s on the lab
const HEAL_POLL_MS = 1_000;

/** One wait for an empty `heal info`. */
export interface HealWait {
  waitedMs: number;
  /** every brick listed 0 entries in one reading before the cap */
  clean: boolean;
  /** the entries per brick of the last reading (null: the brick's count was unreadable, "-") */
  lastEntries: Array<number | null>;
}

/**
 * The entries per brick of `gluster volume heal VOL info`, in brick order; null for a brick whose
 * count is "-" (not connected). Empty when the text lists no brick. Pure.
 */
export function parseHealInfo(text: string): Array<number | null> {
  const counts: Array<number | null> = [];
  for (const match of text.matchAll(/^Number of entries:\s*(\S+)\s*$/gm)) {
    const value = Number(match[1]);
    counts.push(Number.isInteger(value) && value >= 0 ? value : null);
  }
  return counts;
}

/** Clean: at least one brick listed, and every brick listed 0 entries. Pure. */
export function isHealClean(entries: ReadonlyArray<number | null>): boolean {
  return entries.length > 0 && entries.every((count) => count === 0);
}

async function readHealEntries(lab: Lab): Promise<Array<number | null>> {
  const command = { file: 'gluster', args: ['--mode=script', 'volume', 'heal', glusterOf(lab).volume, 'info'] };
  const result = await runCommand(lab.serverCommand(glusterServer(lab, 0), command), { timeoutMs: HEAL_INFO_TIMEOUT_MS });
  return result.exitCode === 0 ? parseHealInfo(result.stdout) : [];
}

/** Reads `heal info` every second until every brick lists 0 entries, or `capMs` passed. */
export async function waitForCleanHeal(lab: Lab, capMs = HEAL_WAIT_CAP_MS): Promise<HealWait> {
  const start = Date.now();
  let lastEntries: Array<number | null> = [];
  for (;;) {
    lastEntries = await readHealEntries(lab).catch(() => []);
    if (isHealClean(lastEntries)) return { waitedMs: Date.now() - start, clean: true, lastEntries };
    if (Date.now() - start >= capMs) return { waitedMs: Date.now() - start, clean: false, lastEntries };
    await sleep(HEAL_POLL_MS);
  }
}
