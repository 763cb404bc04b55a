import { describe, expect, it } from 'vitest';
import { cidrsOverlap, parseAddressPrefixes, parseCidr, parseRouteDestinations, pickSubnetCandidates } from '../../../src/lab/subnet.js';

function sequence(values: number[]): () => number {
  let index = 0;
  return () => values[index++ % values.length] as number;
}

describe('pickSubnetCandidates', () => {
  it('when nothing is taken then every X can be picked, in random order, without repeats', () => {
    const picked = pickSubnetCandidates([], Math.random, 256);
    expect(new Set(picked).size).toBe(256);
  });

  it('when a route covers 10.213.0.0/16 then no candidate is left (an unreachable /24 would shadow it)', () => {
    expect(pickSubnetCandidates(['10.213.0.0/16'], Math.random, 40)).toEqual([]);
  });

  it('when another run holds 10.213.7.0/24 and an address sits in 10.213.9.0/24 then neither is picked', () => {
    const picked = pickSubnetCandidates(['10.213.7.0/24', '10.213.9.5/24', 'default', '192.0.2.0/24'], Math.random, 256);
    expect(picked).not.toContain(7);
    expect(picked).not.toContain(9);
    expect(picked).toHaveLength(254);
  });

  it('when the random source is fixed then the order is deterministic', () => {
    const random = sequence([0.1, 0.5, 0.9]);
    const again = sequence([0.1, 0.5, 0.9]);
    expect(pickSubnetCandidates([], random, 5)).toEqual(pickSubnetCandidates([], again, 5));
  });
});

describe('CIDR helpers', () => {
  it('when prefixes are parsed then garbage and IPv6 are ignored', () => {
    expect(parseCidr('10.213.4.0/24')).toEqual({ network: (10 << 24 | 213 << 16 | 4 << 8) >>> 0, bits: 24 });
    expect(parseCidr('fe80::/64')).toBeUndefined();
    expect(parseCidr('300.1.1.1')).toBeUndefined();
  });

  it('when one prefix contains the other then they overlap', () => {
    const wide = parseCidr('10.0.0.0/8');
    const narrow = parseCidr('10.213.4.0/24');
    const other = parseCidr('192.168.0.0/16');
    if (!wide || !narrow || !other) throw new Error('parse failed');
    expect(cidrsOverlap(wide, narrow)).toBe(true);
    expect(cidrsOverlap(narrow, wide)).toBe(true);
    expect(cidrsOverlap(narrow, other)).toBe(false);
  });

  it('when ip -j output is read then destinations and address prefixes come out', () => {
    expect(parseRouteDestinations('[{"dst":"default"},{"dst":"192.0.2.0/24"},{"type":"local","dst":"127.0.0.1"}]')).toEqual(['default', '192.0.2.0/24', '127.0.0.1']);
    expect(parseAddressPrefixes('[{"addr_info":[{"family":"inet","local":"192.0.2.2","prefixlen":24},{"family":"inet6","local":"fe80::1","prefixlen":64}]}]')).toEqual(['192.0.2.2/24']);
  });
});
