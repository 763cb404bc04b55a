import type { ResolverDeps } from '../../../src/resolve/resolve-servers.js';

/** How a fake address answers a connect. */
export type Behaviour = 'open' | 'refused' | 'unreachable' | 'never' | { delayMs: number };

/** A fake DNS table and fake TCP behaviour per address, recording every connect. */
export function fakeNetwork(hosts: Record<string, string[] | 'nxdomain' | 'never'>, behaviour: Record<string, Behaviour>): ResolverDeps & { connects: string[] } {
  const connects: string[] = [];
  return {
    connects,
    lookup: (host) => {
      const answer = hosts[host];
      if (answer === 'never') return new Promise(() => {});
      if (answer === undefined || answer === 'nxdomain') return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }));
      return Promise.resolve(answer);
    },
    connect: (address, port) => {
      connects.push(`${address}:${port}`);
      const how = behaviour[address] ?? 'never';
      if (how === 'open') return Promise.resolve();
      if (how === 'refused') return Promise.reject(Object.assign(new Error('ECONNREFUSED'), { code: 'ECONNREFUSED' }));
      if (how === 'unreachable') return Promise.reject(Object.assign(new Error('EHOSTUNREACH'), { code: 'EHOSTUNREACH' }));
      if (how === 'never') return new Promise(() => {});
      return new Promise((resolve) => setTimeout(resolve, how.delayMs));
    },
    now: () => performance.now(),
  };
}
