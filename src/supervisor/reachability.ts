import { DEFAULTS } from '../defaults.js';
import { connectTcp, lookupAddresses } from '../resolve/system-resolver.js';
import type { ServerAddress } from '../types.js';

/** What a reachability check found: the first server that took a TCP connection, or why none did. */
export interface ServerCheck {
  /** "host:port" of the first server that answered */
  answered?: string;
  reason: string;
}

/** DNS and TCP connect, injected for tests. */
export interface ReachabilityDeps {
  lookup(host: string): Promise<string[]>;
  connect(address: string, port: number, timeoutMs: number): Promise<void>;
}

const systemDeps: ReachabilityDeps = { lookup: lookupAddresses, connect: connectTcp };

/**
 * A cheap check that some server answers: every address of every server is connected to in
 * parallel and the first TCP handshake wins (no waiting for black holes). Servers in `avoid`
 * count too: a server that failed a moment ago may be the only one back. Never rejects.
 */
export async function checkServers(
  servers: readonly ServerAddress[],
  defaultPort: number,
  deps: ReachabilityDeps = systemDeps,
  timeoutMs: number = DEFAULTS.resolve.connectTimeoutMs,
): Promise<ServerCheck> {
  const failures: string[] = [];
  const attempts = servers.map(async (server) => {
    const port = server.port ?? defaultPort;
    let addresses: string[];
    try {
      addresses = await deps.lookup(server.host);
    } catch (error) {
      failures.push(`${server.host}: ${(error as { code?: string }).code ?? 'lookup failed'}`);
      throw error;
    }
    return Promise.any(
      addresses.map(async (address) => {
        try {
          await deps.connect(address, port, timeoutMs);
          return `${server.host}:${port}`;
        } catch (error) {
          failures.push(`${server.host}:${port}: ${(error as { code?: string }).code ?? 'connect failed'}`);
          throw error;
        }
      }),
    );
  });
  try {
    const answered = await Promise.any(attempts);
    return { answered, reason: `${answered} answers` };
  } catch {
    return { reason: failures.length > 0 ? failures.join(', ') : 'no server configured' };
  }
}
