import type { RunResult } from '../exec/run.js';
import { formatSeconds } from '../resolve/deadline.js';
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

function lastLine(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines[lines.length - 1] ?? '';
}

/** A failed command in one line: its own last words, else how it ended. */
export function describeFailure(result: RunResult, timeoutMs: number): string {
  if (result.timedOut) return `no result within ${formatSeconds(timeoutMs)} (killed)`;
  if (result.spawnError !== undefined) return result.spawnError;
  const said = lastLine(result.stderr) || lastLine(result.stdout);
  const ended = result.signal !== undefined ? `killed by ${result.signal}` : `exit ${result.exitCode}`;
  return said === '' ? ended : `${said} (${ended})`;
}
