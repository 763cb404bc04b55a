import { DEFAULTS } from '../defaults.js';

/** Quotes one word for /bin/sh with single quotes, so nothing in it is expanded. Pure. */
export function quoteForSh(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * A launcher script that runs a script of the package with the node that installed it. An
 * absolute node path, because mount(8) and systemd run helpers with a minimal PATH in which an
 * nvm or /opt node is not found by `#!/usr/bin/env node`. Pure.
 */
export function renderLauncher(name: string, nodePath: string, scriptPath: string): string {
  return [
    '#!/bin/sh',
    `# ${name}: installed by \`ha-mount install\`, removed by \`ha-mount uninstall\`.`,
    `# Runs ${scriptPath} with the node that installed it; arguments pass through untouched.`,
    ...agentFlags(name).setup,
    `exec ${quoteForSh(nodePath)}${agentFlags(name).word} ${quoteForSh(scriptPath)} "$@"`,
    '',
  ].join('\n');
}

/**
 * For the ha-mount launcher: `setup` sets `$flags` to the agent's V8 flags when the command is
 * `agent` (the unit's ExecStart=), else to nothing, and `word` puts it on node's command line. The
 * flags are this constant, so the unquoted `$flags` splits into exactly them. Other launchers get
 * neither. Pure.
 */
export function agentFlags(name: string): { setup: string[]; word: string } {
  if (name !== 'ha-mount') return { setup: [], word: '' };
  const flags = DEFAULTS.agent.nodeFlags.join(' ');
  if (!/^[A-Za-z0-9 =_-]+$/.test(flags)) throw new Error(`DEFAULTS.agent.nodeFlags must be plain words: ${flags}`);
  return { setup: ['# the agent runs for good: V8 flags that keep it small (DEFAULTS.agent.nodeFlags, docs/agent-cost.md)', `flags=; if [ "$1" = agent ]; then flags='${flags}'; fi`], word: ' $flags' };
}

/** The service unit with ExecStart= pointing at the installed launcher. Pure. */
export function renderServiceUnit(template: string, execStart: string): string {
  const lines = template.split('\n');
  const index = lines.findIndex((line) => line.startsWith('ExecStart='));
  if (index < 0) throw new Error('the ha-mount.service template has no ExecStart= line');
  lines[index] = `ExecStart=${execStart}`;
  return lines.join('\n');
}
