// Runs `ha-mount agent` without the CLI program (for the lab tests while bin/ is being wired):
// node dist/src/agent/agent-main.js -c CONFIG [--state-dir DIR] [--no-fstab]
import { runAgentCommand } from '../cli/agent-command.js';
import { createCliContext } from '../cli/program.js';

const args = process.argv.slice(2);
const valueOf = (flag: string): string | undefined => {
  const index = args.indexOf(flag);
  return index >= 0 ? args[index + 1] : undefined;
};
const stateDir = valueOf('--state-dir');
const fstab = args.includes('--no-fstab') ? false : valueOf('--fstab');
await runAgentCommand(createCliContext(), { ...(stateDir === undefined ? {} : { stateDir }), ...(fstab === undefined ? {} : { fstab }) }, valueOf('-c'));
