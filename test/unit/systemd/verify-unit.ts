import { runCommand } from '../../../src/exec/run.js';

/**
 * Runs `systemd-analyze verify` on unit files. It exits 0 even when it ignores a line it cannot
 * parse (it only warns), so "passes" here means exit 0 and nothing printed.
 */
export async function verifyUnits(paths: string[]): Promise<{ ok: boolean; output: string }> {
  const result = await runCommand({ file: 'systemd-analyze', args: ['verify', ...paths] }, { timeoutMs: 15_000 });
  const output = [result.spawnError ?? '', result.stdout, result.stderr].filter((text) => text !== '').join('\n');
  return { ok: result.exitCode === 0 && output === '', output };
}
