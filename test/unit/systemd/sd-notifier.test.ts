import { afterEach, describe, expect, it } from 'vitest';
import type { Command } from '../../../src/types.js';
import type { RunOptions, RunResult } from '../../../src/exec/run.js';
import { createSdNotifier, formatNotifyMessage } from '../../../src/systemd/sd-notifier.js';
import { createCapturingLogger } from './log-capture.js';
import { createNotifyReceiver, type NotifyReceiver } from './notify-receiver.js';

let receiver: NotifyReceiver | undefined;
afterEach(() => {
  receiver?.close();
  receiver = undefined;
});

describe('SdNotifier', () => {
  it('when NOTIFY_SOCKET is unset then it is disabled and every call is a no-op', async () => {
    const notifier = createSdNotifier({ env: {} });
    expect(notifier.enabled).toBe(false);
    await expect(notifier.ready('1 mount: 1 healthy')).resolves.toBeUndefined();
    notifier.close();
  });

  it('when NOTIFY_SOCKET is a path then READY, STATUS, WATCHDOG and STOPPING arrive as datagrams on a real socket', async () => {
    receiver = createNotifyReceiver();
    const notifier = createSdNotifier({ env: { NOTIFY_SOCKET: receiver.path } });
    expect(notifier.enabled).toBe(true);
    await notifier.ready('3 mounts: 2 healthy, 1 hung');
    await notifier.status('3 mounts: 3 healthy');
    await notifier.watchdog();
    await notifier.stopping();
    await receiver.waitFor((m) => m.startsWith('STOPPING=1'));
    notifier.close();
    expect(receiver.messages).toEqual([
      'READY=1\nSTATUS=3 mounts: 2 healthy, 1 hung',
      'STATUS=3 mounts: 3 healthy',
      'WATCHDOG=1',
      'STOPPING=1',
    ]);
  });

  it('when nothing listens at NOTIFY_SOCKET then the failure is logged once and nothing throws', async () => {
    const { logger, lines } = createCapturingLogger();
    const notifier = createSdNotifier({ env: { NOTIFY_SOCKET: '/nonexistent/ha-mount/notify.sock' }, logger });
    await notifier.watchdog();
    await notifier.watchdog();
    notifier.close();
    const warnings = lines.filter((line) => line.msg.startsWith('sd_notify failed'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(/ENOENT/);
  });

  it('when NOTIFY_SOCKET is abstract then systemd-notify sends it with our pid as an argument array', async () => {
    const calls: Array<{ command: Command; options: RunOptions }> = [];
    const runner = async (command: Command, options: RunOptions): Promise<RunResult> => {
      calls.push({ command, options });
      return { exitCode: 0, signal: undefined, stdout: '', stderr: '', timedOut: false, durationMs: 1 };
    };
    const notifier = createSdNotifier({ env: { NOTIFY_SOCKET: '@/org/freedesktop/systemd1/notify' }, pid: 4242, runner });
    await notifier.ready('no mounts');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.command).toEqual({ file: 'systemd-notify', args: ['--pid=4242', '--no-block', 'READY=1', 'STATUS=no mounts'] });
    expect(calls[0]?.options.env).toEqual({ NOTIFY_SOCKET: '@/org/freedesktop/systemd1/notify' });
  });

  it('when a value holds a newline then the message stays one field per line', () => {
    expect(formatNotifyMessage({ STATUS: 'a\nb', READY: '1' })).toBe('STATUS=a b\nREADY=1');
  });
});
