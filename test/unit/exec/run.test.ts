import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatCommand, runCommand, startCommand } from '../../../src/exec/run.js';

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
  it('when a command writes more than the cap then only outputMax characters are kept', async () => {
    const result = await runCommand({ file: 'head', args: ['-c', '100000', '/dev/zero'] }, { timeoutMs: 5_000, outputMax: 1_000 });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.length).toBe(1_000);
  });
  it('when a command leaves a background child holding its stdout then the result comes shortly after the command exits', async () => {
    const started = performance.now();
    const running = startCommand({ file: 'sh', args: ['-c', 'sleep 5 & echo started'] }, { timeoutMs: 10_000, drainMs: 50, processGroup: true });
    const result = await running.result;
    running.kill(); // the group: the sleep left behind
    expect(result.stdout).toBe('started');
    expect(result.exitCode).toBe(0);
    expect(performance.now() - started).toBeLessThan(3_000);
  });
  it('when a command in its own process group outlives its deadline then the children it started die with it', async () => {
    const result = await runCommand({ file: 'sh', args: ['-c', 'sleep 30 & echo $!; wait'] }, { timeoutMs: 300, processGroup: true, drainMs: 50 });
    expect(result.timedOut).toBe(true);
    const child = Number(result.stdout);
    expect(child).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // gone, or a zombie waiting for init to reap it
    const state = existsSync(`/proc/${child}/stat`) ? readFileSync(`/proc/${child}/stat`, 'utf8').split(') ')[1]?.[0] : 'gone';
    expect(['gone', 'Z']).toContain(state);
  });
  it('when kill() is called then the command ends by SIGKILL', async () => {
    const running = startCommand({ file: 'sleep', args: ['5'] }, { timeoutMs: 10_000 });
    running.kill();
    const result = await running.result;
    expect(result.signal).toBe('SIGKILL');
    expect(result.timedOut).toBe(false);
  });
  it('when an environment and onOutput are given then the variables are added to this process\'s and the output streams as it comes', async () => {
    const chunks: string[] = [];
    const result = await runCommand({ file: 'sh', args: ['-c', 'echo "$HA_TEST_VALUE $PATH"'] }, { timeoutMs: 5_000, env: { HA_TEST_VALUE: 'x1' }, onOutput: (text) => chunks.push(text) });
    expect(result.stdout).toBe(`x1 ${process.env.PATH}`);
    expect(chunks.join('')).toBe(`x1 ${process.env.PATH}\n`);
  });
  it('when an argument needs quoting then formatCommand quotes it for display', () => {
    expect(formatCommand({ file: 'mount', args: ['-o', 'a b'] })).toBe("mount -o 'a b'");
  });
});
