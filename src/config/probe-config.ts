import { DEFAULTS } from '../defaults.js';
import { ExitCode, HaMountError } from '../errors.js';
import { parseDuration } from './duration.js';
import type { ProbeSettings } from '../types.js';
import type { ConfigReader } from './config-reader.js';
import { quoteValue } from './validate.js';

/** The probe keys of the config file (and, prefixed with `probe-`, of mount.ha options). */
export const PROBE_KEYS = ['interval', 'timeout', 'fall', 'rise', 'slow', 'write'] as const;
/** One probe key. */
export type ProbeKey = (typeof PROBE_KEYS)[number];

/** Accepted ranges: below 100 ms a probe loop costs more than it tells; above these nobody is watching. */
export const PROBE_LIMITS = {
  interval: { minMs: 100, maxMs: 3_600_000 },
  timeout: { minMs: 100, maxMs: 600_000 },
  slow: { minMs: 1, maxMs: 600_000 },
  fall: { min: 1, max: 100 },
  rise: { min: 1, max: 100 },
} as const;

/** The built-in probe settings from src/defaults.ts. */
export function defaultProbeSettings(): ProbeSettings {
  const { intervalMs, timeoutMs, fall, rise, slowMs, write } = DEFAULTS.probe;
  return { intervalMs, timeoutMs, fall, rise, slowMs, write };
}

/** Reads a `probe:` mapping over `base`; absent keys keep the base value. Errors name file, line and key. */
export function parseProbeSettings(reader: ConfigReader, base: ProbeSettings): ProbeSettings {
  if (!reader.exists) return base;
  reader.rejectUnknownKeys(PROBE_KEYS);
  const settings: ProbeSettings = {
    intervalMs: reader.child('interval').duration(PROBE_LIMITS.interval) ?? base.intervalMs,
    timeoutMs: reader.child('timeout').duration(PROBE_LIMITS.timeout) ?? base.timeoutMs,
    fall: reader.child('fall').integer(PROBE_LIMITS.fall) ?? base.fall,
    rise: reader.child('rise').integer(PROBE_LIMITS.rise) ?? base.rise,
    slowMs: reader.child('slow').duration(PROBE_LIMITS.slow) ?? base.slowMs,
    write: reader.child('write').boolean() ?? base.write,
  };
  const problem = checkProbeConsistency(settings);
  if (problem) throw (reader.child('slow').exists ? reader.child('slow') : reader).error(problem);
  return settings;
}

/** A sentence when settings contradict each other, else undefined. */
export function checkProbeConsistency(settings: ProbeSettings): string | undefined {
  if (settings.slowMs >= settings.timeoutMs) {
    return `a slow threshold below the probe timeout (${settings.timeoutMs} ms): a probe that slow is already hung`;
  }
  return undefined;
}

/** Applies text values (from mount.ha `probe-*=` options) over `base`; throws a usage error naming the option. */
export function applyProbeOptions(base: ProbeSettings, values: Partial<Record<ProbeKey, string>>): ProbeSettings {
  const fail = (key: ProbeKey, expected: string): HaMountError =>
    new HaMountError('ha-mount.option.invalid', `option ${quoteValue(`probe-${key}=${values[key] ?? ''}`)}: expected ${expected}`, ExitCode.USAGE);
  const duration = (key: 'interval' | 'timeout' | 'slow', fallback: number): number => {
    const text = values[key];
    if (text === undefined) return fallback;
    const ms = parseDuration(text);
    const { minMs, maxMs } = PROBE_LIMITS[key];
    if (ms === undefined || ms < minMs || ms > maxMs) throw fail(key, `a duration like 500ms, 2s or 1m, from ${minMs} ms to ${maxMs} ms`);
    return ms;
  };
  const count = (key: 'fall' | 'rise', fallback: number): number => {
    const text = values[key];
    if (text === undefined) return fallback;
    const { min, max } = PROBE_LIMITS[key];
    const value = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(value >= min && value <= max)) throw fail(key, `a whole number from ${min} to ${max}`);
    return value;
  };
  const write = values.write;
  const writeFlag = write === undefined ? base.write : ['yes', 'true', 'on', '1'].includes(write) ? true : ['no', 'false', 'off', '0'].includes(write) ? false : undefined;
  if (writeFlag === undefined) throw fail('write', 'yes or no');
  const settings: ProbeSettings = {
    intervalMs: duration('interval', base.intervalMs),
    timeoutMs: duration('timeout', base.timeoutMs),
    fall: count('fall', base.fall),
    rise: count('rise', base.rise),
    slowMs: duration('slow', base.slowMs),
    write: writeFlag,
  };
  const problem = checkProbeConsistency(settings);
  if (problem) throw new HaMountError('ha-mount.option.invalid', `probe options: expected ${problem}`, ExitCode.USAGE);
  return settings;
}
