import { describe, expect, it } from 'vitest';
import { parseNotifySocket } from '../../../src/systemd/notify-socket.js';

describe('parseNotifySocket', () => {
  it.each([undefined, ''])('when NOTIFY_SOCKET is %j then there is no manager to notify', (value) => {
    expect(parseNotifySocket(value)).toBeUndefined();
  });
  it('when it is an absolute path then it is a socket file', () => {
    expect(parseNotifySocket('/run/systemd/notify')).toEqual({ kind: 'path', path: '/run/systemd/notify' });
  });
  it('when it starts with @ then it is an abstract name with a leading NUL', () => {
    expect(parseNotifySocket('@/org/freedesktop/systemd1/notify/42')).toEqual({
      kind: 'abstract',
      name: '/org/freedesktop/systemd1/notify/42',
      socketName: '\0/org/freedesktop/systemd1/notify/42',
    });
  });
  it.each(['run/notify', 'vsock:2:1234', '@'])('when it is %j then the error says what to do', (value) => {
    expect(() => parseNotifySocket(value)).toThrow(/cannot notify the service manager: NOTIFY_SOCKET=.*run it as a Type=notify systemd service or unset NOTIFY_SOCKET/);
  });
  it('when the path does not fit in sun_path then it is refused', () => {
    expect(() => parseNotifySocket(`/${'x'.repeat(107)}`)).toThrow(/longer than 107 bytes/);
  });
});
