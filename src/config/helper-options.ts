// mount.ha and fstab `ha` lines carry ha-mount's own settings among the backend options
// (`backend=`, `servers=`, `probe-interval=`...). They are taken out here, before a backend sees the rest.
import { ExitCode, HaMountError } from '../errors.js';
import type { ServerAddress } from '../types.js';
import { parseDuration } from './duration.js';
import { PROBE_KEYS, type ProbeKey } from './probe-config.js';
import { isIPv6Literal, parseServerAddress, quoteValue } from './validate.js';

/** ha-mount's settings read from an option list, and the options left for the backend. */
export interface HelperOptions {
  backend?: string;
  name?: string;
  /** extra servers from `servers=`, after the ones of the source */
  servers: ServerAddress[];
  /** raw probe values by key (`probe-interval=1s` -> interval: "1s") */
  probe: Partial<Record<ProbeKey, string>>;
  /** `on-hang-remount-after=30s`, in ms */
  hangRemountAfterMs?: number;
  /** everything else, in order */
  rest: string[];
}

/** Option keys that belong to ha-mount, not to any backend. */
export const HELPER_KEYS = ['backend', 'name', 'servers', 'on-hang-remount-after', ...PROBE_KEYS.map((key) => `probe-${key}`)];

function usage(message: string): HaMountError {
  return new HaMountError('ha-mount.option.invalid', message, ExitCode.USAGE);
}

/**
 * Parses `servers=`: "+"-separated host[:port] items (gfs2:24007+gfs3), or ":"-separated hosts
 * like GlusterFS's backup-volfile-servers (gfs2:gfs3, IPv6 in brackets: [fe80::1]:[fe80::2]). In
 * the ":" form a number right after a host is that host's port (gfs2:24008, gfs2:24008:gfs3): a
 * host name never ends in a number (validate.ts), so it cannot be a host.
 */
export function parseServerList(text: string): ServerAddress[] {
  const fail = (problem: string): HaMountError => usage(`option ${quoteValue(`servers=${text}`)}: ${problem}; expected host1:host2, host1:port or host1:port+host2:port`);
  const items = text.includes('+') ? text.split('+') : joinPorts(splitColonList(text), fail);
  return items.map((item) => {
    const parsed = parseServerAddress(item);
    if (!parsed.ok) throw fail(parsed.problem);
    return parsed.value;
  });
}

function splitColonList(text: string): string[] {
  const items: string[] = [];
  let current = '';
  let depth = 0;
  for (const char of text) {
    if (char === '[') depth += 1;
    if (char === ']') depth -= 1;
    if (char === ':' && depth === 0) {
      items.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  items.push(current);
  if (items.some((item) => item === '' || (!item.startsWith('[') && isIPv6Literal(item)))) {
    throw usage(`option ${quoteValue(`servers=${text}`)}: an empty item, or an IPv6 address without brackets; expected host1:host2 or host1:port+host2:port`);
  }
  return items;
}

/** Joins each all-digit item of a ":"-split list to the host before it ("gfs2", "24008" -> "gfs2:24008"). */
function joinPorts(items: readonly string[], fail: (problem: string) => HaMountError): string[] {
  const joined: string[] = [];
  let previousIsHost = false;
  for (const item of items) {
    if (!/^\d+$/.test(item)) {
      joined.push(item);
      previousIsHost = true;
      continue;
    }
    if (!previousIsHost) throw fail(`${quoteValue(item)} is a port with no host before it`);
    joined[joined.length - 1] = `${joined[joined.length - 1] ?? ''}:${item}`;
    previousIsHost = false;
  }
  return joined;
}

/** Takes ha-mount's own options out of a backend option list. Throws a usage error on a bad value. */
export function splitHelperOptions(tokens: readonly string[]): HelperOptions {
  const result: HelperOptions = { servers: [], probe: {}, rest: [] };
  for (const token of tokens) {
    const equals = token.indexOf('=');
    const key = equals < 0 ? token : token.slice(0, equals);
    const value = equals < 0 ? undefined : token.slice(equals + 1);
    if (!HELPER_KEYS.includes(key)) {
      result.rest.push(token);
      continue;
    }
    if (value === undefined || value === '') throw usage(`option ${key} needs a value (${key}=...)`);
    if (key === 'backend') result.backend = value;
    else if (key === 'name') result.name = value;
    else if (key === 'servers') result.servers.push(...parseServerList(value));
    else if (key === 'on-hang-remount-after') {
      const ms = parseDuration(value);
      if (ms === undefined || ms < 1_000) throw usage(`option ${quoteValue(token)}: expected a duration like 30s (at least 1s)`);
      result.hangRemountAfterMs = ms;
    } else result.probe[key.slice('probe-'.length) as ProbeKey] = value;
  }
  return result;
}
