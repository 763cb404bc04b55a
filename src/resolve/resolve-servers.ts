// Server resolution: every name to all its addresses, every address tested with a bounded TCP
// connect, all in parallel, the whole bounded by one deadline even when every server is a black hole.
import { isIP, isIPv4 } from 'node:net';
import { DEFAULTS } from '../defaults.js';
import type { ServerVerdict } from '../mount/mounter-api.js';
import type { ServerAddress } from '../types.js';
import { formatServer } from '../config/validate.js';
import { formatSeconds, withDeadline } from './deadline.js';

/** Name lookups and TCP connects, injected so unit tests never touch the network. */
export interface ResolverDeps {
  /** every address of a hostname (dns.lookup all:true); rejects with an error carrying `code` (ENOTFOUND...) */
  lookup(host: string): Promise<string[]>;
  /** settles once a TCP connection to address:port opened (and was closed again); rejects with `code` */
  connect(address: string, port: number, timeoutMs: number): Promise<void>;
  /** monotonic ms, for latencies */
  now?(): number;
}

/** How to resolve: the backend's port, servers to try last, and the time limits. */
export interface ResolveOptions {
  /** port for servers that name none (glusterd 24007, mfsmaster 9421) */
  defaultPort: number;
  /** servers that failed just now: tried after all others (by name or address; port when given) */
  avoid?: readonly ServerAddress[];
  /** keep IPv4 addresses only (the MooseFS/LizardFS clients) */
  ipv4Only?: boolean;
  dnsTimeoutMs?: number;
  connectTimeoutMs?: number;
  totalTimeoutMs?: number;
}

/** One address of one server, as tested. */
export interface Candidate {
  /** the server as written (the first one, when two names share this address) */
  server: ServerAddress;
  address: string;
  port: number;
  reachable: boolean;
  /** false while the connect is still running (the resolution returned early or hit its deadline) */
  settled: boolean;
  reason: string;
  latencyMs?: number;
  /** listed in `avoid`: tried last */
  avoided: boolean;
}

/** The outcome of a resolution, in try order. */
export interface Resolution {
  /** every address found, deduplicated by address:port, in try order (list order, avoided ones last) */
  candidates: Candidate[];
  /** the candidates that answered, in try order */
  reachable: Candidate[];
  /** per server and address, in list order, for `-v` and error messages */
  verdicts: ServerVerdict[];
  /** false when it returned as soon as the preferred reachable server was known, with others still being tried */
  complete: boolean;
  /** waits for the servers still being tried (within the total deadline) and returns the full picture */
  rest(): Promise<Resolution>;
}

interface AddressState {
  address: string;
  port: number;
  settled: boolean;
  reachable: boolean;
  reason: string;
  latencyMs?: number;
}

interface ServerState {
  server: ServerAddress;
  port: number;
  /** undefined while DNS is pending */
  addresses?: AddressState[];
  dnsFailure?: string;
}

const LOOKUP_REASONS: Record<string, string> = {
  ENOTFOUND: 'no such host',
  EAI_NONAME: 'no such host',
  ENODATA: 'the name has no address',
  EAI_AGAIN: 'DNS lookup failed (temporary failure; is a resolver reachable?)',
};
const CONNECT_REASONS: Record<string, string> = {
  ECONNREFUSED: 'refused (nothing listens on that port)',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EADDRNOTAVAIL: 'address not available',
};

function describeError(error: unknown, table: Record<string, string>): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && table[code] !== undefined) return table[code];
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}

function matchesAvoid(avoid: readonly ServerAddress[], server: ServerAddress, address: string, port: number): boolean {
  return avoid.some((entry) => (entry.host === server.host || entry.host === address) && (entry.port === undefined || entry.port === port));
}

/**
 * Resolves and tests every server in parallel. Returns as soon as the first reachable server in
 * try order is known (servers before it have all answered or failed), or when every test has
 * settled, or when the total deadline passes: whichever comes first. Never rejects.
 */
