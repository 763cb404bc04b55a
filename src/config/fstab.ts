// The `ha` lines of /etc/fstab, which the agent manages alongside the config file's mounts.
// Options are split exactly as mount.ha splits them (helper-options.ts), so a line means the
// same to the agent as to mount(8).
import { ExitCode, HaMountError } from '../errors.js';
import type { MountSpec, ProbeSettings } from '../types.js';
import { splitHelperOptions, type HelperOptions } from './helper-options.js';
import { buildHelperMountSpec } from './helper-spec.js';
import { isFstabOnlyOption } from './mount-spec.js';

/** One fstab line of type `ha` (or `ha.BACKEND`), fields unescaped, options sorted by who reads them. */
export interface FstabEntry {
  file: string;
  /** 1-based line number */
  line: number;
  /** first field: host1[,host2][:port]:/volume[/subdir] */
  spec: string;
  mountpoint: string;
  /** "ha", "ha.glusterfs"... */
  type: string;
  /** every option token, in order ("defaults" and empty tokens dropped) */
  options: string[];
  /** ha-mount's own options (backend=, servers=, probe-*=...), as mount.ha reads them */
  helper: HelperOptions;
  /** options for the backend's client */
  backendOptions: string[];
  /** options only mount(8), systemd and fstab readers act on (noauto, nofail, _netdev, x-*...) */
  fstabOptions: string[];
  /** fifth and sixth fields (0 when absent) */
  freq: number;
  passno: number;
}

/** True for the filesystem types mount(8) hands to mount.ha: `ha`, `ha.BACKEND`, `fuse.ha.BACKEND`. */
export function isHaType(type: string): boolean {
  return type === 'ha' || /^(?:fuse\.)?ha\.[a-z0-9]+$/.test(type);
}

/** Undoes fstab's octal escapes (\040 space, \011 tab, \012 newline, \134 backslash). Pure. */
export function unescapeFstabField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/**
 * Reads fstab text and returns its `ha` entries. Comments (# at the start of a line, after
 * blanks), blank lines and lines of other types are skipped; a malformed `ha` line is an error
 * naming file and line, so a reload keeps the running config. Pure.
 */
export function parseFstab(text: string, file: string): FstabEntry[] {
  const entries: FstabEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = trimmed.split(/[ \t]+/);
    const [spec, mountpoint, type, options, freq, passno] = fields.map(unescapeFstabField);
    if (type === undefined || !isHaType(type)) return; // not ours; mount(8) reports its own lines
    const fail = (why: string): HaMountError =>
      new HaMountError('ha-mount.fstab.invalid', `${file}:${line}: ${why}; expected SOURCE MOUNTPOINT ha OPTIONS [FREQ [PASSNO]]`, ExitCode.USAGE);
    if (fields.length > 6) throw fail(`${fields.length} fields (write a space in a path as \\040)`);
    const dump = parseCount(freq, 'the fifth field (dump frequency)', fail);
    const pass = parseCount(passno, 'the sixth field (fsck pass)', fail);
    const tokens = (options ?? 'defaults').split(',').filter((token) => token !== '' && token !== 'defaults');
    let helper: HelperOptions;
    try {
      helper = splitHelperOptions(tokens);
    } catch (error) {
      throw fail(error instanceof Error ? error.message : String(error));
    }
    entries.push({
      file,
      line,
      spec: spec ?? '',
      mountpoint: mountpoint ?? '',
      type,
      options: tokens,
      helper,
      backendOptions: helper.rest.filter((token) => !isFstabOnlyOption(token)),
      fstabOptions: helper.rest.filter(isFstabOnlyOption),
      freq: dump,
      passno: pass,
    });
  });
  return entries;
}

function parseCount(text: string | undefined, what: string, fail: (why: string) => HaMountError): number {
  if (text === undefined) return 0;
  if (!/^\d+$/.test(text)) throw fail(`${what} is ${JSON.stringify(text)}, not a number`);
  return Number(text);
}

/**
 * The MountSpec of an fstab entry, built and validated by the same code as mount.ha
 * (buildHelperMountSpec); errors are prefixed with file:line. `probeBase` is the config
 * file's global probe settings, over which the line's probe-* options apply.
 */
export function buildFstabMountSpec(entry: FstabEntry, probeBase?: ProbeSettings): MountSpec {
  try {
    return buildHelperMountSpec({
      source: entry.spec,
      mountpoint: entry.mountpoint,
      options: entry.options,
      type: entry.type,
      ...(probeBase ? { probeBase } : {}),
    }).spec;
  } catch (error) {
    if (!(error instanceof HaMountError)) throw error;
    throw new HaMountError(error.code, `${entry.file}:${entry.line}: ${error.message}`, error.exitCode, { cause: error });
  }
}
