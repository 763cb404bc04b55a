// issue 15 item 9: an argv over the kernel's limit is a usage error, not "spawn E2BIG" and exit 4
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../../src/cli/program.js';
import { runCommand, startCommand } from '../../../src/exec/run.js';

const huge = `log-level=${'a'.repeat(140 * 1024)}`;

describe('argv over the kernel limit', () => {
  it.each([
    ['runCommand', runCommand],
    ['startCommand', (command: Parameters<typeof startCommand>[0], options: Parameters<typeof startCommand>[1]) => startCommand(command, options).result],
  ])('when %s gets a 140 KiB argument then it fails with a usage error (exit 1) naming the program, without echoing the argument', async (_name, runner) => {
    let failure: ReturnType<typeof describeFailure> | undefined;
    try {
      await runner({ file: 'true', args: ['-o', huge] }, { timeoutMs: 2_000 });
    } catch (error) {
      failure = describeFailure(error);
    }
    expect(failure?.exitCode).toBe(1);
    expect(failure?.message).toMatch(/^cannot run true: its argument 2 is 143370 bytes, over the kernel's 131072-byte limit/);
    expect(failure?.message?.length).toBeLessThan(300);
  });

  it('when many arguments together pass 1 MiB then it fails the same way', async () => {
    const many = Array.from({ length: 20 }, () => 'b'.repeat(60 * 1024));
    await expect(runCommand({ file: 'true', args: many }, { timeoutMs: 2_000 })).rejects.toMatchObject({ code: 'ha-mount.exec.too-long', exitCode: 1 });
  });

  it('when the argv fits then the command runs', async () => {
    expect((await runCommand({ file: 'true', args: ['x'.repeat(100 * 1024)] }, { timeoutMs: 5_000 })).exitCode).toBe(0);
  });
});