export async function resolveServers(servers: readonly ServerAddress[], deps: ResolverDeps, options: ResolveOptions): Promise<Resolution> {
  const dnsTimeoutMs = options.dnsTimeoutMs ?? DEFAULTS.resolve.dnsTimeoutMs;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.resolve.connectTimeoutMs;
  const totalTimeoutMs = options.totalTimeoutMs ?? DEFAULTS.resolve.totalTimeoutMs;
  const avoid = options.avoid ?? [];
  const now = deps.now ?? (() => performance.now());

  const states = dedupeServers(servers).map<ServerState>((server) => ({ server, port: server.port ?? options.defaultPort }));
  const connects = new Map<string, Promise<AddressState>>();
  let signalChange = (): void => {};

  const testAddress = (address: string, port: number): Promise<AddressState> => {
    const key = `${address}|${port}`;
    const known = connects.get(key);
    if (known) return known;
    const started = now();
    const state: AddressState = { address, port, settled: false, reachable: false, reason: 'not waited for: a preferred server answered first' };
    const run = withDeadline(
      // an injected connect that throws instead of rejecting is still one server's failure
      Promise.resolve().then(() => deps.connect(address, port, connectTimeoutMs)).then(
        () => undefined,
        (error: unknown) => error,
      ),
      connectTimeoutMs,
    ).then((result) => {
      state.settled = true;
      if (!result.done || (result.value as { code?: unknown } | undefined)?.code === 'ETIMEDOUT') {
        state.reason = `timeout after ${formatSeconds(connectTimeoutMs)}`;
      } else if (result.value === undefined) {
        state.reachable = true;
        state.latencyMs = Math.round((now() - started) * 10) / 10;
        state.reason = `answered in ${state.latencyMs} ms`;
      } else {
        state.reason = describeError(result.value, CONNECT_REASONS);
      }
      signalChange();
      return state;
    });
    void run;
    const shared = Promise.resolve(state);
    connects.set(key, shared);
    return shared;
  };

  const runServer = async (state: ServerState): Promise<void> => {
    const { host } = state.server;
    let addresses: string[];
    if (isIP(host) !== 0 || host.includes('%')) {
      addresses = [host];
    } else {
      const looked = await withDeadline(Promise.resolve().then(() => deps.lookup(host)).then((found) => ({ found }), (error: unknown) => ({ error })), dnsTimeoutMs);
      if (!looked.done) {
        state.dnsFailure = `DNS timeout after ${formatSeconds(dnsTimeoutMs)}`;
        state.addresses = [];
        return signalChange();
      }
      if ('error' in looked.value) {
        state.dnsFailure = describeError(looked.value.error, LOOKUP_REASONS);
        state.addresses = [];
        return signalChange();
      }
      addresses = [...new Set(looked.value.found)];
    }
    if (options.ipv4Only) {
      const v4 = addresses.filter((address) => isIPv4(address));
      if (v4.length === 0) state.dnsFailure = 'no IPv4 address (this client speaks IPv4 only)';
      addresses = v4;
    }
    if (addresses.length === 0 && state.dnsFailure === undefined) state.dnsFailure = 'the name has no address';
    state.addresses = await Promise.all(addresses.map((address) => testAddress(address, state.port)));
    signalChange();
  };

  // the connect promises hand out their state object at once; settle events come through signalChange
  const allSettled = (): boolean => states.every((state) => state.addresses !== undefined && state.addresses.every((address) => address.settled));
  const listeners = new Set<() => void>();
  signalChange = () => {
    for (const listener of listeners) listener();
  };
  const waitUntil = async (condition: () => boolean, ms: number): Promise<void> => {
    let listener = (): void => {};
    const reached = new Promise<void>((resolve) => {
      listener = () => {
        if (condition()) resolve();
      };
    });
    listeners.add(listener);
    listener();
    await withDeadline(reached, ms);
    listeners.delete(listener);
  };

  const started = now();
  for (const state of states) void runServer(state);
  await waitUntil(() => allSettled() || firstChoiceKnown(states, avoid), totalTimeoutMs);

  const snapshot = (deadlinePassed: boolean): Resolution => {
    const deadlineMs = deadlinePassed && !allSettled() ? totalTimeoutMs : undefined;
    const candidates = orderCandidates(states, avoid, deadlineMs);
    const resolution: Resolution = {
      candidates,
      reachable: candidates.filter((candidate) => candidate.reachable),
      verdicts: buildVerdicts(states, deadlineMs),
      complete: deadlinePassed || allSettled(),
      rest: async () => {
        if (resolution.complete) return resolution;
        await waitUntil(allSettled, totalTimeoutMs - (now() - started));
        return snapshot(true);
      },
    };
    return resolution;
  };
  return snapshot(!allSettled() && !firstChoiceKnown(states, avoid));
}

