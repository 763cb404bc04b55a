// LizardFS 3.12 (lizardfs-client, not packaged in Debian 12): its mfsmount with its own options.
import { DEFAULTS } from '../defaults.js';
import type { Backend } from './backend.js';
import { createMfsBackend } from './mfs-common.js';

/** MooseFS 3.0 mfsmount options that LizardFS 3.12's mfsmount does not have. */
export const MOOSEFS_ONLY_OPTIONS: ReadonlySet<string> = new Set([
  'mfsproxy', 'mfspassfile', 'mfsdonotrememberpassword', 'mfsflattrash', 'mfspreflabels', 'mfsnoxattrs',
  'mfsnoposixlocks', 'mfsnobsdlocks', 'mfslimitarenas', 'mfsallowoomkiller', 'mfserroronlostchunk',
  'mfserroronnospace', 'mfstimeout', 'mfslogretry',
]);

/** LizardFS: `mfsmount DIR -H MASTER -P 9421 [-S SUBFOLDER]`; refuses MooseFS's mfsmount (it hangs against a LizardFS master). */
export const lizardfsBackend: Backend = {
  ...createMfsBackend({ name: 'lizardfs', foreignOptions: MOOSEFS_ONLY_OPTIONS }),
  defaultPort: DEFAULTS.ports.lizardfs,
};
