// The agent's hands on a mount's connections (issue 17), as the supervisor carries out the core's
// abort effects: fusectl for the FUSE connection, /proc + a TCP connect + `ss -K` for the
// daemon's sockets. All of it is kernel memory or the network: nothing touches the mount.
import { readlinkSync } from 'node:fs';
import { Socket } from 'node:net';
import { DEFAULTS } from '../defaults.js';
import { runCommand } from '../exec/run.js';
import { abortWaitingConnection, readWaiting, type AbortOutcome } from '../probes/fuse-connection.js';
import { checkDaemon, type DaemonRef } from '../probes/daemon.js';
import { systemProc, type ProcReader } from '../probes/proc.js';
import { groupByServer, readDaemonConnections, socketKillCommand } from '../probes/sockets.js';
import type { ServerAnswer } from './core-types.js';

/** What the agent can do to a mount's connections; injected, so the supervisor's tests fake it. */
export interface ConnectionLevers {
  /** fusectl `abort` of connection `id` when it still holds requests */
  abortFuseConnection(id: string): AbortOutcome;
  /** fusectl `waiting` of connection `id`; undefined when it (or fusectl) is not there */
  readWaiting(id: string): number | undefined;
  /** the servers `daemon` has established TCP connections to, each with whether it takes a new TCP connection now */
  checkDaemonServers(daemon: DaemonRef): Promise<ServerAnswer[]>;
  /** destroys `daemon`'s sockets to `ip`; the count destroyed and the errors */
  abortServerSockets(daemon: DaemonRef, ip: string): Promise<{ aborted: number; errors: string[] }>;
}

/** True when a TCP connection to ip:port is accepted within `timeoutMs`. A refusal is an answer too: the host is there. */
export function tcpAnswers(ip: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (answered: boolean): void => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED'));
    socket.connect({ host: ip, port });
  });
}

/** The network namespace of a process, as its /proc link names it; undefined when unreadable. */
function netnsOf(pid: number | 'self'): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}

/** The real machine's levers. */
export function createConnectionLevers(options: { connectTimeoutMs?: number; tcpAnswers?: typeof tcpAnswers; proc?: ProcReader } = {}): ConnectionLevers {
  const proc = options.proc ?? systemProc;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.partition.connectTimeoutMs;
  const answers = options.tcpAnswers ?? tcpAnswers;
  return {
    abortFuseConnection: (id) => abortWaitingConnection(id),
    readWaiting: (id) => readWaiting(id),
    async checkDaemonServers(daemon) {
      if (checkDaemon(daemon, proc) !== 'alive') return [];
      // the connect test runs from the agent's namespace: it only says something about the
      // daemon's servers when both share one (the usual case; the lab runs both in the client's)
      if (netnsOf('self') !== netnsOf(daemon.pid)) return [];
      const servers = groupByServer(readDaemonConnections(daemon.pid) ?? []);
      return Promise.all(
        servers.map(async (server) => {
          const results = await Promise.all(server.ports.map((port) => answers(server.ip, port, connectTimeoutMs)));
          return { ip: server.ip, answered: results.some(Boolean) };
        }),
      );
    },
    async abortServerSockets(daemon, ip) {
      // the pid must still be that daemon (same start time): never another process's sockets
      if (checkDaemon(daemon, proc) !== 'alive') return { aborted: 0, errors: [`FUSE daemon ${daemon.pid} is gone: nothing aborted`] };
      const sockets = (readDaemonConnections(daemon.pid) ?? []).filter((socket) => socket.remoteIp === ip);
      const errors: string[] = [];
      let aborted = 0;
      for (const socket of sockets) {
        const result = await runCommand(socketKillCommand(daemon.pid, socket), { timeoutMs: DEFAULTS.partition.socketKillTimeoutMs });
        if (result.exitCode === 0) aborted += 1;
        else errors.push(`ss -K ${socket.localIp}:${socket.localPort} -> ${ip}:${socket.remotePort}: ${result.spawnError ?? result.stderr.trim().split('\n').pop() ?? ''} (exit ${result.exitCode ?? result.signal})`);
      }
      return { aborted, errors };
    },
  };
}
