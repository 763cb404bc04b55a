// How an mfsmount (MooseFS or LizardFS) shows in mountinfo. Both projects build the FUSE fsname
// in `make_fsname` (LizardFS src/mount/fuse/main.cc, MooseFS mfsclient/mfsmount.c), in one of two
// forms depending on how the binary was built, not on the project:
// - fuse_version() known and libfuse >= 2.7: `-osubtype=mfs,fsname=HOST:PORT[/SUB]`, so the kernel
//   lists fstype `fuse.mfs`, source `HOST:PORT[/SUB]` (LizardFS 3.13, MooseFS's own 3.x/4.x packages);
// - otherwise `-ofsname=mfs#HOST:PORT[/SUB]`: fstype `fuse`, source `mfs#HOST:PORT[/SUB]` (LizardFS
//   <= 3.12, whose build never defines LIZARDFS_HAVE_FUSE_VERSION; Debian 12's MooseFS 3.0.117,
//   whose binary does not import fuse_version). libfuse also falls back to this form itself when
//   the kernel refuses a `fuse.SUBTYPE` mount (ENODEV).
// The meta filesystem (`-o mfsmeta`) uses the subtype `mfsmeta` and the prefix `mfsmeta#`.
// The subfolder is only in the source when it does not start with "/" (LizardFS, MooseFS 3.0),
// or when it is not "/" (MooseFS 4), so a missing subfolder proves nothing.
import type { MountInfoEntry } from '../mount/mountinfo.js';

/** What an MFS mountinfo entry says about the mount. */
export interface MfsMountSource {
  /** `fuse.mfs` + `HOST:PORT` or `fuse` + `mfs#HOST:PORT` */
  form: 'subtype' | 'fsname-prefix';
  /** the meta filesystem (trash, sustained files), not the volume */
  meta: boolean;
  host: string;
  port: number;
  /** the subfolder when the source carries one, without its leading "/" */
  subfolder?: string;
}

const HOST_PORT_PATH = /^(.+):(\d{1,5})(?:\/(.*))?$/;

function splitHostPort(text: string): Pick<MfsMountSource, 'host' | 'port' | 'subfolder'> | undefined {
  const match = HOST_PORT_PATH.exec(text);
  if (!match) return undefined;
  const host = (match[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  if (host === '' || /[\s#]/.test(host)) return undefined;
  const subfolder = (match[3] ?? '').replace(/\/+$/, '');
  return { host, port: Number(match[2]), ...(subfolder === '' ? {} : { subfolder }) };
}

/** Reads an MFS mount's fstype and source; undefined when the entry is no MooseFS/LizardFS mount. Pure. */
export function parseMfsMountSource(entry: Pick<MountInfoEntry, 'fstype' | 'source'>): MfsMountSource | undefined {
  if (entry.fstype === 'fuse.mfs' || entry.fstype === 'fuse.mfsmeta') {
    const parts = splitHostPort(entry.source);
    return parts && { form: 'subtype', meta: entry.fstype === 'fuse.mfsmeta', ...parts };
  }
  if (entry.fstype === 'fuse') {
    const prefixed = /^(mfs|mfsmeta)#(.*)$/.exec(entry.source);
    const parts = prefixed ? splitHostPort(prefixed[2] ?? '') : undefined;
    return parts && { form: 'fsname-prefix', meta: prefixed?.[1] === 'mfsmeta', ...parts };
  }
  return undefined;
}

/** Why a recognised MFS mount is not the one a spec asks for, or undefined when it is. Pure. */
export function explainMfsMismatch(source: MfsMountSource, subdir: string): string | undefined {
  if (source.meta) return 'it is the meta filesystem (mfsmeta: trash and sustained files), not the volume; ha-mount mounts volumes only, drop the mfsmeta option';
  const wanted = subdir.replace(/^\/+|\/+$/g, '');
  if (source.subfolder !== undefined && source.subfolder !== wanted) return `it is subfolder /${source.subfolder}, not ${wanted === '' ? 'the root' : `/${wanted}`}`;
  return undefined;
}
