import type { ServerChoice } from '../backends/backend.js';
import type { ServerAddress } from '../types.js';
import type { Candidate } from './resolve-servers.js';

/** The address and port a candidate is mounted through. */
export function toServerAddress(candidate: Pick<Candidate, 'address' | 'port'>): ServerAddress {
  return { host: candidate.address, port: candidate.port };
}

/**
 * Mount through `chosen`, with every other candidate as a backup in try order: deduplicated by
 * address and port, never the chosen one, whether or not it answered just now (it may come back).
 */
export function buildServerChoice(candidates: readonly Candidate[], chosen: Candidate): ServerChoice {
  const chosenKey = `${chosen.address}|${chosen.port}`;
  const seen = new Set<string>([chosenKey]);
  const backups: ServerAddress[] = [];
  for (const candidate of candidates) {
    const key = `${candidate.address}|${candidate.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    backups.push(toServerAddress(candidate));
  }
  return { chosen: toServerAddress(chosen), backups };
}
