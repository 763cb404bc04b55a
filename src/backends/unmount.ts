import type { Command } from '../types.js';

/** `umount [-l] DIR`: the same for every FUSE backend; lazy detaches without touching a dead mount. */
export function buildUmountCommand(mountpoint: string, options: { lazy: boolean }): Command {
  return { file: 'umount', args: options.lazy ? ['-l', mountpoint] : [mountpoint] };
}

/** Removes one trailing "/" so "/mnt/x/" and "/mnt/x" compare equal. */
export function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
