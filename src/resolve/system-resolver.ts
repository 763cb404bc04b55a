import { lookup } from 'node:dns/promises';
import { Socket } from 'node:net';
import type { ResolverDeps } from './resolve-servers.js';

/** Every address of a name, in the resolver's order (dns.lookup, so /etc/hosts and nsswitch apply). */
export async function lookupAddresses(host: string): Promise<string[]> {
  const answers = await lookup(host, { all: true, verbatim: true });
  return answers.map((answer) => answer.address);
}

/**
 * Opens a TCP connection and closes it at once; rejects with the socket error's code, or
 * ETIMEDOUT after `timeoutMs`. The socket is unref'd so an unanswered SYN never holds the process.
 */
export function connectTcp(address: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const timer = setTimeout(() => finish(Object.assign(new Error(`connect ETIMEDOUT ${address}:${port}`), { code: 'ETIMEDOUT' })), timeoutMs);
    timer.unref();
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.once('connect', () => finish());
    socket.once('error', (error) => finish(error));
    socket.connect({ host: address, port });
    socket.unref();
  });
}

/** The real DNS and TCP connect. */
export function createSystemResolverDeps(): ResolverDeps {
  return { lookup: lookupAddresses, connect: connectTcp, now: () => performance.now() };
}
