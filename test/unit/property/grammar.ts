// The oracle of the property tests: what a host, a mountpoint and an option token may look like
// when they reach an exec. Written from the RFCs and from mount(8), NOT from src/config/validate.ts,
// so that a validator bug cannot hide behind the same bug in its test.
import { expect } from 'vitest';
import { HaMountError } from '../../../src/errors.js';

/** mount(8)'s exit statuses (man 8 mount, "EXIT STATUS"). */
export const MOUNT_EXIT_CODES: readonly number[] = [0, 1, 2, 4, 8, 16, 32, 64];

/**
 * Characters POSIX sh gives a meaning to anywhere in a word (operators, quotes, expansions, globs),
 * plus white space, which mount.glusterfs's unquoted `$cmd_line` splits on. (`~`, `#`, `=`, `%` only
 * mean something at the start of a word, which a path or a host never is.)
 */
export const SHELL_META = /[\s;&|<>$`'"\\(){}*?[\]]/;

/** C0 controls and DEL. */
export const CONTROL = /[\u0000-\u001f\u007f]/;

const DEC_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${DEC_OCTET}(?:\\.${DEC_OCTET}){3}$`);

/** Dotted-quad IPv4, no leading zeros (inet_aton would read 010 as octal 8). */
export function isIPv4Text(text: string): boolean {
  return IPV4.test(text);
}

