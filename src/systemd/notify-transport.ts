import { constants } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import unixDgram from 'unix-dgram';
import { DEFAULTS } from '../defaults.js';
import { ExitCode, HaMountError } from '../errors.js';
import { runCommand, type Runner } from '../exec/run.js';

/** Carries one sd_notify datagram ("KEY=VALUE\n..." text) to the service manager. */
export interface NotifyTransport {
  /** rejects when the datagram could not be sent; never blocks on the receiver */
  send(message: string): Promise<void>;
  close(): void;
}

/**
 * Sends datagrams from one AF_UNIX socket of this process to a socket file, so the kernel
 * stamps them with our pid: what systemd checks under NotifyAccess=main.
 */
export function createDatagramTransport(path: string): NotifyTransport {
  if (!isMainThread) {
    // measured: its callbacks enter V8 without the worker's isolate lock and abort the process
    throw new HaMountError('ha-mount.systemd.worker-thread', `cannot notify ${path} from a worker thread: unix-dgram works on the main thread only; create the SdNotifier in the main thread`, ExitCode.INTERNAL);
  }
  const socket = unixDgram.createSocket('unix_dgram');
  // send errors arrive through the callback; this keeps a stray 'error' event from throwing
  socket.on('error', () => undefined);
  let open = true;
  return {
    send(message) {
      if (!open) return Promise.reject(new Error('notify socket closed'));
      const buffer = Buffer.from(message);
      return new Promise<void>((resolve, reject) => {
        socket.send(buffer, 0, buffer.length, path, (error) => (error ? reject(describeSendError(error)) : resolve()));
      });
    },
    close() {
      if (!open) return;
      open = false;
      socket.close();
    },
  };
}

/**
 * For an abstract $NOTIFY_SOCKET only: unix-dgram copies the address with strncpy, so a name
 * with a leading NUL never reaches the right socket (measured: ECONNREFUSED). `systemd-notify
 * --pid=OUR_PID` sends with our pid in SCM_CREDENTIALS (allowed to root), which is what
 * NotifyAccess=main checks, so the race of a short-lived sender does not apply; `--no-block`
 * keeps it from waiting on the manager.
 */
export function createSystemdNotifyTransport(
  notifySocket: string,
  options: { pid: number; runner?: Runner; timeoutMs?: number },
): NotifyTransport {
  const runner = options.runner ?? runCommand;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.watchdog.notifyCommandTimeoutMs;
  return {
    async send(message) {
      const command = { file: 'systemd-notify', args: [`--pid=${options.pid}`, '--no-block', ...message.split('\n')] };
      const result = await runner(command, { timeoutMs, env: { NOTIFY_SOCKET: notifySocket } });
      if (result.exitCode !== 0) {
        const why = result.spawnError ?? (result.timedOut ? `timed out after ${timeoutMs} ms` : result.stderr || `exit ${String(result.exitCode)}`);
        throw new Error(`systemd-notify failed: ${why}`);
      }
    },
    close() {},
  };
}

/** unix-dgram reports `send -111`; name the errno so the log says ECONNREFUSED. */
function describeSendError(error: Error & { code?: unknown }): Error {
  const errno = typeof error.code === 'number' ? -error.code : undefined;
  const name = Object.entries(constants.errno).find(([, value]) => value === errno)?.[0];
  return new Error(name ? `${error.message} (${name})` : error.message, { cause: error });
}
