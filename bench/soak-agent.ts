// `ha-mount agent` with e-mail notifications wired, for the soak: the same runAgentCommand the
// CLI runs, with a hook factory that builds the notifier from the config's `notify:` section
// (used while the CLI's own `agent` does not wire notifications yet).
//   node dist/bench/soak-agent.js -c CONFIG [--state-dir DIR] [--no-fstab]
import { runAgentCommand, type AgentHookFactory } from '../src/cli/agent-command.js';
import { createCliContext } from '../src/cli/program.js';
import { createNotifier, parseNotifyConfig } from '../src/notify/index.js';

const args = process.argv.slice(2);
const valueOf = (flag: string): string | undefined => {
  const index = args.indexOf(flag);
  return index >= 0 ? args[index + 1] : undefined;
};

const withNotifier: AgentHookFactory = ({ config, logger }) => {
  if (config === undefined || !config.sections.notify.exists) return {};
  const notifier = createNotifier(parseNotifyConfig(config.sections.notify), { logger });
  return {
    onTransition: (event) => notifier.notify(event),
    onStopping: async () => {
      await notifier.close();
    },
  };
};

const stateDir = valueOf('--state-dir');
await runAgentCommand(createCliContext(), { ...(stateDir === undefined ? {} : { stateDir }), ...(args.includes('--no-fstab') ? { fstab: false } : {}) }, valueOf('-c'), withNotifier);
