import { describe, expect, it } from 'vitest';
import { glusterfsBackend } from '../../../src/backends/glusterfs.js';
import type { Command } from '../../../src/types.js';
import { describeDetach, unmountForUser, type DetachDeps } from '../../../src/mount/unmount.js';
import { fakeNetwork } from '../resolve/fake-network.js';
import { FakeProc } from '../supervisor/fakes.js';
import { fakeMachine, type Script } from './fake-machine.js';

const MOUNT = { mountpoint: '/data', fstype: 'fuse.glusterfs', source: 'vip:/rep_vol1' };

/** umount as the kernel answers it: -l always detaches; a plain one on a hung mount gets no answer (killed at the deadline). */
const umountScript = (plain: 'ok' | 'hangs' | 'busy'): Script => (command: Command) => {
  if (command.file !== 'umount') return {};
  if (command.args[0] === '-l' || plain === 'ok') return { unmounts: command.args.at(-1) ?? '' };
  if (plain === 'busy') return { result: { exitCode: 32, stderr: 'umount: /data: target is busy.' } };
  return { result: { exitCode: undefined, signal: 'SIGKILL', timedOut: true } };
};

function machineWith(options: { plain: 'ok' | 'hangs' | 'busy'; hung?: boolean; daemon?: boolean }) {
  const machine = fakeMachine({ network: fakeNetwork({}, {}), mounts: [{ ...MOUNT }], script: umountScript(options.plain) });
  const proc = new FakeProc();
  const pid = options.daemon === false ? undefined : proc.spawnDaemon('/data');
  const killed: number[] = [];
  const deps: DetachDeps = {
    ...machine.deps,
    checkDirectory: options.hung ? async () => ({ ok: false, code: 'ETIMEDOUT', detail: 'no answer within 5 s (the check was killed)' }) : async (path) => ({ ok: true, real: path }),
    proc,
    killDaemon: async (daemon) => {
      killed.push(daemon.pid);
      proc.kill(daemon.pid);
      return 'terminated';
    },
  };
  return { machine, deps, proc, pid, killed };
}

describe('unmountForUser (ha-mount umount)', () => {
  it('when the mount is hung then it is detached lazily, its client ended, and the line says both', async () => {
    const { machine, deps, pid, killed } = machineWith({ plain: 'hangs', hung: true });
    const outcome = await unmountForUser('/data', glusterfsBackend, { lazy: false }, deps);
    expect(machine.commands).toEqual([{ file: 'umount', args: ['-l', '/data'] }]);
    expect(machine.mounts).toEqual([]);
    expect(killed).toEqual([pid]);
    expect(describeDetach(outcome)).toBe(`/data is hung (no answer within 5 s (the check was killed)): detached it lazily (umount -l) and ended its client process pid ${pid} (terminated)`);
  });
  it('when no client process serves the mount (dead) then it is detached lazily without a check', async () => {
    const { machine, deps } = machineWith({ plain: 'hangs', daemon: false });
    const outcome = await unmountForUser('/data', glusterfsBackend, { lazy: false }, deps);
    expect(machine.commands).toEqual([{ file: 'umount', args: ['-l', '/data'] }]);
    expect(outcome.lazyBecause).toEqual({ state: 'dead', detail: 'no client process serves it' });
  });
  it('when the mount answers then a plain umount runs and no process is signalled', async () => {
    const { machine, deps, killed } = machineWith({ plain: 'ok' });
    const outcome = await unmountForUser('/data', glusterfsBackend, { lazy: false }, deps);
    expect(machine.commands).toEqual([{ file: 'umount', args: ['/data'] }]);
    expect(killed).toEqual([]);
    expect(describeDetach(outcome)).toBe('unmounted /data');
  });
  it('when the check passed but the plain umount gets no answer then it falls back to a lazy detach', async () => {
    const { machine, deps, killed, pid } = machineWith({ plain: 'hangs' });
    const outcome = await unmountForUser('/data', glusterfsBackend, { lazy: false }, deps);
    expect(machine.commands).toEqual([{ file: 'umount', args: ['/data'] }, { file: 'umount', args: ['-l', '/data'] }]);
    expect(outcome.lazyBecause?.state).toBe('hung');
    expect(killed).toEqual([pid]);
  });
  it('when a live mount is busy then it fails with exit 32 and the hint names --lazy', async () => {
    const { deps, killed } = machineWith({ plain: 'busy' });
    await expect(unmountForUser('/data', glusterfsBackend, { lazy: false }, deps)).rejects.toMatchObject({ exitCode: 32, message: expect.stringContaining('close them, or detach it now with --lazy') });
    expect(killed).toEqual([]);
  });
});
