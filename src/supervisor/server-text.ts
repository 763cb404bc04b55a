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
