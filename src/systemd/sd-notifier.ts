import type { Runner } from '../exec/run.js';
import { createSilentLogger, type Logger } from '../log/logger.js';
import { parseNotifySocket } from './notify-socket.js';
import { createDatagramTransport, createSystemdNotifyTransport, type NotifyTransport } from './notify-transport.js';

/**
 * Tells the service manager about the agent (sd_notify(3)): READY=1, STATUS=, WATCHDOG=1,
 * STOPPING=1. A no-op when not run by a service manager. Never throws: a failed
 * notification is logged (once per distinct error) and the agent carries on.
 */
export class SdNotifier {
  private readonly reported = new Set<string>();

  constructor(
    private readonly transport: NotifyTransport | undefined,
    private readonly logger: Logger = createSilentLogger(),
  ) {}

  /** false when NOTIFY_SOCKET was unset: every call then does nothing */
  get enabled(): boolean {
    return this.transport !== undefined;
  }

  /** READY=1 once the initial mounts have been tried, with the status line alongside */
  ready(status?: string): Promise<void> {
    return this.notify(status === undefined ? { READY: '1' } : { READY: '1', STATUS: status });
  }

  /** STATUS=<one line>, shown by `systemctl status` */
  status(text: string): Promise<void> {
    return this.notify({ STATUS: text });
  }

  /** WATCHDOG=1: the agent is alive and its supervisors make progress */
  watchdog(): Promise<void> {
    return this.notify({ WATCHDOG: '1' });
  }

  /** STOPPING=1 at the start of shutdown */
  stopping(status?: string): Promise<void> {
    return this.notify(status === undefined ? { STOPPING: '1' } : { STOPPING: '1', STATUS: status });
  }

  /** Sends fields as one datagram; values are made single-line, as the protocol needs. */
  async notify(fields: Record<string, string>): Promise<void> {
    if (!this.transport) return;
    const message = formatNotifyMessage(fields);
    try {
      await this.transport.send(message);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      if (this.reported.has(text)) return;
      this.reported.add(text);
      this.logger.warn({ err: error, message }, `sd_notify failed: ${text}; systemd may restart or time out the agent`);
    }
  }

  close(): void {
    this.transport?.close();
  }
}

/** "KEY=VALUE" lines joined by newlines; newlines inside a value become spaces. Pure. */
export function formatNotifyMessage(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${value.replace(/[\r\n]+/g, ' ')}`)
    .join('\n');
}

/** How createSdNotifier finds the manager; every field defaults to this process. */
export interface SdNotifierOptions {
  env?: NodeJS.ProcessEnv;
  pid?: number;
  logger?: Logger;
  /** runs systemd-notify for an abstract socket (injected in tests) */
  runner?: Runner;
}

/**
 * The notifier for this process: a datagram socket for a NOTIFY_SOCKET path, systemd-notify
 * for an @abstract one, nothing when unset. Throws HaMountError for a value it cannot use.
 */
export function createSdNotifier(options: SdNotifierOptions = {}): SdNotifier {
  const env = options.env ?? process.env;
  const address = parseNotifySocket(env.NOTIFY_SOCKET);
  if (!address) return new SdNotifier(undefined, options.logger);
  const transport =
    address.kind === 'path'
      ? createDatagramTransport(address.path)
      : createSystemdNotifyTransport(`@${address.name}`, {
          pid: options.pid ?? process.pid,
          ...(options.runner ? { runner: options.runner } : {}),
        });
  return new SdNotifier(transport, options.logger);
}
