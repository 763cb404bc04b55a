// MooseFS 3.0 (moosefs-client): mfsmount with MooseFS's own options.
import { DEFAULTS } from '../defaults.js';
import type { Backend } from './backend.js';
import { createMfsBackend } from './mfs-common.js';

/** LizardFS 3.12 mfsmount options that MooseFS 3.0's mfsmount does not have. */
export const LIZARDFS_ONLY_OPTIONS: ReadonlySet<string> = new Set([
  'mfsacl', 'mfsaclcacheto', 'mfsaclcachesize', 'mfsrwlock', 'enablefilelocks', 'askpassword', 'mfswriteworkers',
  'mfswritewindowsize', 'cacheexpirationtime', 'readaheadmaxwindowsize', 'mfschunkserverconnectreadto',
  'mfschunkserverwavereadto', 'mfschunkservertotalreadto', 'mfsreportreservedperiod', 'mfsiolimits',
  'nostdmountoptions', 'mfscacheperinodepercentage', 'mfsprefetchxorstripes', 'bandwidthoveruse', 'mfsdirectio',
]);

/** MooseFS: `mfsmount DIR -H MASTER -P 9421 [-S SUBFOLDER]`; refuses LizardFS's mfsmount. */
export const moosefsBackend: Backend = {
  ...createMfsBackend({ name: 'moosefs', foreignOptions: LIZARDFS_ONLY_OPTIONS }),
  defaultPort: DEFAULTS.ports.moosefs,
};
