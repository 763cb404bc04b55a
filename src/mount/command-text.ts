import type { Command } from '../types.js';

/**
 * Renders a command for messages and `-f`/`--dry-run` output; quoting is for display only.
 * Same output as exec/run.ts formatCommand, which cannot be imported here: that module loads
 * execa (~110 ms), and mount.ha must start fast.
 */
export function formatCommand(command: Command): string {
  const quote = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);
  return [command.file, ...command.args].map(quote).join(' ');
}