/** RFC 4291 text form, optional trailing dotted quad, optional RFC 4007 zone id. */
export function isIPv6Text(text: string): boolean {
  const percent = text.indexOf('%');
  const address = percent < 0 ? text : text.slice(0, percent);
  if (percent >= 0 && !/^[A-Za-z0-9_.-]{1,15}$/.test(text.slice(percent + 1))) return false;
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (part: string): string[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    const last = groups[groups.length - 1] ?? '';
    const out: string[] = [];
    for (const [index, group] of groups.entries()) {
      if (index === groups.length - 1 && last.includes('.')) {
        if (!isIPv4Text(group)) return undefined;
        out.push('v4a', 'v4b');
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(group)) {
        out.push(group);
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return false;
  // an embedded IPv4 may only end the address
  if (halves.length === 2 && head.includes('v4b')) return false;
  const count = head.length + tail.length;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/**
 * RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, 1-63 chars each,
 * 253 in all. `numericLastLabel: false` also applies RFC 1123 2.1 / RFC 3986 3.2.2: the last label is
 * not all digits (nor 0x-hex), since getaddrinfo reads such a "name" as an inet_aton number
 * (24007 -> 0.0.93.199, 127.1 -> 127.0.0.1, 010.0.0.1 -> 8.0.0.1).
 */
export function isHostnameText(text: string, options: { numericLastLabel: boolean }): boolean {
  if (text.length === 0 || text.length > 253) return false;
  const labels = text.split('.');
  if (!labels.every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label))) return false;
  const last = labels[labels.length - 1] ?? '';
  return options.numericLastLabel || !/^(?:[0-9]+|0[xX][0-9A-Fa-f]*)$/.test(last);
}

/** How a host may be written in one argv field. */
export type HostForm = 'plain' | 'bracketed';

/**
 * A host field of an argv: a host name, an IPv4 literal, or an IPv6 literal (bare where the client
 * wants it bare, e.g. mount.glusterfs's main server and mfsmount -H; in brackets inside lists).
 * Never a shell metacharacter, never a leading "-".
 */
export function isHostField(text: string, form: HostForm, options = { numericLastLabel: true }): boolean {
  if (form === 'bracketed' && text.startsWith('[')) return text.endsWith(']') && isIPv6Text(text.slice(1, -1));
  if (text.startsWith('-') || SHELL_META.test(text) || CONTROL.test(text)) return false;
  if (isIPv4Text(text) || isHostnameText(text, options)) return true;
  return form === 'plain' && isIPv6Text(text);
}

/** Resolves ".", ".." and repeated "/" like the kernel would; "" for a relative path. Independent of node:path. */
export function normalizeAbsolute(path: string): string {
  if (!path.startsWith('/')) return '';
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`;
}

/** An absolute, normalised path other than "/", with no control character, white space or shell metacharacter. */
export function isMountpointField(text: string): boolean {
  return text.startsWith('/') && text !== '/' && normalizeAbsolute(text) === text && !CONTROL.test(text) && !SHELL_META.test(text);
}

/** A GlusterFS volume name (gluster(8): letters, digits, "-", "_", "."; not starting with "-"). */
export function isVolumeField(text: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(text);
}

/** A subfolder: "" or "/seg/seg" without ".", "..", empty segments, leading "-", white space or metacharacters. */
export function isSubdirField(text: string): boolean {
  if (text === '') return true;
  if (!text.startsWith('/') || normalizeAbsolute(text) !== text || text === '/') return false;
  return text.split('/').slice(1).every((segment) => !segment.startsWith('-') && !CONTROL.test(segment) && !SHELL_META.test(segment) && segment !== '.' && segment !== '..');
}

/**
 * One `key` or `key=value` token of a `-o` list: the key is a word (letters, digits, _ . -, not
 * starting with "-"); the value has no comma, white space, control character or shell
 * metacharacter other than `*` and `[]` (GlusterFS xlator globs and bracketed IPv6 lists, harmless
 * behind a `key=` prefix), and no quote or `$`.
 */
export function isOptionToken(token: string): boolean {
  const equals = token.indexOf('=');
  const key = equals < 0 ? token : token.slice(0, equals);
  const value = equals < 0 ? '' : token.slice(equals + 1);
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(key)) return false;
  if (value.includes(',') || CONTROL.test(value)) return false;
  return !/[\s;&|<>$`'"\\(){}?!#^]/.test(value);
}

/** ha-mount's own option keys, as the README and mount.ha's usage name them (never a backend's). */
export const HELPER_ONLY_KEYS = ['backend', 'servers', 'name', 'on-hang-remount-after', 'probe-interval', 'probe-timeout', 'probe-fall', 'probe-rise', 'probe-slow', 'probe-write'];

/**
 * Options only mount(8), systemd and fstab readers act on (mount(8) "FILESYSTEM-INDEPENDENT MOUNT
 * OPTIONS": X-* are "not sent to the mount.type helpers", x-* are kept for user space; systemd.mount(5)).
 */
export function isFstabOnlyToken(token: string): boolean {
  return ['_netdev', 'nofail', 'noauto', 'auto', 'defaults', 'user', 'users', 'nouser', 'owner', 'group'].includes(token) || /^[xX]-/.test(token) || token.startsWith('comment=');
}

/** The key of a `key=value` token. */
export function keyOf(token: string): string {
  const equals = token.indexOf('=');
  return equals < 0 ? token : token.slice(0, equals);
}

/** Splits `a:b:[v6]:c` at colons outside brackets. */
export function splitOuterColons(text: string): string[] {
  const items: string[] = [];
  let current = '';
  let depth = 0;
  for (const char of text) {
    if (char === '[') depth += 1;
    if (char === ']') depth -= 1;
    if (char === ':' && depth === 0) {
      items.push(current);
      current = '';
    } else current += char;
  }
  items.push(current);
  return items;
}

/**
 * Asserts the outcome of a call that must either work or fail the mount(8) way: a HaMountError
 * whose exitCode is one of mount(8)'s codes (a failure is never 0).
 */
export function expectMountError(error: unknown): asserts error is HaMountError {
  if (!(error instanceof HaMountError)) {
    throw new Error(`expected a HaMountError, got ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error)}`);
  }
  expect(MOUNT_EXIT_CODES).toContain(error.exitCode);
  expect(error.exitCode).not.toBe(0);
  expect(error.code).toMatch(/^ha-mount\.[a-z0-9.-]+$/);
  expect(error.message.length).toBeGreaterThan(0);
}

/** Runs `fn` and returns its value, or the HaMountError it threw (anything else fails the test). */
export function settle<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: HaMountError } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    expectMountError(error);
    return { ok: false, error };
  }
}

/** Async settle. */
export async function settleAsync<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: HaMountError }> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    expectMountError(error);
    return { ok: false, error };
  }
}
