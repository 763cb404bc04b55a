import type { ServerAddress } from '../types.js';

/** "host:port" or "host", as status and events show a server. Pure. */
export function formatServerAddress(server: ServerAddress): string {
  if (server.port === undefined) return server.host;
  return server.host.includes(':') ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

/** "10.0.0.1:24007" -> { host, port }; "[::1]:24007" and bare hosts too. Pure. */
export function parseServerText(text: string): ServerAddress {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed?.[1] !== undefined) return bracketed[2] === undefined ? { host: bracketed[1] } : { host: bracketed[1], port: Number(bracketed[2]) };
  const plain = /^([^:]+):(\d+)$/.exec(text);
  if (plain?.[1] !== undefined) return { host: plain[1], port: Number(plain[2]) };
  return { host: text };
}

/**
 * Servers that failed a moment ago, tried last on the next mount for `forgetAfterMs` (the
 * rotation): the server behind an ENOTCONN or a hang, and one that answered but gave no mount.
 */
export class ServerRotation {
  private readonly failedAt = new Map<string, number>();

  constructor(private readonly forgetAfterMs: number) {}

  noteFailure(server: string | undefined, now: number): void {
    if (server !== undefined) this.failedAt.set(server, now);
  }

  /** The servers to try last now; forgets the old ones. */
  avoidList(now: number): ServerAddress[] {
    const avoid: ServerAddress[] = [];
    for (const [server, at] of this.failedAt) {
      if (now - at > this.forgetAfterMs) this.failedAt.delete(server);
      else avoid.push(parseServerText(server));
    }
    return avoid;
  }
}
