import { ExitCode, HaMountError } from '../errors.js';
import type { MountSpec } from '../types.js';

/** A mount present before and after a reload, with the fields that differ. */
export interface MountChange {
  before: MountSpec;
  after: MountSpec;
  /** names of the MountSpec fields that differ, in declaration order */
  fields: Array<keyof MountSpec>;
}

/**
 * What a reload does, mount by mount (keyed by mountpoint):
 * - added: mount it and start a supervisor;
 * - removed: stop its supervisor (and unmount);
 * - changed: what is mounted differs (backend, servers, volume, subdir, options): remount;
 * - retuned: only what the supervisor reads differs (probe settings, hang policy,
 *   post-remount command, name): hand the new spec to the running supervisor, never remount;
 * - unchanged: leave alone, FUSE daemon and all.
 */
export interface MountDiff {
  added: MountSpec[];
  removed: MountSpec[];
  changed: MountChange[];
  retuned: MountChange[];
  unchanged: MountSpec[];
}

// Fields the mount command is built from. The rest only steer the supervisor.
const mountFields = ['backend', 'servers', 'volume', 'subdir', 'mountpoint', 'options'] as const satisfies ReadonlyArray<keyof MountSpec>;
const supervisorFields = ['name', 'probe', 'onHang', 'postRemount'] as const satisfies ReadonlyArray<keyof MountSpec>;
// a field added to MountSpec but to neither list fails to compile here
type Unlisted = Exclude<keyof MountSpec, (typeof mountFields)[number] | (typeof supervisorFields)[number]>;
const everyFieldListed: Unlisted extends never ? true : never = true;

/** Compares the mounts of the running config with those of a new one. Pure. */
export function diffMounts(old: readonly MountSpec[], next: readonly MountSpec[]): MountDiff {
  const before = indexByMountpoint(old, 'running');
  const after = indexByMountpoint(next, 'new');
  const diff: MountDiff = { added: [], removed: [], changed: [], retuned: [], unchanged: [] };
  for (const spec of next) {
    const previous = before.get(spec.mountpoint);
    if (!previous) {
      diff.added.push(spec);
      continue;
    }
    const remount = mountFields.filter((field) => !isSameValue(previous[field], spec[field]));
    const retune = supervisorFields.filter((field) => !isSameValue(previous[field], spec[field]));
    if (remount.length > 0) diff.changed.push({ before: previous, after: spec, fields: [...remount, ...retune] });
    else if (retune.length > 0) diff.retuned.push({ before: previous, after: spec, fields: retune });
    else diff.unchanged.push(spec);
  }
  diff.removed = old.filter((spec) => !after.has(spec.mountpoint));
  return diff;
}

function indexByMountpoint(specs: readonly MountSpec[], which: string): Map<string, MountSpec> {
  const index = new Map<string, MountSpec>();
  for (const spec of specs) {
    const other = index.get(spec.mountpoint);
    if (other) {
      throw new HaMountError(
        'ha-mount.config.duplicate-mountpoint',
        `two mounts of the ${which} config share the mountpoint ${spec.mountpoint} ("${other.name}" and "${spec.name}"); keep one of them (in the config file or in fstab)`,
        ExitCode.USAGE,
      );
    }
    index.set(spec.mountpoint, spec);
  }
  return index;
}

/** Deep equality of JSON-like values; a key holding undefined equals an absent key. Arrays keep order. Pure. */
export function isSameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => isSameValue(item, b[i]));
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (!isSameValue(left[key], right[key])) return false;
  return true;
}
