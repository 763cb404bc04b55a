import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { freezeProcesses } from '../../../src/lab/faults.js';

const stateOf = (pid: number): string => readFileSync(`/proc/${pid}/stat`, 'utf8').slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2)[0] ?? '?';

describe('freezeProcesses', () => {
  it('when processes are frozen then each gets SIGSTOP, and thaw sends SIGCONT to exactly those pids', async () => {
    const sent: [number, string][] = [];
    const frozen = freezeProcesses([11, 12], (pid, signal) => sent.push([pid, signal]));
    await frozen.thaw();
    expect(sent).toEqual([[11, 'SIGSTOP'], [12, 'SIGSTOP'], [11, 'SIGCONT'], [12, 'SIGCONT']]);
  });
  it('when a real process is frozen then it is stopped until thawed', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const pid = child.pid ?? -1;
    try {
      const frozen = freezeProcesses([pid]);
      await new Promise((done) => setTimeout(done, 50));
      expect(stateOf(pid)).toBe('T');
      await frozen.thaw();
      await new Promise((done) => setTimeout(done, 50));
      expect(stateOf(pid)).toBe('S');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
