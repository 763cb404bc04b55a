import { describe, expect, it } from 'vitest';
import { formatCommand, runCommand } from '../../../src/exec/run.js';

describe('runCommand', () => {
  it('when an argument holds shell syntax then it reaches the program verbatim', async () => {
    const result = await runCommand({ file: 'printf', args: ['%s', '$(echo hi); rm -rf /'] }, { timeoutMs: 5_000 });
    expect(result.stdout).toBe('$(echo hi); rm -rf /');
    expect(result.exitCode).toBe(0);
  });
  it('when a command outlives its deadline then it is killed and marked timed out', async () => {
    const result = await runCommand({ file: 'sleep', args: ['5'] }, { timeoutMs: 100 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeUndefined();
  });
  it('when the program does not exist then spawnError says so', async () => {
    const result = await runCommand({ file: '/nonexistent/prog', args: [] }, { timeoutMs: 1_000 });
    expect(result.spawnError).toMatch(/ENOENT/);
  });
  it('when an argument needs quoting then formatCommand quotes it for display', () => {
    expect(formatCommand({ file: 'mount', args: ['-o', 'a b'] })).toBe("mount -o 'a b'");
  });
});
