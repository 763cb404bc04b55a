import { describe, expect, it } from 'vitest';
import { createDesktopChannel, findMissingDesktop, type DesktopMessage } from '../../../src/notify/desktop.js';
import { captureLogger, makeEvent } from './helpers.js';

function setup(env: NodeJS.ProcessEnv, options: { hasNotifySend?: boolean; fail?: boolean; enabled?: boolean } = {}) {
  const { logger, lines } = captureLogger();
  const shown: DesktopMessage[] = [];
  const desktop = createDesktopChannel(options.enabled ?? true, {
    logger,
    env,
    hasCommand: () => options.hasNotifySend ?? true,
    show: async (message) => {
      if (options.fail) throw new Error('org.freedesktop.Notifications was not provided');
      shown.push(message);
    },
  });
  return { desktop, lines, shown };
}

describe('desktop notifications', () => {
  it('when off (the default) then nothing is shown and nothing is logged', () => {
    const { desktop, lines, shown } = setup({ DISPLAY: ':0' }, { enabled: false });
    desktop.add(makeEvent());
    expect([shown, lines, desktop.active]).toEqual([[], [], false]);
  });

  it('when on but there is no desktop session then it logs once and stays quiet', () => {
    const { desktop, lines, shown } = setup({});
    for (let index = 0; index < 5; index++) desktop.add(makeEvent());
    expect(shown).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.msg).toBe('desktop notifications are on (notify.desktop) but off on this machine: no desktop session (DISPLAY, WAYLAND_DISPLAY and DBUS_SESSION_BUS_ADDRESS are unset)');
  });

  it('when there is a session but notify-send is missing then it says what to install', () => {
    expect(findMissingDesktop({ WAYLAND_DISPLAY: 'wayland-0' }, () => false)).toBe('notify-send is not installed (apt-get install libnotify-bin)');
  });

  it('when a desktop is there then each transition pops up, critical for failed', () => {
    const { desktop, shown } = setup({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' });
    desktop.add(makeEvent({ to: 'failed', reason: 'ENOTCONN' }));
    expect(shown).toEqual([{ title: 'ha-mount: data is failed', message: '/mnt/data: healthy -> failed (ENOTCONN)', urgency: 'critical' }]);
  });

  it('when the desktop refuses a notification then it logs once and stops trying', async () => {
    const { desktop, lines } = setup({ DISPLAY: ':0' }, { fail: true });
    desktop.add(makeEvent());
    desktop.add(makeEvent());
    await new Promise((resolve) => setImmediate(resolve));
    desktop.add(makeEvent());
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((line) => line.msg)).toEqual(['desktop notification failed, desktop notifications are off until restart: Error: org.freedesktop.Notifications was not provided']);
    expect(desktop.active).toBe(false);
  });
});
