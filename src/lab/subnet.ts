import { LAB_DEFAULTS } from './lab-defaults.js';

/** An IPv4 prefix as two 32-bit numbers. */
interface Cidr {
  network: number;
  bits: number;
}

/** Parses "a.b.c.d" or "a.b.c.d/n"; undefined for anything else (default, IPv6...). */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((octet) => octet > 255)) return undefined;
  const bits = match[5] === undefined ? 32 : Number(match[5]);
  if (bits > 32) return undefined;
  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  return { network: maskAddress(address, bits), bits };
}

function maskAddress(address: number, bits: number): number {
  if (bits === 0) return 0;
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return (address & mask) >>> 0;
}

/** Two prefixes overlap when the shorter one contains the other's network. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const bits = Math.min(a.bits, b.bits);
  return maskAddress(a.network, bits) === maskAddress(b.network, bits);
}

/** The /24 of run index X. */
export function subnetOf(index: number): string {
  return `${LAB_DEFAULTS.subnetPrefix}.${index}.0/24`;
}

/**
 * Candidate X values for 10.213.X.0/24 in random order, without those whose /24 overlaps a
 * route or address the machine already has: an unreachable /24 would shadow part of a real
 * network. `taken` lists destinations from `ip route` and addresses from `ip addr`. Pure.
 */
export function pickSubnetCandidates(taken: readonly string[], random: () => number, count: number): number[] {
  const blocked = taken
    .filter((entry) => entry !== 'default' && entry !== '0.0.0.0/0')
    .map(parseCidr)
    .filter((cidr): cidr is Cidr => cidr !== undefined);
  const free: number[] = [];
  for (let index = 0; index < 256; index += 1) {
    const own = parseCidr(subnetOf(index));
    if (own && !blocked.some((cidr) => cidrsOverlap(cidr, own))) free.push(index);
  }
  // Fisher-Yates with the injected random source, so tests are deterministic
  for (let i = free.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [free[i], free[j]] = [free[j] as number, free[i] as number];
  }
  return free.slice(0, count);
}

/** Route destinations from `ip -j -4 route show table all`; "default" is kept as is. */
export function parseRouteDestinations(json: string): string[] {
  const routes = JSON.parse(json) as Array<{ dst?: string }>;
  return routes.map((route) => route.dst).filter((dst): dst is string => typeof dst === 'string');
}

/** Addresses with prefix length from `ip -j -4 addr show`. */
export function parseAddressPrefixes(json: string): string[] {
  const links = JSON.parse(json) as Array<{ addr_info?: Array<{ family?: string; local?: string; prefixlen?: number }> }>;
  const prefixes: string[] = [];
  for (const link of links) {
    for (const info of link.addr_info ?? []) {
      if (info.family === 'inet' && info.local !== undefined) prefixes.push(`${info.local}/${info.prefixlen ?? 32}`);
    }
  }
  return prefixes;
}
