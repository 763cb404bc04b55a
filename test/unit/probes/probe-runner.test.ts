import { describe, expect, it } from 'vitest';
import { createProbeRunner, type StepSpawner } from '../../../src/probes/probe-runner.js';
import type { StepOutput } from '../../../src/probes/spawn-step.js';
import type { Command } from '../../../src/types.js';

interface Call {
  command: Command;
  input?: string;
}

/** A spawner that answers each tool from a function of the call; records every call. */
function fakeSpawner(answer: (call: Call, calls: Call[]) => Partial<StepOutput> | 'hang'): { spawn: StepSpawner; calls: Call[]; kills: number } {
  const state = { calls: [] as Call[], kills: 0 };
  const spawn: StepSpawner = (command, input) => {
    const call: Call = input === undefined ? { command } : { command, input };
    state.calls.push(call);
    const reply = answer(call, state.calls);
    let finish!: (output: StepOutput) => void;
    const done = new Promise<StepOutput>((resolve) => (finish = resolve));
    if (reply !== 'hang') queueMicrotask(() => finish({ exitCode: 0, signal: null, stdout: '', stderr: '', ...reply }));
    return {
      done,
      kill: () => {
        state.kills += 1;
        finish({ exitCode: null, signal: 'SIGKILL', stdout: '', stderr: '' });
      },
    };
  };
  return { spawn, calls: state.calls, get kills() { return state.kills; } };
}

const target = { mountpoint: '/mnt/data', device: '0:40', write: true, host: 'client1' };

/** A healthy mount: folders exist on 0:40, the random name does not, cat returns what dd got. */
function healthyMount(folderExists = true) {
  let written = '';
  let folders = folderExists;
  return (call: Call): Partial<StepOutput> => {
    const args = call.command.args;
    if (call.command.file === 'stat') {
      const files = args.slice(args.indexOf('--') + 1);
      let stdout = '';
      let stderr = '';
      for (const file of files) {
        const exists = file === '/mnt/data' || (folders && file.includes('.ha-mount/') ) || (folders && file.endsWith('.ha-mount'));
        if (exists && !file.includes('lookup')) stdout += `0:40\t${file}\n`;
        else stderr += `stat: cannot statx '${file}': No such file or directory\n`;
      }
      return { exitCode: stderr ? 1 : 0, stdout, stderr };
    }
    if (call.command.file === 'mkdir') {
      folders = true;
      return {};
    }
    if (call.command.file === 'dd') {
      written = call.input ?? '';
      return {};
    }
    return { stdout: written };
  };
}

describe('createProbeRunner', () => {
  it('when the mount is healthy then the probe runs stat, dd, cat and is ok', async () => {
    const fake = fakeSpawner(healthyMount());
    const result = await createProbeRunner(fake.spawn)(target).result;
    expect(result.verdict).toBe('ok');
    expect(fake.calls.map((call) => call.command.file)).toEqual(['stat', 'dd', 'cat']);
    expect(fake.calls[1]?.command.args).toEqual(['of=/mnt/data/.ha-mount/client1/probe-6faba07f33e6', 'conv=fsync', 'status=none']);
  });

  it('when the probe folder is missing then it is created and checked again before dd writes', async () => {
    const fake = fakeSpawner(healthyMount(false));
    const result = await createProbeRunner(fake.spawn)(target).result;
    expect(result.verdict).toBe('ok');
    expect(fake.calls.map((call) => call.command.file)).toEqual(['stat', 'mkdir', 'stat', 'dd', 'cat']);
  });

  it('when cat reads back something else than the token then the probe is bad', async () => {
    const fake = fakeSpawner((call, calls) => (call.command.file === 'cat' ? { stdout: 'stale' } : healthyMount()(call)));
    const result = await createProbeRunner(fake.spawn)(target).result;
    expect(result).toMatchObject({ verdict: 'bad', step: 'read' });
  });

  it('when the volume is full then dd fails with ENOSPC and the probe is soft', async () => {
    const healthy = healthyMount();
    const fake = fakeSpawner((call) => (call.command.file === 'dd' ? { exitCode: 1, stderr: "dd: error writing '/mnt/data/.ha-mount/client1/probe': No space left on device\n" } : healthy(call)));
    expect(await createProbeRunner(fake.spawn)(target).result).toMatchObject({ verdict: 'soft', errno: 'ENOSPC' });
  });

  it('when a step hangs and the probe is killed then no further step starts and the probe exits', async () => {
    const fake = fakeSpawner((call) => (call.command.file === 'stat' ? 'hang' : {}));
    const probe = createProbeRunner(fake.spawn)(target);
    await Promise.resolve();
    probe.kill();
    await probe.exited;
    expect(fake.kills).toBe(1);
    expect(fake.calls).toHaveLength(1);
  });

  it('when the probe tool cannot be started then the probe is bad and says so', async () => {
    const fake = fakeSpawner(() => ({ exitCode: null, spawnError: 'stat: spawn stat ENOENT' }));
    expect(await createProbeRunner(fake.spawn)(target).result).toMatchObject({ verdict: 'bad', detail: expect.stringMatching(/cannot run the probe/) });
  });
});
