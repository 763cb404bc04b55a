import type { Backend } from '../backends/backend.js';
import type { MountInfoEntry } from '../mount/mountinfo.js';
import { inspectMountPresence } from '../probes/mount-presence.js';
import type { MountSpec } from '../types.js';
import type { Presence } from './core-types.js';

/** What mountinfo shows at the spec's mountpoint, worded for the core. Pure. */
export function presenceOf(entries: readonly MountInfoEntry[], spec: Pick<MountSpec, 'mountpoint'>, backend: Pick<Backend, 'recognizes' | 'serverOf'>): Presence {
  const presence = inspectMountPresence(entries, spec.mountpoint, backend);
  if (presence.kind === 'absent') return presence;
  if (presence.kind === 'foreign') return { kind: 'foreign', reason: `another filesystem is mounted at ${spec.mountpoint}: ${presence.entry.fstype} ${presence.entry.source}` };
  const server = backend.serverOf(presence.entry);
  return { kind: 'mounted', device: presence.entry.device, ...(server === undefined ? {} : { server }) };
}
