// A FUSE daemon's TCP connections to its servers, from /proc (kernel memory, never the mount):
// the socket inodes in /proc/PID/fd, their 4-tuples in /proc/PID/net/tcp{,6} (the daemon's own
// network namespace's view). The agent checks whether each server still takes a TCP connection
// and aborts the daemon's sockets to one that vanished (`ss -K` inside the daemon's namespace),
// so the client fails over at once instead of waiting for its ping timeout.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Command } from '../types.js';

/** One TCP socket as /proc/net/tcp lists it. */
export interface TcpSocket {
  localIp: string;
  localPort: number;
  remoteIp: string;
  remotePort: number;
  /** the kernel's state number: 1 is ESTABLISHED */
  state: number;
  inode: number;
}

export const TCP_ESTABLISHED = 1;

/** "0100007F" -> "127.0.0.1": /proc prints each 32-bit word in host (little-endian) byte order. */
function wordBytes(word: string): number[] {
  const bytes: number[] = [];
  for (let i = 6; i >= 0; i -= 2) bytes.push(Number.parseInt(word.slice(i, i + 2), 16));
  return bytes;
}

/** An address of /proc/net/tcp{,6} as text; an IPv4-mapped IPv6 address as IPv4. Pure. */
export function parseProcAddress(hex: string): string | undefined {
  if (!/^(?:[0-9A-Fa-f]{8}|[0-9A-Fa-f]{32})$/.test(hex)) return undefined;
  if (hex.length === 8) return wordBytes(hex).join('.');
  const bytes = [0, 8, 16, 24].flatMap((at) => wordBytes(hex.slice(at, at + 8)));
  if (bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  // the shortest form: the longest run of zero groups becomes "::"
  const text = groups.join(':');
  const runs = [...text.matchAll(/(?:^|:)0(?::0)+(?::|$)/g)].sort((a, b) => b[0].length - a[0].length);
  const longest = runs[0];
  if (longest === undefined) return text;
  return `${text.slice(0, longest.index)}::${text.slice(longest.index + longest[0].length)}`;
}

/** The sockets of /proc/PID/net/tcp or tcp6 text (header and malformed lines skipped). Pure. */
export function parseProcNetTcp(text: string): TcpSocket[] {
  const sockets: TcpSocket[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const [local, remote, state, inode] = [fields[1], fields[2], fields[3], fields[9]];
    if (local === undefined || remote === undefined || state === undefined || inode === undefined) continue;
    const [localHex, localPort] = local.split(':');
    const [remoteHex, remotePort] = remote.split(':');
    const localIp = parseProcAddress(localHex ?? '');
    const remoteIp = parseProcAddress(remoteHex ?? '');
    if (localIp === undefined || remoteIp === undefined || !/^[0-9A-F]{4}$/i.test(localPort ?? '') || !/^[0-9A-F]{4}$/i.test(remotePort ?? '') || !/^\d+$/.test(inode)) continue;
    sockets.push({ localIp, localPort: Number.parseInt(localPort ?? '', 16), remoteIp, remotePort: Number.parseInt(remotePort ?? '', 16), state: Number.parseInt(state, 16), inode: Number(inode) });
  }
  return sockets;
}

/** The socket inodes among the targets of /proc/PID/fd links ("socket:[12345]"). Pure. */
export function socketInodes(links: readonly string[]): Set<number> {
  const inodes = new Set<number>();
  for (const link of links) {
    const match = /^socket:\[(\d+)\]$/.exec(link);
    if (match?.[1] !== undefined) inodes.add(Number(match[1]));
  }
  return inodes;
}

/** The established connections of a process: its socket inodes matched against the 4-tuples. Pure. */
export function connectionsOf(inodes: ReadonlySet<number>, sockets: readonly TcpSocket[]): TcpSocket[] {
  return sockets.filter((socket) => socket.state === TCP_ESTABLISHED && inodes.has(socket.inode) && socket.inode !== 0);
}

/** One server the daemon talks to: its address, the ports it is connected to, the sockets. */
export interface ServerConnections {
  ip: string;
  ports: number[];
  sockets: TcpSocket[];
}

/** The daemon's connections grouped by server address, in the order first seen. Loopback is left out (never a remote server). Pure. */
export function groupByServer(connections: readonly TcpSocket[]): ServerConnections[] {
  const servers = new Map<string, ServerConnections>();
  for (const socket of connections) {
    if (socket.remoteIp.startsWith('127.') || socket.remoteIp === '::1') continue;
    const server = servers.get(socket.remoteIp) ?? { ip: socket.remoteIp, ports: [], sockets: [] };
    if (!server.ports.includes(socket.remotePort)) server.ports.push(socket.remotePort);
    server.sockets.push(socket);
    servers.set(socket.remoteIp, server);
  }
  return [...servers.values()];
}

/** Reads /proc for one process's TCP connections; undefined when it is gone or unreadable. */
export function readDaemonConnections(pid: number, procRoot = '/proc'): TcpSocket[] | undefined {
  try {
    const fdDir = `${procRoot}/${pid}/fd`;
    const links = readdirSync(fdDir).flatMap((fd) => {
      try {
        return [readlinkSync(`${fdDir}/${fd}`)];
      } catch {
        return []; // closed meanwhile
      }
    });
    const inodes = socketInodes(links);
    const read = (name: string): string => {
      try {
        return readFileSync(`${procRoot}/${pid}/net/${name}`, 'utf8');
      } catch {
        return '';
      }
    };
    return connectionsOf(inodes, [...parseProcNetTcp(read('tcp')), ...parseProcNetTcp(read('tcp6'))]);
  } catch {
    return undefined;
  }
}

/** ss's address syntax: IPv6 in brackets. */
const ssHost = (ip: string): string => (isIP(ip) === 6 ? `[${ip}]` : ip);

/**
 * The command that destroys exactly one socket of process `pid`: `ss -K` with the full 4-tuple,
 * run in the process's own network namespace through nsenter. Pure; refuses anything that is not
 * a plain address and port.
 */
export function socketKillCommand(pid: number, socket: Pick<TcpSocket, 'localIp' | 'localPort' | 'remoteIp' | 'remotePort'>): Command {
  const valid = (port: number): boolean => Number.isInteger(port) && port > 0 && port < 65_536;
  if (!Number.isInteger(pid) || pid <= 0 || isIP(socket.localIp) === 0 || isIP(socket.remoteIp) === 0 || !valid(socket.localPort) || !valid(socket.remotePort)) {
    throw new Error(`refusing to build an ss -K filter from ${JSON.stringify({ pid, ...socket })}`);
  }
  return {
    file: 'nsenter',
    args: [`--net=/proc/${pid}/ns/net`, '--', 'ss', '-K', '-t', 'src', ssHost(socket.localIp), 'sport', '=', `:${socket.localPort}`, 'dst', ssHost(socket.remoteIp), 'dport', '=', `:${socket.remotePort}`],
  };
}
