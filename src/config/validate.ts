// Validation of every user-supplied host, port, path and option before anything reaches an exec.
// Pure: each function returns a problem (a sentence) or the cleaned value; callers turn problems
// into HaMountErrors naming where the value came from.
import { isIPv4, isIPv6 } from 'node:net';
import { posix } from 'node:path';
import { escapeControl } from '../text/escape-control.js';
import type { ServerAddress } from '../types.js';

/** A value that passed validation, or the reason it did not. */
export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
// zone ids of link-local IPv6 addresses (fe80::1%eth0) are interface names
const ZONE = /^[A-Za-z0-9_.-]{1,15}$/;

/**
 * Shows a hostile value safely inside a message: double-quoted, every control character escaped
 * (C0 by JSON.stringify, DEL, C1, line separators and bidi controls by escapeControl), length capped.
 */
export function quoteValue(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return escapeControl(JSON.stringify(shown));
}

// a last label that is all digits or 0x-hex: getaddrinfo reads the whole "name" as an inet_aton
// number (24007 -> 0.0.93.199, 127.1 -> 127.0.0.1, 010.0.0.1 -> 8.0.0.1, 0x7f000001 -> 127.0.0.1)
const NUMERIC_LABEL = /^(?:[0-9]+|0[xX][0-9A-Fa-f]*)$/;

/**
 * True for a hostname made of RFC 1123 labels (letters, digits, inner hyphens; 253 chars at most)
 * whose last label is not numeric (RFC 1123 2.1, RFC 3696 2: a top-level domain is not all-numeric),
 * so that no resolver can take it for an IPv4 address in another notation.
 */
export function isHostname(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  const labels = host.split('.');
  return labels.every((label) => LABEL.test(label)) && !NUMERIC_LABEL.test(labels[labels.length - 1] ?? '');
}

/** True for an IPv6 literal, with an optional zone id from a safe character set. */
export function isIPv6Literal(host: string): boolean {
  const [address, zone, extra] = host.split('%');
  if (address === undefined || extra !== undefined) return false;
  if (zone !== undefined && !ZONE.test(zone)) return false;
  return isIPv6(address);
}

/**
 * Checks a host: an RFC 1123 hostname (last label not numeric), a canonical dotted-quad IPv4 (no
 * leading zeros, which inet_aton reads as octal) or an IPv6 literal (without brackets), nothing else.
 */
export function checkHost(host: string): Checked<string> {
  if (isIPv4(host) || isIPv6Literal(host) || isHostname(host)) return { ok: true, value: host };
  const labels = host.split('.');
  const why = host.startsWith('-')
    ? 'it starts with "-"'
    : /\s/.test(host)
      ? 'it contains white space'
      : /[^A-Za-z0-9.:%_-]/.test(host)
        ? 'it contains characters a hostname cannot have'
        : labels.every((label) => LABEL.test(label)) && NUMERIC_LABEL.test(labels[labels.length - 1] ?? '')
          ? 'a name cannot end in a number, and the resolver would read it as another IPv4 address: write IPv4 as a dotted quad without leading zeros, e.g. 10.0.0.1'
          : 'it is not a valid hostname';
  return { ok: false, problem: `${quoteValue(host)} is not a hostname or IP address (${why})` };
}

/** Checks a TCP port given as text: a whole number from 1 to 65535. */
export function checkPort(text: string): Checked<number> {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    return { ok: false, problem: `${quoteValue(text)} is not a port (expected a number from 1 to 65535)` };
  }
  return { ok: true, value: port };
}

/**
 * Parses `host`, `host:port`, `[v6]` or `[v6]:port` (a bare IPv6 literal is taken whole, without
 * a port) into a validated ServerAddress.
 */
