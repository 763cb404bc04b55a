import type { MountSpec } from '../types.js';

/** The labels of `ha_mount_info`: what a fleet's alert rules join on to group clients by volume. */
export interface MountInfoLabels {
  backend: string;
  /** the GlusterFS volume; for MooseFS/LizardFS (one filesystem per master) the first server, i.e. the master or its VIP */
  volume: string;
  /** the configured servers in order, "host[:port]" joined by commas: the VIP first, then the backups */
  servers: string;
}

/**
 * The info labels of a mount, from its spec only (never from the mount or a server's answer):
 * one series per configured mount, so the cardinality is that of the config. Pure.
 */
export function describeMountSpec(spec: Pick<MountSpec, 'backend' | 'volume' | 'servers'>): MountInfoLabels {
  const servers = spec.servers.map((server) => (server.port === undefined ? server.host : `${server.host}:${server.port}`));
  return { backend: spec.backend, volume: spec.volume !== '' ? spec.volume : (servers[0] ?? ''), servers: servers.join(',') };
}
