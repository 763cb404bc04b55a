import { createHash } from 'node:crypto';
import { DEFAULTS } from '../defaults.js';
import type { ProbeTarget } from './probe-types.js';

/** The paths one probe of a mount touches, all below the mountpoint. */
export interface ProbePaths {
  mountpoint: string;
  /** `<mountpoint>/.ha-mount` */
  folder: string;
  /** `<mountpoint>/.ha-mount/<host>` */
  hostFolder: string;
  /** `<hostFolder>/<fileName>` */
  file: string;
  /** `probe-<12 hex of the mountpoint's sha256>[-generation][-check]`: two mounts of one volume on one host must not share it */
  fileName: string;
  /** a random name that must not exist: its lookup must reach the server and come back ENOENT */
  lookup: string;
}

const fileHashes = new Map<string, string>(); // one per mountpoint: the hash is the same at every probe

/** The first 12 hex of the mountpoint's sha256, computed once per mountpoint. */
function mountpointHash(mountpoint: string): string {
  let hash = fileHashes.get(mountpoint);
  if (hash === undefined) fileHashes.set(mountpoint, (hash = createHash('sha256').update(mountpoint).digest('hex').slice(0, 12)));
  return hash;
}

/** The paths of one probe; `nonce` makes the lookup name new each time. Pure (the hash is memoised). */
export function buildProbePaths(target: ProbeTarget, nonce: string): ProbePaths {
  const base = target.mountpoint === '/' ? '' : target.mountpoint;
  const folder = `${base}/${DEFAULTS.probe.folder}`;
  const hostFolder = `${folder}/${target.host}`;
  const generation = target.fileGeneration ? `-${target.fileGeneration}` : '';
  const check = target.forCheck ? '-check' : '';
  const fileName = `probe-${mountpointHash(target.mountpoint)}${generation}${check}`;
  return { mountpoint: target.mountpoint, folder, hostFolder, file: `${hostFolder}/${fileName}`, fileName, lookup: `${base}/.ha-mount-lookup-${nonce}` };
}

/**
 * Why `host` cannot name the probe's host folder, or undefined when it can: it must be one
 * path component (the probe creates `.ha-mount/<host>` and enters it, nothing deeper). Pure.
 */
export function checkHostFolderName(host: string): string | undefined {
  if (host === '' || host === '.' || host === '..' || /[/\0]/.test(host) || Buffer.byteLength(host) > 255) {
    return `the host name ${JSON.stringify(host)} cannot name the probe folder ${DEFAULTS.probe.folder}/<host>: it must be one path component`;
  }
  return undefined;
}
