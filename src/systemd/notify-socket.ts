import { ExitCode, HaMountError } from '../errors.js';

/** Where sd_notify messages go, read from $NOTIFY_SOCKET (see sd_notify(3)). */
export type NotifyAddress =
  | { kind: 'path'; path: string }
  /** Linux abstract namespace: `@name` in the variable, a leading NUL in sockaddr_un */
  | { kind: 'abstract'; name: string; socketName: string };

// sun_path is 108 bytes including the terminating NUL
const maxSocketPathBytes = 107;

/**
 * Reads a $NOTIFY_SOCKET value: unset or empty means "not run by a service manager" (undefined);
 * `/path` is a socket file; `@name` an abstract socket. Anything else (a relative path,
 * systemd 254's `vsock:`) is refused with a message saying what to do. Pure.
 */
export function parseNotifySocket(value: string | undefined): NotifyAddress | undefined {
  if (value === undefined || value === '') return undefined;
  if (Buffer.byteLength(value) > maxSocketPathBytes) {
    throw notifySocketError(value, `longer than ${maxSocketPathBytes} bytes, which an AF_UNIX address cannot hold`);
  }
  if (value.startsWith('/')) return { kind: 'path', path: value };
  if (value.startsWith('@') && value.length > 1) {
    return { kind: 'abstract', name: value.slice(1), socketName: `\0${value.slice(1)}` };
  }
  throw notifySocketError(value, 'neither an absolute socket path nor an @abstract name');
}

function notifySocketError(value: string, why: string): HaMountError {
  return new HaMountError(
    'ha-mount.systemd.notify-socket',
    `cannot notify the service manager: NOTIFY_SOCKET=${JSON.stringify(value)} is ${why}; ` +
      'ha-mount speaks sd_notify over AF_UNIX datagrams only: run it as a Type=notify systemd service or unset NOTIFY_SOCKET',
    ExitCode.SYSTEM,
  );
}
