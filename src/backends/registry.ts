import { ExitCode, HaMountError } from '../errors.js';
import type { BackendName } from '../types.js';
import type { Backend } from './backend.js';
import { quoteValue } from '../config/validate.js';
import { glusterfsBackend } from './glusterfs.js';
import { lizardfsBackend } from './lizardfs.js';
import { moosefsBackend } from './moosefs.js';

const BACKENDS: Record<BackendName, Backend> = {
  glusterfs: glusterfsBackend,
  moosefs: moosefsBackend,
  lizardfs: lizardfsBackend,
};

/** Every backend name, in the order help texts list them. */
export const BACKEND_NAMES = Object.keys(BACKENDS) as BackendName[];

/** Checks a backend name as a user wrote it. Throws a usage error listing the known ones. */
export function parseBackendName(text: string): BackendName {
  if ((BACKEND_NAMES as string[]).includes(text)) return text as BackendName;
  throw new HaMountError('ha-mount.backend.unknown', `unknown backend ${quoteValue(text)}: expected one of ${BACKEND_NAMES.join(', ')}`, ExitCode.USAGE);
}

/** The backend for a name (checked with parseBackendName first when it comes from a user). */
export function getBackend(name: string): Backend {
  return BACKENDS[parseBackendName(name)];
}

/** Every backend, e.g. to recognise any ha-mount mount in mountinfo. */
export function listBackends(): Backend[] {
  return BACKEND_NAMES.map((name) => BACKENDS[name]);
}
