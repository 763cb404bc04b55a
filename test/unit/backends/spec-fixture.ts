import { defaultProbeSettings } from '../../../src/config/probe-config.js';
import type { MountSpec } from '../../../src/types.js';

/** A valid spec with overrides. */
export function makeSpec(overrides: Partial<MountSpec> = {}): MountSpec {
  return {
    name: 'rep_vol1',
    backend: 'glusterfs',
    servers: [{ host: 'vip' }, { host: 'gfs2' }],
    volume: 'rep_vol1',
    subdir: '',
    mountpoint: '/data',
    options: [],
    probe: defaultProbeSettings(),
    onHang: {},
    ...overrides,
  };
}
