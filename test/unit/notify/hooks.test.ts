import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { buildHookJobs, createHookChannel, createHookRunner } from '../../../src/notify/hooks.js';
import type { HooksConfig } from '../../../src/notify/notify-config.js';
import { captureLogger, makeEvent } from './helpers.js';

let dir: string;
let log: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ha-mount-hooks-'));
  log = join(dir, 'calls.log');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes an executable sh script; `body` runs after a line that logs "<seq> <name> <args>". */
async function writeHook(name: string, body = ''): Promise<string> {
  const path = join(dir, `${name}.sh`);
  await writeFile(path, `#!/bin/sh\n${body}\necho "$HA_MOUNT_SEQ ${name} $*" >> ${log}\n`);
  await chmod(path, 0o755);
  return path;
}

function readLog(): string[] {
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
}

function channel(scripts: HooksConfig['scripts'], timeoutMs = 10_000) {
  const { logger, lines } = captureLogger();
  const hooks = createHookChannel({ scripts, timeoutMs, queueMax: 100 }, 'client-01', { logger, run: createHookRunner(4_096), clock: systemClock });
  return { hooks, lines };
}

describe('hooks', () => {
  it('when a transition happens then the state script and then the generic notify get keepalived-style arguments', () => {
    const event = makeEvent({ to: 'failed', reason: 'hung 5 s' });
    const jobs = buildHookJobs({ notify: '/n', notify_failed: '/f', notify_healthy: '/h' }, event, 'client-01');
    expect(jobs.map((job) => [job.hook, job.command.file, ...job.command.args])).toEqual([
      ['notify_failed', '/f', 'MOUNT', 'data', 'FAILED', 'hung 5 s'],
      ['notify', '/n', 'MOUNT', 'data', 'FAILED', 'hung 5 s'],
    ]);
  });

  it('when a real hook runs then it sees the arguments and every HA_MOUNT_ variable, with no stale value inherited', async () => {
    const out = join(dir, 'env.out');
    const script = join(dir, 'dump.sh');
    await writeFile(script, `#!/bin/sh\nprintf '%s|' "$@" > ${out}\nenv | grep ^HA_MOUNT_ | sort >> ${out}\n`);
    await chmod(script, 0o755);
    const { hooks } = channel({ notify: script });
    const event = makeEvent({ from: 'recovering', to: 'healthy', reason: 'probe ok', action: 'remounted via data-node-02', outageMs: 4_321 });
    const eventWithoutServer = { ...event, server: undefined };
    process.env.HA_MOUNT_SERVER = 'stale-from-parent';
    try {
      hooks.add(eventWithoutServer);
      await vi.waitFor(() => expect(existsSync(out) && readFileSync(out, 'utf8').includes('HA_MOUNT_TO')).toBe(true), { timeout: 10_000 });
    } finally {
      delete process.env.HA_MOUNT_SERVER;
    }
    await hooks.close(5_000);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toBe('MOUNT|data|HEALTHY|probe ok|HA_MOUNT_ACTION=remounted via data-node-02');
    expect(text).toContain(`HA_MOUNT_SEQ=${event.seq}`);
    expect(text).toContain('HA_MOUNT_FROM=recovering');
    expect(text).toContain('HA_MOUNT_TO=healthy');
    expect(text).toContain('HA_MOUNT_OUTAGE_MS=4321');
    expect(text).toContain('HA_MOUNT_HOST=client-01');
    expect(text).toContain('HA_MOUNT_SERVER=\n');
  });

  it('when an early hook is slow then later hooks wait for it and run in event order', async () => {
    const slow = await writeHook('failed', 'sleep 0.4');
    const generic = await writeHook('notify');
    const { hooks } = channel({ notify: generic, notify_failed: slow });
    const e1 = makeEvent({ from: 'healthy', to: 'failed' });
    const e2 = makeEvent({ from: 'failed', to: 'healthy' });
    const e3 = makeEvent({ from: 'healthy', to: 'failed' });
    hooks.add(e1);
    hooks.add(e2);
    hooks.add(e3);
    await vi.waitFor(() => expect(readLog()).toHaveLength(5), { timeout: 10_000 });
    expect(readLog()).toEqual([
      `${e1.seq} failed MOUNT data FAILED ENOTCONN`,
      `${e1.seq} notify MOUNT data FAILED ENOTCONN`,
      `${e2.seq} notify MOUNT data HEALTHY ENOTCONN`,
      `${e3.seq} failed MOUNT data FAILED ENOTCONN`,
      `${e3.seq} notify MOUNT data FAILED ENOTCONN`,
    ]);
  });

  it('when a hook outlives its timeout then it and its children are killed and the next hook runs', async () => {
    const childPid = join(dir, 'child.pid');
    const stuck = join(dir, 'stuck.sh');
    await writeFile(stuck, `#!/bin/sh\nsleep 30 &\necho $! > ${childPid}\nwait\n`);
    await chmod(stuck, 0o755);
    const generic = await writeHook('notify');
    const { hooks, lines } = channel({ notify_hung: stuck, notify: generic }, 300);
    const event = makeEvent({ from: 'healthy', to: 'hung', reason: 'hung 5 s' });
    hooks.add(event);
    await vi.waitFor(() => expect(readLog()).toEqual([`${event.seq} notify MOUNT data HUNG hung 5 s`]), { timeout: 10_000 });
    const killed = lines.find((line) => line.hook === 'notify_hung');
    expect(killed?.msg).toBe('notify hook notify_hung killed after 300ms (notify.hooks.timeout); the next hook runs now');
    const pid = Number(readFileSync(childPid, 'utf8'));
    // the sleep it started died with it (gone, or a zombie waiting for init to reap it)
    await vi.waitFor(() => {
      const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
      expect(stat === '' || / Z /.test(stat)).toBe(true);
    }, { timeout: 5_000 });
  });

  it('when a hook fails then the failure is logged with its stderr and the next hook still runs', async () => {
    const failing = join(dir, 'failing.sh');
    await writeFile(failing, '#!/bin/sh\necho "mail: cannot send" >&2\nexit 3\n');
    await chmod(failing, 0o755);
    const generic = await writeHook('notify');
    const { hooks, lines } = channel({ notify_failed: failing, notify: generic });
    hooks.add(makeEvent());
    await vi.waitFor(() => expect(readLog()).toHaveLength(1), { timeout: 10_000 });
    expect(lines.find((line) => line.hook === 'notify_failed')?.msg).toBe('notify hook notify_failed failed: exit 3: mail: cannot send');
    expect(hooks.status()).toMatchObject({ ran: 2, failed: 1 });
  });

  it('when closing with hooks still queued then close waits for them within the deadline', async () => {
    const slow = await writeHook('notify', 'sleep 0.2');
    const { hooks } = channel({ notify: slow });
    hooks.add(makeEvent());
    hooks.add(makeEvent());
    const skipped = await hooks.close(10_000);
    expect(skipped).toEqual([]);
    expect(readLog()).toHaveLength(2);
  });
});
