import type { ErrnoClass } from './probe-types.js';

// Impaired but answering: the remount would not help, the admin must (free space, fix the volume).
const SOFT = new Set(['ENOSPC', 'EROFS', 'EDQUOT']);
// The client connection is gone or the mount's root is stale: only a remount repairs these.
const HARD = new Set(['ENOTCONN', 'ESTALE', 'ENODEV', 'ECONNABORTED', 'ENXIO']);

/**
 * How an errno from a probe step reads. ENOENT on the random name is the answer we want;
 * EIO, EHOSTDOWN and anything unknown may pass (a split-brain file, a brick restarting), so
 * they are "bad" and count against `fall` before the mount is called failed. Pure.
 */
export function classifyErrno(errno: string): ErrnoClass {
  if (errno === 'ENOENT') return 'answers';
  if (SOFT.has(errno)) return 'soft';
  if (HARD.has(errno)) return 'hard';
  return 'bad';
}
