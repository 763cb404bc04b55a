import { describe, expect, it } from 'vitest';
import { renderCheckScript, renderKeepalivedConfig, type VrrpSettings } from '../../../src/lab/keepalived.js';

const settings: VrrpSettings = {
  routerId: 'hm3fa2-gfs1',
  instance: 'gluster',
  initialState: 'MASTER',
  virtualRouterId: 51,
  priority: 150,
  advertIntS: 1,
  ownIp: '10.213.57.11',
  peerIps: ['10.213.57.12'],
  vip: '10.213.57.10',
  prefixLength: 24,
  checkName: 'check_glusterd',
  checkScript: '/run/ha-mount-lab/hm3fa2/gfs1-check.sh',
  checkIntervalS: 1,
  checkFall: 2,
  checkRise: 1,
};

describe('renderKeepalivedConfig', () => {
  it('when rendered then VRRP goes unicast to the peer only, so no packet leaves the lab subnet', () => {
    const config = renderKeepalivedConfig(settings);
    expect(config).toContain('unicast_src_ip 10.213.57.11');
    expect(config).toMatch(/unicast_peer \{\s+10\.213\.57\.12\s+\}/);
    expect(config).not.toMatch(/224\.0\.0\.18|mcast/);
  });

  it('when rendered then the VIP is tracked by the health check like a real deployment', () => {
    const config = renderKeepalivedConfig(settings);
    expect(config).toContain('10.213.57.10/24 dev eth0');
    expect(config).toMatch(/vrrp_script check_glusterd \{\s+script "\/run\/ha-mount-lab\/hm3fa2\/gfs1-check.sh"/);
    expect(config).toMatch(/track_script \{\s+check_glusterd\s+\}/);
    expect(config).toContain('state MASTER');
    expect(config).toContain('priority 150');
    expect(config).toContain('enable_script_security');
  });
});

describe('renderCheckScript', () => {
  it('when rendered then it asks this host own address, not any process on the machine', () => {
    const script = renderCheckScript('glusterd', '10.213.57.11', 24007);
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(script).toContain('/dev/tcp/10.213.57.11/24007');
    expect(script).not.toMatch(/pgrep|pidof/);
  });
});
