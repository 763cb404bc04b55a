import type { Logger } from '../log/logger.js';
import type { TransitionEvent } from '../types.js';

/**
 * Logs one transition as one line with mount, from, to, reason, server and outage duration, so
 * `journalctl -u ha-mount -o json | jq 'select(.event=="transition")'` gives the full history.
 * Failed and hung are warnings; the rest is info.
 */
export function logTransition(logger: Logger, event: TransitionEvent): void {
  const fields = {
    event: 'transition',
    seq: event.seq,
    mount: event.mount,
    mountpoint: event.mountpoint,
    from: event.from,
    to: event.to,
    reason: event.reason,
    ...(event.server === undefined ? {} : { server: event.server }),
    ...(event.action === undefined ? {} : { action: event.action }),
    ...(event.outageMs === undefined ? {} : { outageMs: Math.round(event.outageMs) }),
  };
  const message = `mount ${event.mount}: ${event.from} -> ${event.to}${event.reason ? ` (${event.reason})` : ''}`;
  if (event.to === 'failed' || event.to === 'hung') logger.warn(fields, message);
  else logger.info(fields, message);
}
