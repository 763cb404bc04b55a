import { readFile } from 'node:fs/promises';

/** Reads the VmRSS line of a /proc/PID/status text, in bytes; undefined when absent (a kernel thread, a zombie). Pure. */
export function parseVmRss(statusText: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(statusText);
  return match ? Number(match[1]) * 1_024 : undefined;
}

/**
 * The resident memory of process `pid` (a FUSE daemon), from /proc/PID/status, which the
 * kernel answers without touching the mount. Undefined when the process is gone.
 */
export async function readDaemonRss(
  pid: number,
  read: (path: string) => Promise<string> = (path) => readFile(path, 'utf8'),
): Promise<number | undefined> {
  try {
    return parseVmRss(await read(`/proc/${pid}/status`));
  } catch {
    return undefined;
  }
}