export function parseServerAddress(text: string): Checked<ServerAddress> {
  let host = text;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
    if (!isIPv6Literal(host)) return { ok: false, problem: `${quoteValue(text)}: only IPv6 addresses go in brackets` };
  } else if (text.split(':').length === 2) {
    [host, portText] = text.split(':') as [string, string];
  }
  const checkedHost = checkHost(host);
  if (!checkedHost.ok) return checkedHost;
  if (portText === undefined) return { ok: true, value: { host } };
  const port = checkPort(portText);
  if (!port.ok) return { ok: false, problem: `in ${quoteValue(text)}: ${port.problem}` };
  return { ok: true, value: { host, port: port.value } };
}

/** Renders a server the way users write it: host, host:port, [v6]:port. */
export function formatServer(server: ServerAddress): string {
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  return server.port === undefined ? host : `${host}:${server.port}`;
}

// Characters a mountpoint may hold: mount.glusterfs word-splits and globs its command line, and
// mountinfo escapes white space, so anything outside this set is refused rather than quoted.
const SAFE_PATH = /^[A-Za-z0-9._@+=~%:/-]+$/;

/** Checks a mountpoint path (syntax only): absolute, safe characters; returns it normalised. */
export function checkMountpointPath(path: string): Checked<string> {
  if (!path.startsWith('/')) return { ok: false, problem: `${quoteValue(path)} is not an absolute path (it must start with "/")` };
  if (!SAFE_PATH.test(path)) {
    return { ok: false, problem: `${quoteValue(path)} contains characters ha-mount does not accept in a mountpoint (allowed: letters, digits and ._@+=~%:/-)` };
  }
  const normal = posix.normalize(path);
  const trimmed = normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
  if (trimmed === '/') return { ok: false, problem: 'refusing to mount over "/"' };
  return { ok: true, value: trimmed };
}

const VOLUME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const PATH_SEGMENT = /^[A-Za-z0-9._@+=~%][A-Za-z0-9._@+=~%-]*$/;

/** Checks a GlusterFS volume name (letters, digits, _.-, no leading "-" or "."). */
export function checkVolumeName(volume: string): Checked<string> {
  if (volume.length === 0 || volume.length > 64 || !VOLUME.test(volume)) {
    return { ok: false, problem: `${quoteValue(volume)} is not a volume name (letters, digits and _.- only, not starting with "-" or ".")` };
  }
  return { ok: true, value: volume };
}

/** Checks a subfolder path inside a volume: "" or "/a/b" with safe segments, no "." or "..". */
export function checkSubdir(subdir: string): Checked<string> {
  if (subdir === '' || subdir === '/') return { ok: true, value: '' };
  const trimmed = subdir.endsWith('/') ? subdir.slice(0, -1) : subdir;
  const segments = trimmed.split('/');
  if (segments[0] !== '' || segments.slice(1).some((segment) => !PATH_SEGMENT.test(segment) || segment === '.' || segment === '..')) {
    return { ok: false, problem: `${quoteValue(subdir)} is not a subfolder path (expected /a/b with letters, digits and ._@+=~%- only, no "." or ".." and no segment starting with "-")` };
  }
  return { ok: true, value: trimmed };
}

const OPTION_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
// values may hold * (GlusterFS xlator names), : and [] (server lists), / (paths)
const OPTION_VALUE = /^[A-Za-z0-9_.:/@+=*%~[\]-]*$/;

/** Checks one `key` or `key=value` option token: safe characters, no leading "-", no comma. */
export function checkOption(token: string): Checked<string> {
  const equals = token.indexOf('=');
  const key = equals < 0 ? token : token.slice(0, equals);
  const value = equals < 0 ? '' : token.slice(equals + 1);
  if (OPTION_KEY.test(key) && OPTION_VALUE.test(value)) return { ok: true, value: token };
  const why = token.startsWith('-')
    ? 'it starts with "-"'
    : token.includes(',')
      ? 'it contains a comma (give options as separate items)'
      : 'expected key or key=value made of letters, digits and _.:/@+=*%~[]-';
  return { ok: false, problem: `option ${quoteValue(token)} is not accepted: ${why}` };
}

/** Splits a comma-separated option string ("a,b=1") into tokens, dropping empty ones. */
export function splitOptionString(text: string): string[] {
  return text.split(',').filter((token) => token !== '');
}