/** Same host and port written twice: keep the first. */
function dedupeServers(servers: readonly ServerAddress[]): ServerAddress[] {
  const seen = new Set<string>();
  return servers.filter((server) => {
    const key = formatServer(server);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** True once the first reachable candidate in try order is known: everything before it has settled. */
function firstChoiceKnown(states: readonly ServerState[], avoid: readonly ServerAddress[]): boolean {
  for (const wantAvoided of [false, true]) {
    for (const state of states) {
      if (state.addresses === undefined) return false;
      for (const address of state.addresses) {
        if (matchesAvoid(avoid, state.server, address.address, address.port) !== wantAvoided) continue;
        if (!address.settled) return false;
        if (address.reachable) return true;
      }
    }
  }
  return false;
}

function orderCandidates(states: readonly ServerState[], avoid: readonly ServerAddress[], deadlineMs: number | undefined): Candidate[] {
  const seen = new Set<string>();
  const all: Candidate[] = [];
  for (const state of states) {
    for (const address of state.addresses ?? []) {
      const key = `${address.address}|${address.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      all.push({
        server: state.server,
        address: address.address,
        port: address.port,
        reachable: address.reachable,
        settled: address.settled,
        reason: address.settled || deadlineMs === undefined ? address.reason : `no answer within the ${formatSeconds(deadlineMs)} resolution deadline`,
        ...(address.latencyMs === undefined ? {} : { latencyMs: address.latencyMs }),
        avoided: matchesAvoid(avoid, state.server, address.address, address.port),
      });
    }
  }
  return [...all.filter((candidate) => !candidate.avoided), ...all.filter((candidate) => candidate.avoided)];
}

function buildVerdicts(states: readonly ServerState[], deadlineMs: number | undefined): ServerVerdict[] {
  const verdicts: ServerVerdict[] = [];
  for (const state of states) {
    const server = { host: state.server.host, port: state.port };
    if (state.addresses === undefined) {
      const reason = deadlineMs === undefined ? 'not waited for: a preferred server answered first' : `DNS gave no answer within the ${formatSeconds(deadlineMs)} resolution deadline`;
      verdicts.push({ server, reachable: false, reason });
      continue;
    }
    if (state.dnsFailure !== undefined && state.addresses.length === 0) verdicts.push({ server, reachable: false, reason: state.dnsFailure });
    for (const address of state.addresses) {
      const reason = address.settled || deadlineMs === undefined ? address.reason : `no answer within the ${formatSeconds(deadlineMs)} resolution deadline`;
      verdicts.push({
        server,
        address: address.address,
        reachable: address.reachable,
        reason,
        ...(address.latencyMs === undefined ? {} : { latencyMs: address.latencyMs }),
      });
    }
  }
  return verdicts;
}

/** One line per verdict: `vip (10.0.0.10:24007): refused`. */
export function formatVerdict(verdict: ServerVerdict): string {
  const name = formatServer(verdict.server);
  const where = verdict.address === undefined || verdict.address === verdict.server.host ? name : `${name} (${verdict.address})`;
  return `${where}: ${verdict.reachable ? 'reachable, ' : ''}${verdict.reason}`;
}
