import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../src/cli/program.js';
import { runUmount } from '../../../src/cli/umount-command.js';
import { fakeNetwork } from '../resolve/fake-network.js';
import { FakeProc } from '../supervisor/fakes.js';
import { fakeMachine } from '../mount/fake-machine.js';
import type { Command } from '../../../src/types.js';

describe('ha-mount umount', () => {
  it('when the mount is hung and its plain umount would get no answer then the command detaches it lazily and exits 0 (the README promise)', async () => {
    const machine = fakeMachine({
      network: fakeNetwork({}, {}),
      mounts: [{ mountpoint: '/data', fstype: 'fuse.glusterfs', source: 'vip:/rep_vol1' }],
      // umount -l detaches; a plain umount of the hung mount gets no answer and is killed at its deadline
      script: (command: Command) => (command.file !== 'umount' ? {} : command.args[0] === '-l' ? { unmounts: '/data' } : { result: { exitCode: undefined, signal: 'SIGKILL', timedOut: true } }),
    });
    const proc = new FakeProc();
    const pid = proc.spawnDaemon('/data');
    const killed: number[] = [];
    const killDaemon = async (daemon: { pid: number }): Promise<string> => {
      killed.push(daemon.pid);
      proc.kill(daemon.pid);
      return 'terminated';
    };
    const deps = { ...machine.deps, checkDirectory: async () => ({ ok: false as const, code: 'ETIMEDOUT', detail: 'no answer within 5 s (the check was killed)' }) };
    const out: string[] = [];
    const context: CliContext = { print: (line) => out.push(line), printError: () => undefined, mounterDeps: () => deps, readText: async () => '' };
    await runUmount(context, '/data', {}, { proc, killDaemon });
    expect(killed).toEqual([pid]);
    expect(machine.commands.at(-1)).toEqual({ file: 'umount', args: ['-l', '/data'] });
    expect(machine.mounts).toEqual([]);
    expect(out.join('\n')).toMatch(/^\/data is hung .*detached it lazily/);
  });
});
