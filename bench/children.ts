// Everything the bench started, so that Ctrl-C, SIGTERM or a crash leave nothing behind: child
// processes (writers, agents, baselines) and labs. One handler stops them all, then exits.
import type { Lab } from '../src/lab/lab-types.js';
import type { Spawned } from './processes.js';

const children = new Set<Spawned>();
const labs = new Set<Lab>();
let installed = false;

/** Tracks a child until it exits. */
export function trackChild(spawned: Spawned): Spawned {
  children.add(spawned);
  void spawned.exited.then(() => children.delete(spawned));
  return spawned;
}

/** Tracks a lab until `untrackLab`. */
export function trackLab(lab: Lab): void {
  labs.add(lab);
}

export function untrackLab(lab: Lab): void {
  labs.delete(lab);
}

/** SIGKILLs every tracked child at once (synchronous: also safe in an 'exit' handler). */
export function killAllChildren(): void {
  for (const spawned of children) {
    try {
      spawned.child.kill('SIGKILL');
    } catch {
      // gone
    }
  }
}

/** Stops every tracked child and lab (labs remove their mounts, namespaces and routes). */
export async function stopEverything(): Promise<void> {
  killAllChildren();
  await Promise.all([...children].map((spawned) => spawned.exited));
  for (const lab of [...labs]) {
    await lab.stop().catch((error: unknown) => process.stderr.write(`[bench] lab ${lab.prefix} stop: ${String(error)}\n`));
    labs.delete(lab);
  }
}

/** On SIGINT/SIGTERM: stop everything, then exit 130/143. A second signal exits at once. */
export function installBenchCleanup(): void {
  if (installed) return;
  installed = true;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (stopping) process.exit(code);
    stopping = true;
    process.stderr.write(`[bench] ${signal}: stopping children and labs\n`);
    void stopEverything().finally(() => process.exit(code));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', killAllChildren);
}
