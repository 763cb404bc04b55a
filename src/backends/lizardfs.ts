// LizardFS 3.12/3.13 (lizardfs-client, not packaged in Debian 12): its mfsmount with its own options.
// Its mounts show as `fuse.mfs HOST:PORT` (3.13) or `fuse mfs#HOST:PORT` (<= 3.12), like MooseFS's
// (mfs-source.ts); its daemon keeps its argv, where MooseFS's renames itself (mfs-common.ts).
import { DEFAULTS } from '../defaults.js';
import type { Backend } from './backend.js';
import { createMfsBackend } from './mfs-common.js';

/** MooseFS 3.0 mfsmount options that LizardFS 3.12's mfsmount does not have. */
export const MOOSEFS_ONLY_OPTIONS: ReadonlySet<string> = new Set([
  'mfsproxy', 'mfspassfile', 'mfsdonotrememberpassword', 'mfsflattrash', 'mfspreflabels', 'mfsnoxattrs',
  'mfsnoposixlocks', 'mfsnobsdlocks', 'mfslimitarenas', 'mfsallowoomkiller', 'mfserroronlostchunk',
  'mfserroronnospace', 'mfstimeout', 'mfslogretry',
]);

/** LizardFS: `mfsmount DIR -H MASTER -P 9421 [-S SUBFOLDER]`; refuses MooseFS's mfsmount (it hangs against a LizardFS master) and a mount its daemon shows to be MooseFS's. */
export const lizardfsBackend: Backend = {
  ...createMfsBackend({ name: 'lizardfs', foreignOptions: MOOSEFS_ONLY_OPTIONS }),
  defaultPort: DEFAULTS.ports.lizardfs,
};
