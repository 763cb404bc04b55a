import { isIP } from 'node:net';
import type { ConfigReader } from '../config/config-reader.js';
import { DEFAULTS } from '../defaults.js';
import type { MetricsListen } from './metrics-server.js';

/** The `metrics:` section of the config file, defaults applied. */
export interface MetricsConfig extends MetricsListen {
  enabled: boolean;
}

const listenExpected = 'HOST:PORT with an IP address or localhost, e.g. 127.0.0.1:9716 or [::1]:9716, port 1 to 65535';

/**
 * Reads the `metrics:` section (`enabled`, `listen: 127.0.0.1:9716`); `reader` points at the
 * section. Errors name file, line and key like every config error.
 */
export function parseMetricsConfig(reader: ConfigReader): MetricsConfig {
  reader.rejectUnknownKeys(['enabled', 'listen']);
  const enabled = reader.child('enabled').boolean() ?? DEFAULTS.metrics.enabled;
  const listenReader = reader.child('listen');
  const listen = listenReader.string();
  if (listen === undefined) return { enabled, host: DEFAULTS.metrics.host, port: DEFAULTS.metrics.port };
  const parsed = parseListen(listen);
  if (!parsed) throw listenReader.error(listenExpected);
  return { enabled, ...parsed };
}

/** "127.0.0.1:9716", "[::1]:9716", "localhost:9716", or a bare port on the default host; undefined when malformed. Pure. */
export function parseListen(text: string): MetricsListen | undefined {
  const trimmed = text.trim();
  const bare = /^(\d{1,5})$/.exec(trimmed);
  const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(trimmed);
  const plain = /^([^:[\]]+):(\d{1,5})$/.exec(trimmed);
  let host: string;
  let portText: string | undefined;
  if (bare) [host, portText] = [DEFAULTS.metrics.host, bare[1]];
  else if (bracketed && isIP(bracketed[1] ?? '') === 6) [host, portText] = [bracketed[1] ?? '', bracketed[2]];
  else if (plain && (isIP(plain[1] ?? '') === 4 || plain[1] === 'localhost')) [host, portText] = [plain[1] ?? '', plain[2]];
  else return undefined;
  const port = Number(portText);
  return port >= 1 && port <= 65_535 ? { host, port } : undefined;
}

/**
 * A warning when the metrics endpoint is reachable from other hosts (any address that is not
 * loopback, 0.0.0.0 and :: included), or undefined: the endpoint has no authentication, and it
 * tells whoever asks which servers this host mounts and when they fail. Pure.
 */
export function describeMetricsExposure(listen: MetricsListen): string | undefined {
  const { host } = listen;
  const loopback = host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
  if (loopback) return undefined;
  const where = host === '0.0.0.0' || host === '::' ? 'every address of this host' : host;
  return `metrics endpoint listens on ${where} (metrics.listen ${host.includes(':') ? `[${host}]` : host}:${listen.port}): anyone who can reach it reads which servers this host mounts and when they fail, without a password; keep it on 127.0.0.1 or firewall the port`;
}
